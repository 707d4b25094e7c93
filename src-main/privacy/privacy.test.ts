import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import sharp from 'sharp';
import { ACCESS_MIGRATIONS, createAccessControl } from '../host/access-control.ts';
import { readZip } from '../api/testing/read-zip.ts';
import { run as exportCli } from '../cli/commands/export-person.ts';
import { Dispatcher, type Caller } from '../core/dispatcher.ts';
import { openStore, type HostStore } from '../storage/host-store.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import type { Person } from '../../src-contract/schemas.ts';

const admin: Caller = { user: { id: 'usr_admin', username: 'alice', role: 'admin' }, origin: '127.0.0.1' };

async function jpeg(seed: number): Promise<Buffer> {
  return sharp({ create: { width: 32, height: 32, channels: 3, background: { r: seed % 256, g: 80, b: 120 } } }).jpeg().toBuffer();
}

async function open(t: TestContext, dir: string, now?: () => number) {
  const store = await openStore(dir, { migrations: ACCESS_MIGRATIONS, durability: 'normal' });
  const dispatcher = new Dispatcher();
  const personView = (id: string): Person => {
    const p = store.persons.get(id)!;
    return { id, employee_id: p.employeeId, name: p.name, department: p.department, status: p.status, watchlist: p.watchlist, shift_id: null, start_date: null, demo: false,
      template_count: p.templateCount, consent: access.privacy.consents.get(id), created_at: new Date(p.createdAt).toISOString(), updated_at: new Date(p.updatedAt).toISOString(), thumbnail: null };
  };
  const erased: string[] = [];
  const access = await createAccessControl(store, dispatcher, { personView, onErased: (id) => erased.push(id), now });
  let closed = false;
  const close = async () => { if (!closed) { closed = true; await store.close(); } };
  t.after(close);
  return { store, dispatcher, access, erased, close };
}

/** A person with two enrolment photos, three events (two with snapshots), a punch and an event-log line. */
async function seedPerson(store: HostStore, dir: string, employeeId: string) {
  const file = async (rel: string, seed: number) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), await jpeg(seed));
    return rel;
  };
  if (!store.cameras.get('cam_x')) store.cameras.create({ id: 'cam_x', name: 'Door', source: { type: 'file', path: '/dev/null' } });
  const p = store.persons.create({ employee_id: employeeId, name: `Person ${employeeId}` });
  const photos = [await file(`enrolment/${p.id}/a.jpg`, 1), await file(`enrolment/${p.id}/b.jpg`, 2)];
  const snaps: string[] = [];
  await store.write(() => {
    for (const [i, photo] of photos.entries()) {
      store.templates.add({ personId: p.id, embedding: new Float32Array(8).fill(i + 1), sourcePath: photo, sourceKind: 'photo', quality: { sharpness: 50 } });
    }
  });
  for (let i = 0; i < 3; i++) {
    const id = `evt_${employeeId}_${i}`;
    const face = i < 2 ? await file(`snapshots/2025/01/0${i + 1}/${id}-face.jpg`, 10 + i) : null;
    const frame = i < 2 ? await file(`snapshots/2025/01/0${i + 1}/${id}-frame.jpg`, 20 + i) : null;
    if (face) snaps.push(face, frame!);
    await store.write(() => {
      store.events.insertPending({ id, cameraId: 'cam_x', cameraName: 'Door', startedAt: Date.now() - 1000 * i, box: [1, 2, 3, 4], score: 0.9, frameWidth: 640, frameHeight: 480 });
      store.events.applyDecision(id, { decision: 'recognized', personId: p.id, confidence: 0.8, distance: 0.2, margin: 0.3, votes: [{ person_id: p.id, w: 1 }], decidedAt: Date.now() });
      if (face) store.events.updateBest(id, { box: [1, 2, 3, 4], score: 0.9, frameWidth: 640, frameHeight: 480, faceSnapshot: face, frameSnapshot: frame });
      store.eventLog.append({ type: 'detection', detectionId: id, message: `recognized ${p.name}`, payload: { person_id: p.id, name: p.name } });
    });
  }
  await store.write(() => store.attendance.insertPunch({ personId: p.id, at: Date.now(), role: 'entry', cameraId: null, eventId: `evt_${employeeId}_0` }));
  return { person: p, files: [...photos, ...snaps] };
}

describe('consent policy', () => {
  it('blocks or flags recognition of a person without granted, unexpired consent', async (t) => {
    const dir = tempDataDir(t, 'vigil-privacy-');
    let clock = Date.now();
    const { store, dispatcher, access } = await open(t, dir, () => clock);
    const p = store.persons.create({ employee_id: 'E1', name: 'Ann' });
    const c = access.privacy.consents;
    const now = clock;
    assert.equal(c.decision(p.id, now), 'flagged'); // default policy is "flag"
    store.settings.update({ consent_policy: 'block' });
    clock += 1100; // the policy is cached for a second
    assert.equal(c.consentAllows(p.id, now), false);
    const out = await dispatcher.dispatch('persons.setConsent', {
      id: p.id, consent: { status: 'granted', granted_at: new Date(now - 1000).toISOString(), expires_at: new Date(now + 60_000).toISOString(), document_version: 'privacy_v2.1' },
    }, admin) as Person;
    assert.equal(out.consent?.status, 'granted');
    assert.equal(c.decision(p.id, now), 'allowed');
    assert.equal(c.consentAllows(p.id, now + 120_000), false, 'expired consent blocks again');
    await dispatcher.dispatch('persons.setConsent', { id: p.id, consent: { status: 'withdrawn', granted_at: null, expires_at: null, document_version: 'privacy_v2.1' } }, admin);
    assert.equal(c.consentAllows(p.id, now), false);
    const rows = access.audit.list({ personId: p.id }).items;
    assert.deepEqual(rows.map((r) => [r.audit_type, r.action]), [['consent', 'persons.setConsent'], ['consent', 'persons.setConsent']]);
    assert.deepEqual(JSON.parse(rows[1].details_json!), { consent_type: 'biometric_recognition', status: 'granted', granted_at: new Date(now - 1000).toISOString(), expires_at: new Date(now + 60_000).toISOString(), document_version: 'privacy_v2.1' });
    await assert.rejects(dispatcher.dispatch('persons.setConsent', { id: 'per_nobody', consent: { status: 'granted', granted_at: null, expires_at: null, document_version: null } }, admin), { code: 'NOT_FOUND' });
  });
});

describe('erasure', () => {
  it('removes templates, photos, snapshots, punches and identity (events anonymised), audited with the reason', async (t) => {
    const dir = tempDataDir(t, 'vigil-privacy-');
    const { store, dispatcher, access, erased } = await open(t, dir);
    const { person, files } = await seedPerson(store, dir, 'E1');
    const other = await seedPerson(store, dir, 'E2');
    assert.ok(files.every((f) => existsSync(join(dir, f))));
    const r = await dispatcher.dispatch('persons.erase', { id: person.id, reason: 'GDPR art. 17 request #42' }, admin) as { files_removed: number };
    assert.equal(r.files_removed, files.length);
    assert.ok(files.every((f) => !existsSync(join(dir, f))), 'every file of the person is gone from disk');
    assert.ok(other.files.every((f) => existsSync(join(dir, f))), "another person's files stay");
    const q = (sql: string, ...a: unknown[]) => store.db.reader.prepare(sql).get(...a) as Record<string, number | string | null>;
    assert.equal(q('SELECT count(*) n FROM persons WHERE id = ?', person.id).n, 0);
    assert.equal(q('SELECT count(*) n FROM face_templates WHERE person_id = ?', person.id).n, 0);
    assert.equal(q('SELECT count(*) n FROM attendance_punches WHERE person_id = ?', person.id).n, 0);
    const ev = q("SELECT count(*) n, sum(person_id IS NULL) anon, sum(face_snapshot IS NULL AND frame_snapshot IS NULL AND votes_json IS NULL) clean FROM detection_events WHERE id LIKE 'evt_E1_%'");
    assert.deepEqual([ev.n, ev.anon, ev.clean], [3, 3, 3], 'events kept for statistics without identity');
    assert.equal(q('SELECT count(*) n FROM event_log WHERE payload_json LIKE ? OR message LIKE ?', `%${person.id}%`, '%Person E1%').n, 0);
    assert.equal(q('SELECT count(*) n FROM detection_events WHERE person_id = ?', other.person.id).n, 3);
    const audit = access.audit.list({ personId: person.id, action: 'persons.erase' }).items[0];
    assert.equal(audit.reason, 'GDPR art. 17 request #42');
    assert.equal(audit.user_id, 'usr_admin');
    assert.equal(q('SELECT count(*) n FROM erasure_jobs WHERE person_id = ? AND completed_at IS NOT NULL', person.id).n, 1);
    assert.deepEqual(erased, [person.id]);
    assert.equal(access.audit.verify().ok, true);
  });

  it('deletes events under the "delete" setting', async (t) => {
    const dir = tempDataDir(t, 'vigil-privacy-');
    const { store, dispatcher } = await open(t, dir);
    store.settings.update({ erasure_events: 'delete' });
    const { person } = await seedPerson(store, dir, 'E3');
    await dispatcher.dispatch('persons.erase', { id: person.id, reason: 'left the company' }, admin);
    assert.equal((store.db.reader.prepare("SELECT count(*) n FROM detection_events WHERE id LIKE 'evt_E3_%'").get() as { n: number }).n, 0);
    assert.equal((store.db.reader.prepare("SELECT count(*) n FROM event_log WHERE detection_id LIKE 'evt_E3_%'").get() as { n: number }).n, 0);
  });

  it('a crash after the commit leaves the files queued; the next start deletes them and closes the job', async (t) => {
    const dir = tempDataDir(t, 'vigil-privacy-');
    const first = await open(t, dir);
    const { person, files } = await seedPerson(first.store, dir, 'E4');
    // Phase 1 only, as if the process died right after the transaction committed.
    const c = await first.access.privacy.erasure.commit(person.id, 'crash test', admin);
    assert.equal(c.filesQueued, files.length);
    assert.ok(files.every((f) => existsSync(join(dir, f))), 'files still on disk');
    await first.close();
    const second = await open(t, dir); // openStore drains queued deletions; createAccessControl resumes the job
    assert.ok(files.every((f) => !existsSync(join(dir, f))), 'files deleted on restart');
    const job = second.store.db.reader.prepare('SELECT completed_at FROM erasure_jobs WHERE id = ?').get(c.jobId) as { completed_at: number | null };
    assert.ok(job.completed_at !== null);
    assert.equal(second.access.audit.list({ action: 'persons.erase.resumed' }).items.length, 1);
  });
});

describe('per-person export', () => {
  it('zips person.json with events, templates, consents, audit and the face images', async (t) => {
    const dir = tempDataDir(t, 'vigil-privacy-');
    const { store, dispatcher } = await open(t, dir);
    const { person, files } = await seedPerson(store, dir, 'E5');
    await dispatcher.dispatch('persons.setConsent', { id: person.id, consent: { status: 'granted', granted_at: null, expires_at: null, document_version: 'v1' } }, admin);
    const out = await dispatcher.dispatch('persons.exportData', { id: person.id }, admin) as { filename: string; mime: string; data_base64: string };
    assert.equal(out.mime, 'application/zip');
    const zip = readZip(Buffer.from(out.data_base64, 'base64'));
    const doc = JSON.parse(zip.get('person.json')!.toString('utf8'));
    assert.equal(doc.person.id, person.id);
    assert.equal(doc.templates.length, 2);
    assert.equal(doc.detection_events.length, 3);
    assert.equal(doc.consents[0].status, 'granted');
    assert.equal(doc.attendance.punches.length, 1);
    assert.ok(doc.audit.some((a: { action: string }) => a.action === 'persons.setConsent'));
    const images = [...zip.keys()].filter((k) => k.startsWith('images/'));
    assert.equal(images.length, 4); // 2 enrolment photos + 2 face crops; full frames are left out
    assert.deepEqual(zip.get(`images/templates/${doc.templates[0].id}.jpg`), readFileSync(join(dir, files[0])));
    await assert.rejects(dispatcher.dispatch('persons.exportData', { id: 'per_missing' }, admin), { code: 'NOT_FOUND' });
  });

  it('`vigil export-person` writes the same zip to a file and audits it', async (t) => {
    const dir = tempDataDir(t, 'vigil-privacy-');
    const { store, access } = await open(t, dir);
    const { person } = await seedPerson(store, dir, 'E6');
    const out = join(dir, 'export.zip');
    const write = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    let code: number;
    try {
      code = await exportCli([person.id, '--data', dir, '--out', out]);
    } finally {
      process.stdout.write = write;
    }
    assert.equal(code, 0);
    const zip = readZip(readFileSync(out));
    assert.equal(JSON.parse(zip.get('person.json')!.toString()).person.employee_id, 'E6');
    const row = access.audit.list({ personId: person.id, action: 'persons.exportData' }).items[0];
    assert.equal(row.origin, 'cli');
    assert.equal(await exportCli(['per_nobody', '--data', dir, '--out', out]).catch(() => -1), 1);
  });
});
