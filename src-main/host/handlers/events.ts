// events.*: the track events (one per person walking past), corrections and exports.
import { VigilError } from '../../../src-contract/errors.ts';
import type { EventRecord, EventQuery } from '../../storage/repositories/detection-events.ts';
import type { Handlers } from '../../core/dispatcher.ts';
import type { HostContext } from '../host-context.ts';
import { DateTime } from 'luxon';
import { eventView } from '../../storage/views.ts';
import { exportTable } from '../exports/table-export.ts';

const EXPORT_MAX_ROWS = 50_000;

const DECISION_LABEL: Record<string, string> = { recognized: 'Recognised', unknown: 'Unknown', pending: 'Pending' };
const FLAG_LABEL: Record<string, string> = { watchlist: 'watchlist', no_consent: 'no consent', low_quality: 'low quality', liveness_failed: 'liveness failed' };

const ms = (s: string | undefined) => (s === undefined ? undefined : Date.parse(s));

/** Every event matching `q` (newest first), page by page, up to `max`. */
export function allEvents(ctx: Pick<HostContext, 'store'>, q: EventQuery, max = EXPORT_MAX_ROWS): EventRecord[] {
  const out: EventRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = ctx.store.events.list({ ...q, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && out.length < max);
  return out.slice(0, max);
}

/** "This was not Alice, it was Bob" (or nobody): the event is corrected and attendance follows, in one transaction;
 *  published as 'corrected'. Shared by events.correct and reviews.resolve. */
export async function correctEvent(ctx: HostContext, q: { id: string; personId: string | null; reason: string | null; by: string }): Promise<EventRecord> {
  const { id, personId: person_id, reason, by } = q;
  const before = ctx.store.events.get(id);
  if (!before) throw new VigilError('NOT_FOUND', `event ${id} not found`);
  if (person_id && !ctx.store.persons.get(person_id)) throw new VigilError('NOT_FOUND', `person ${person_id} not found`, { field: 'person_id' });
  const rec = await ctx.store.write(() => {
    const r = ctx.store.events.correct(id, { personId: person_id, by, reason });
    // Alice's punch from this event stops counting (her day is recomputed) and Bob, who was there, gets it (at the
    // decision time, as the pipeline punches) — in the same transaction.
    if (person_id !== before.personId) {
      const cam = before.cameraId ? ctx.cameras.config(before.cameraId) : null;
      const to = person_id && before.cameraId ? { personId: person_id, at: before.decidedAt ?? before.startedAt, role: cam?.role ?? 'any', cameraId: before.cameraId } : null;
      ctx.attendance.reassignEvent({ eventId: id, to, by, reason });
    }
    return r;
  });
  ctx.bus.publish('events.track', { kind: 'corrected', event: eventView(rec) });
  return rec;
}

export function eventHandlers(ctx: HostContext): Handlers {
  return {
    'events.list': ({ from, to, camera_id, person_id, decision, min_confidence, limit, cursor }) => {
      const page = ctx.store.events.list({ from: ms(from), to: ms(to), cameraId: camera_id, personId: person_id, decision, minConfidence: min_confidence, limit, cursor });
      return { items: page.items.map(eventView), next_cursor: page.nextCursor };
    },
    'events.get': ({ id }) => {
      const e = ctx.store.events.get(id);
      if (!e) throw new VigilError('NOT_FOUND', `event ${id} not found`);
      return eventView(e);
    },
    'events.correct': async ({ id, person_id, reason, add_template }, caller) => {
      const by = caller.user?.username ?? caller.origin;
      const view = eventView(await correctEvent(ctx, { id, personId: person_id, reason: reason ?? null, by }));
      if (add_template && person_id) {
        const verdict = await ctx.enrolment.enrolFromEvent(person_id, id, by);
        ctx.logger.info({ event_type: 'correction_template', event_id: id, person_id, accepted: verdict.accepted, code: verdict.code }, 'correction face offered as a template');
      }
      return view;
    },
    'events.export': async ({ from, to, camera_id, person_id, decision, format }) => {
      const rows = allEvents(ctx, { from: ms(from), to: ms(to), cameraId: camera_id, personId: person_id, decision });
      const { timezone, locale } = ctx.store.settings.get();
      const stamp = DateTime.now().setZone(timezone).toISODate()!;
      const employeeIds = new Map<string, string>();
      const employeeId = (personId: string | null) => {
        if (!personId) return null;
        if (!employeeIds.has(personId)) employeeIds.set(personId, ctx.store.persons.get(personId)?.employeeId ?? '');
        return employeeIds.get(personId)!;
      };
      const fmt = (iso: string | undefined) => (iso ? DateTime.fromISO(iso, { zone: timezone }).setLocale(locale).toLocaleString(DateTime.DATETIME_SHORT) : null);
      return exportTable({
        name: `events-${stamp}`,
        title: 'Detection events',
        subtitle: from || to ? `${fmt(from) ?? '…'} – ${fmt(to) ?? '…'}` : `All events up to ${fmt(new Date().toISOString())}`,
        timeZone: timezone,
        locale,
        columns: [
          { key: 'started_at', header: 'Started', type: 'datetime', width: 15 }, { key: 'ended_at', header: 'Ended', type: 'datetime', width: 15 },
          { key: 'camera', header: 'Camera', width: 14 }, { key: 'decision', header: 'Result', width: 11 },
          { key: 'employee_id', header: 'Employee ID', width: 11 }, { key: 'person', header: 'Person', width: 18 }, { key: 'confidence', header: 'Confidence', type: 'number', width: 9 },
          { key: 'flags', header: 'Flags', width: 14 }, { key: 'corrected_by', header: 'Corrected by', width: 12 }, { key: 'id', header: 'Event ID', width: 22 },
        ],
        rows: rows.map((e) => ({
          started_at: e.startedAt, ended_at: e.endedAt, camera: e.cameraName, decision: DECISION_LABEL[e.decision] ?? e.decision,
          employee_id: employeeId(e.personId), person: e.personName ?? (e.decision === 'recognized' ? '(erased)' : null),
          confidence: e.confidence === null ? null : Math.round(e.confidence * 1000) / 1000,
          flags: e.flags.map((f) => FLAG_LABEL[f] ?? f).join(', '), corrected_by: e.correctedBy, id: e.id,
        })),
      }, format);
    },
  };
}
