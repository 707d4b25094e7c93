// "Forget this person" (GDPR art. 17). One write transaction removes the person, their templates, consents and
// attendance (cascades), strips their identity from events (anonymised: kept for statistics without person,
// snapshots or vote details; or deleted, per the `erasure_events` setting), queues every file they owned in
// pending_file_deletions, records the job and writes the audit row with the reason. Files are unlinked after the
// commit; a crash in between leaves the job open and the files queued, and start-up finishes both.
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { VigilError } from '../../src-contract/errors.ts';
import type { AuditSink } from '../audit/audit-log.ts';
import { callerFields } from '../audit/dispatch-audit.ts';
import type { Caller } from '../core/dispatcher.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { ConsentStore } from './consent.ts';

export type ErasureEventsPolicy = 'anonymise' | 'delete';

export interface ErasureDeps {
  store: Pick<HostStore, 'db' | 'write' | 'fileDeletions' | 'retention'>;
  audit: AuditSink;
  consents: ConsentStore;
  eventsPolicy: () => ErasureEventsPolicy;
  /** Lets the host drop the person from the in-memory matcher gallery and live caches. */
  onErased?: (personId: string) => void;
  now?: () => number;
}

export interface ErasureCommit {
  jobId: string;
  personId: string;
  filesQueued: number;
  rows: Record<string, number>;
}

const reasonKey = (jobId: string): string => `erasure:${jobId}`;
const likeId = (id: string): string => `%"${id.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;

export class Erasure {
  readonly #d: ErasureDeps;
  readonly #w: Database.Database;
  readonly #now: () => number;

  constructor(deps: ErasureDeps) {
    this.#d = deps;
    this.#w = deps.store.db.writer;
    this.#now = deps.now ?? Date.now;
  }

  /** Phase 1: the database transaction. After it resolves the person is gone; only file unlinks remain. */
  async commit(personId: string, reason: string, caller: Caller): Promise<ErasureCommit> {
    const w = this.#w;
    const policy = this.#d.eventsPolicy();
    const out = await this.#d.store.write((): ErasureCommit => {
      if (!w.prepare('SELECT 1 FROM persons WHERE id = ?').get(personId)) throw new VigilError('NOT_FOUND', `person ${personId} not found`);
      const jobId = `era_${randomUUID()}`;
      const now = this.#now();
      const like = likeId(personId);

      const templateFiles = w.prepare<[string], { p: string }>('SELECT source_path AS p FROM face_templates WHERE person_id = ? AND source_path IS NOT NULL').all(personId).map((r) => r.p);
      const events = w.prepare<[string], { id: string; face_snapshot: string | null; frame_snapshot: string | null }>(
        'SELECT id, face_snapshot, frame_snapshot FROM detection_events WHERE person_id = ?',
      ).all(personId);
      const eventFiles = events.flatMap((e) => [e.face_snapshot, e.frame_snapshot]).filter((p): p is string => p !== null);
      // A snapshot another person's template was enrolled from stays (it is that person's data now).
      const usedElsewhere = w.prepare<[string, string], { n: number }>('SELECT count(*) AS n FROM face_templates WHERE source_path = ? AND person_id <> ?');
      const files = [...new Set([...templateFiles, ...eventFiles])].filter((p) => templateFiles.includes(p) || usedElsewhere.get(p, personId)!.n === 0);

      const rows: Record<string, number> = { templates: templateFiles.length, events: events.length };
      // event_log first: it finds the person's events through detection_events.person_id, which the next step clears.
      const ofPerson = 'SELECT id FROM detection_events WHERE person_id = ?';
      if (policy === 'delete') {
        rows.event_log = w.prepare(`DELETE FROM event_log WHERE detection_id IN (${ofPerson})`).run(personId).changes;
        w.prepare('DELETE FROM detection_events WHERE person_id = ?').run(personId);
      } else {
        rows.event_log = w.prepare(`UPDATE event_log SET payload_json = '{}', message = NULL WHERE detection_id IN (${ofPerson})`).run(personId).changes;
        w.prepare(`UPDATE detection_events SET person_id = NULL, face_snapshot = NULL, frame_snapshot = NULL, votes_json = NULL, correction_json = NULL
                   WHERE person_id = ?`).run(personId);
      }
      // Other events may name the person as a runner-up vote or in a correction's history.
      rows.events_scrubbed = w.prepare("UPDATE detection_events SET votes_json = NULL WHERE votes_json LIKE ? ESCAPE '\\'").run(like).changes
        + w.prepare("UPDATE detection_events SET correction_json = NULL WHERE correction_json LIKE ? ESCAPE '\\'").run(like).changes;
      rows.event_log += w.prepare("UPDATE event_log SET payload_json = '{}', message = NULL WHERE payload_json LIKE ? ESCAPE '\\'").run(like).changes;

      // Cascades: face_templates, attendance punches/corrections/days, consents.
      w.prepare('DELETE FROM persons WHERE id = ?').run(personId);
      this.#d.store.fileDeletions.enqueue(files, reasonKey(jobId), now);
      w.prepare(
        `INSERT INTO erasure_jobs (id, person_id, reason, requested_by, events_policy, created_at, files_total, rows_json)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(jobId, personId, reason, caller.user?.id ?? caller.origin, policy, now, files.length, JSON.stringify(rows));
      this.#d.audit.record({
        type: 'data_modification', ...callerFields(caller), action: 'persons.erase', resource: `person:${personId}`, personId,
        result: 'success', reason, details: { job_id: jobId, events_policy: policy, files: files.length, ...rows },
      });
      return { jobId, personId, filesQueued: files.length, rows };
    });
    this.#d.consents.invalidate();
    this.#d.onErased?.(personId);
    return out;
  }

  /** Phase 2: unlink the queued files and close the job. Returns how many of its files are gone. */
  async finish(jobId: string): Promise<{ filesRemoved: number; complete: boolean }> {
    await this.#d.store.retention.drainDeletions();
    const job = this.#w.prepare<[string], { files_total: number; completed_at: number | null }>('SELECT files_total, completed_at FROM erasure_jobs WHERE id = ?').get(jobId);
    if (!job) throw new VigilError('NOT_FOUND', `erasure job ${jobId} not found`);
    const left = this.#w.prepare<[string], { n: number }>('SELECT count(*) AS n FROM pending_file_deletions WHERE reason = ?').get(reasonKey(jobId))!.n;
    if (left === 0 && job.completed_at === null) {
      await this.#d.store.write(() => this.#w.prepare('UPDATE erasure_jobs SET completed_at = ? WHERE id = ?').run(this.#now(), jobId));
    }
    return { filesRemoved: job.files_total - left, complete: left === 0 };
  }

  async erase(personId: string, reason: string, caller: Caller): Promise<{ jobId: string; filesRemoved: number }> {
    const c = await this.commit(personId, reason, caller);
    const f = await this.finish(c.jobId);
    return { jobId: c.jobId, filesRemoved: f.filesRemoved };
  }

  /** Start-up: finishes jobs a crash left open. Returns the ids completed now. */
  async resume(): Promise<string[]> {
    const open = this.#w.prepare<[], { id: string; person_id: string }>('SELECT id, person_id FROM erasure_jobs WHERE completed_at IS NULL ORDER BY created_at').all();
    const done: string[] = [];
    for (const job of open) {
      const r = await this.finish(job.id);
      if (r.complete) {
        done.push(job.id);
        this.#d.audit.record({
          type: 'system', userId: null, username: 'vigil', origin: 'startup', action: 'persons.erase.resumed', resource: `person:${job.person_id}`,
          personId: job.person_id, result: 'success', reason: 'file deletions interrupted by a restart were completed', details: { job_id: job.id },
        });
      }
    }
    return done;
  }
}
