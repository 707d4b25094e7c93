import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { DateTime } from 'luxon';
import { InvalidInputError } from '../storage/errors.ts';
import { openStore } from '../storage/host-store.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { AttendanceService } from './attendance-service.ts';

const Z = 'Europe/Berlin';
const at = (iso: string) => DateTime.fromISO(iso, { zone: Z }).toMillis();

async function setup(t: TestContext) {
  const store = await openStore(tempDataDir(t));
  t.after(() => store.close());
  store.settings.update({ timezone: Z, attendance: { min_punch_gap_minutes: 5, any_camera_quiet_minutes: 60 } });
  const shift = store.shifts.upsert({ name: 'Office', start: '09:00', end: '17:00', grace_minutes: 10, days: [1, 2, 3, 4, 5] });
  const alice = store.persons.create({ employee_id: 'A1', name: 'Alice', shift_id: shift.id, start_date: '2025-01-01' });
  const bob = store.persons.create({ employee_id: 'B1', name: 'Bob', shift_id: shift.id, start_date: '2025-01-01' });
  let now = at('2025-11-06T12:00');
  const svc = new AttendanceService(store, () => now);
  return { store, svc, alice, bob, shift, setNow: (iso: string) => { now = at(iso); } };
}

test('recognitions become punches: roles, min gap, check-in/check-out, stored day', async (t) => {
  const { store, svc, alice } = await setup(t);
  const rec = (iso: string, role: 'entry' | 'exit' | 'any') => store.write(() => svc.recordRecognition({ personId: alice.id, at: at(iso), role }));
  const first = await rec('2025-11-06T09:12', 'entry');
  assert.ok(first.recorded);
  assert.equal(first.kind, 'check_in');
  assert.equal(first.day, '2025-11-06');
  assert.equal(first.record.status, 'late');
  const near = await rec('2025-11-06T09:15', 'any');
  assert.ok(near.recorded && near.withinGap, 'a sighting within the min gap is stored, not announced');
  const lunch = await rec('2025-11-06T12:30', 'exit');
  assert.ok(lunch.recorded && lunch.kind === 'check_out');
  const back = await rec('2025-11-06T13:15', 'entry');
  assert.ok(back.recorded && back.kind === null, 'a later entry is neither the first in nor an out');
  const out = await rec('2025-11-06T17:20', 'exit');
  assert.ok(out.recorded && out.kind === 'check_out');
  const day = store.attendance.getDay(alice.id, '2025-11-06')!;
  assert.equal(day.checkIn, at('2025-11-06T09:12'));
  assert.equal(day.checkOut, at('2025-11-06T17:20'));
  assert.equal(day.lateMinutes, 12);
  assert.equal(day.workedMinutes, 8 * 60 + 8);
  const [listed] = store.attendance.listDays({ from: '2025-11-06', to: '2025-11-06' });
  assert.equal(listed.personName, 'Alice');
  assert.equal(listed.employeeId, 'A1');
  // The pipeline's AttendanceSink view of the same thing.
  store.cameras.create({ id: 'c', name: 'Exit', role: 'exit', source: { type: 'file', path: '/v.mp4' } });
  await store.write(() => store.events.insertPending({ id: 'e', cameraId: 'c', cameraName: 'Exit', startedAt: at('2025-11-06T17:22'), box: [0, 0, 90, 100], score: 0.9, frameWidth: 640, frameHeight: 480 }));
  await store.write(() => store.events.insertPending({ id: 'e2', cameraId: 'c', cameraName: 'Exit', startedAt: at('2025-11-06T17:40'), box: [0, 0, 90, 100], score: 0.9, frameWidth: 640, frameHeight: 480 }));
  assert.equal(await store.write(() => svc.recordSighting({ personId: alice.id, cameraId: 'c', role: 'exit', at: at('2025-11-06T17:22'), eventId: 'e' })), null, 'within the min gap');
  assert.deepEqual(await store.write(() => svc.recordSighting({ personId: alice.id, cameraId: 'c', role: 'exit', at: at('2025-11-06T17:40'), eventId: 'e2' })),
    { kind: 'check_out', date: '2025-11-06', at: at('2025-11-06T17:40') });
  const again = await store.write(() => svc.recordRecognition({ personId: alice.id, role: 'exit', at: at('2025-11-06T17:40'), eventId: 'e2' }));
  assert.equal(again.recorded, false, 'a re-decided event does not punch twice');
});

test('a manual correction keeps the punches and records who, what and why', async (t) => {
  const { store, svc, alice } = await setup(t);
  await store.write(() => svc.recordRecognition({ personId: alice.id, at: at('2025-11-06T09:40'), role: 'entry' }));
  const corrected = await store.write(() => svc.correct({ personId: alice.id, day: '2025-11-06', checkIn: at('2025-11-06T08:55'), reason: 'camera offline at 08:55', by: 'user_admin' }));
  assert.equal(corrected.status, 'present');
  assert.equal(corrected.original.checkIn, at('2025-11-06T09:40'));
  const [c] = store.attendance.corrections(alice.id, '2025-11-06');
  assert.deepEqual([c.field, c.value, c.previous, c.correctedBy, c.reason], ['check_in', at('2025-11-06T08:55'), at('2025-11-06T09:40'), 'user_admin', 'camera offline at 08:55']);
  assert.equal(store.attendance.punchesBetween(alice.id, 0, Date.now() * 2)[0].at, at('2025-11-06T09:40'), 'the punch itself is untouched');
  assert.equal(store.attendance.getDay(alice.id, '2025-11-06')!.corrected, true);
  await assert.rejects(store.write(() => svc.correct({ personId: alice.id, day: '2025-11-06', checkOut: at('2025-11-08T10:00'), reason: 'typo day', by: 'x' })), InvalidInputError);
  await assert.rejects(store.write(() => svc.correct({ personId: alice.id, day: '2025-11-06', checkOut: null, reason: '', by: 'x' })), InvalidInputError);
});

test('refreshing a day marks people with a shift absent once it is over', async (t) => {
  const { store, svc, alice, bob, setNow } = await setup(t);
  await store.write(() => svc.recordRecognition({ personId: alice.id, at: at('2025-11-06T08:50'), role: 'any' }));
  setNow('2025-11-06T15:00');
  await store.write(() => svc.refreshDay('2025-11-06'));
  assert.equal(store.attendance.getDay(bob.id, '2025-11-06')!.status, 'in_progress');
  setNow('2025-11-06T18:00');
  assert.equal(await store.write(() => svc.refreshDay('2025-11-06')), 2);
  const days = store.attendance.listDays({ from: '2025-11-06', to: '2025-11-06' });
  assert.deepEqual(days.map((d) => `${d.personName}:${d.status}`), ['Alice:present', 'Bob:absent']);
  store.persons.update(bob.id, { status: 'inactive' });
  assert.equal(await store.write(() => svc.refreshDay('2025-11-07')), 1, 'inactive people are not marked absent');
});

// Event corrections, as events.correct runs them: the event and the attendance it implies change in one write.
async function recognizedEvent(store: Awaited<ReturnType<typeof setup>>['store'], svc: AttendanceService, id: string, personId: string, iso: string) {
  if (!store.cameras.get('door')) store.cameras.create({ id: 'door', name: 'Door', role: 'any', source: { type: 'file', path: '/v.mp4' } });
  await store.write(() => {
    store.events.insertPending({ id, cameraId: 'door', cameraName: 'Door', startedAt: at(iso), box: [0, 0, 90, 100], score: 0.9, frameWidth: 640, frameHeight: 480 });
    store.events.applyDecision(id, { decision: 'recognized', personId, confidence: 0.8, distance: 0.2, margin: 0.3, votes: null, decidedAt: at(iso) });
    svc.recordSighting({ personId, cameraId: 'door', role: 'any', at: at(iso), eventId: id });
  });
}

function correctEvent(store: Awaited<ReturnType<typeof setup>>['store'], svc: AttendanceService, id: string, personId: string | null, reason: string) {
  return store.write(() => {
    const before = store.events.get(id)!;
    store.events.correct(id, { personId, by: 'admin', reason });
    const to = personId ? { personId, at: before.startedAt, role: 'any' as const, cameraId: before.cameraId } : null;
    return svc.reassignEvent({ eventId: id, to, by: 'admin', reason });
  });
}

test('an event corrected from A to B moves the check-in: A is absent again, the voided punch keeps who and why', async (t) => {
  const { store, svc, alice, bob, setNow } = await setup(t);
  await recognizedEvent(store, svc, 'trk_1', alice.id, '2025-11-06T08:58');
  assert.equal(store.attendance.getDay(alice.id, '2025-11-06')!.checkIn, at('2025-11-06T08:58'));
  setNow('2025-11-06T18:00');
  const r = await correctEvent(store, svc, 'trk_1', bob.id, 'that was Bob');
  const a = store.attendance.getDay(alice.id, '2025-11-06')!;
  assert.deepEqual([a.status, a.checkIn, a.checkOut, a.workedMinutes], ['absent', null, null, 0]);
  const b = store.attendance.getDay(bob.id, '2025-11-06')!;
  assert.deepEqual([b.status, b.checkIn], ['present', at('2025-11-06T08:58')]);
  assert.deepEqual(r.days.map((d) => [d.personId, d.day, d.record.status]), [[alice.id, '2025-11-06', 'absent']]);
  assert.ok(r.punch?.recorded && r.punch.kind === 'check_in');
  const audit = store.attendance.punchesOfEvent('trk_1');
  assert.deepEqual(audit.map((p) => [p.personId, p.voidedBy, p.voidReason]), [
    [alice.id, 'admin', `event trk_1 corrected to ${bob.id}: that was Bob`],
    [bob.id, null, null],
  ]);
  assert.equal(audit[0].voidedAt, at('2025-11-06T18:00'));
  assert.equal(store.attendance.lastPunch(alice.id), null, 'a voided punch no longer counts for the min gap');
  // Corrected back: Bob's punch is voided in turn and Alice's day is hers again.
  await correctEvent(store, svc, 'trk_1', alice.id, 'it was Alice after all');
  assert.equal(store.attendance.getDay(bob.id, '2025-11-06')!.status, 'absent');
  assert.equal(store.attendance.getDay(alice.id, '2025-11-06')!.checkIn, at('2025-11-06T08:58'));
  assert.equal(store.attendance.punchesOfEvent('trk_1').filter((p) => p.voidedAt === null).length, 1);
});

test('an event corrected to unknown removes its punch and the day is recomputed from what remains', async (t) => {
  const { store, svc, alice, setNow } = await setup(t);
  await recognizedEvent(store, svc, 'trk_1', alice.id, '2025-11-06T08:58');
  await recognizedEvent(store, svc, 'trk_2', alice.id, '2025-11-06T12:00');
  await recognizedEvent(store, svc, 'trk_3', alice.id, '2025-11-06T17:05');
  // An any-role camera: 17:05 is the check-out once an hour has passed without another sighting.
  setNow('2025-11-06T18:10');
  await store.write(() => svc.recomputeDay(alice.id, '2025-11-06'));
  assert.deepEqual(pick(store.attendance.getDay(alice.id, '2025-11-06')!), ['present', at('2025-11-06T08:58'), at('2025-11-06T17:05'), 0, 487]);
  const r = await correctEvent(store, svc, 'trk_1', null, 'not Alice');
  assert.equal(r.punch, null);
  assert.deepEqual(pick(store.attendance.getDay(alice.id, '2025-11-06')!), ['late', at('2025-11-06T12:00'), at('2025-11-06T17:05'), 180, 305]);
  assert.equal(store.events.get('trk_1')!.decision, 'unknown');
  assert.deepEqual(store.attendance.punchesBetween(alice.id, 0, at('2025-11-07T00:00')).map((p) => p.eventId), ['trk_2', 'trk_3']);
});

test('a manually corrected day is not overwritten when its event is corrected', async (t) => {
  const { store, svc, alice, bob, setNow } = await setup(t);
  await recognizedEvent(store, svc, 'trk_1', alice.id, '2025-11-06T09:30');
  await store.write(() => svc.correct({ personId: alice.id, day: '2025-11-06', checkIn: at('2025-11-06T08:55'), reason: 'badge log says 08:55', by: 'hr' }));
  setNow('2025-11-06T18:00');
  await correctEvent(store, svc, 'trk_1', bob.id, 'that was Bob');
  const a = store.attendance.getDay(alice.id, '2025-11-06')!;
  assert.deepEqual([a.status, a.checkIn, a.corrected], ['present', at('2025-11-06T08:55'), true]);
  assert.deepEqual((a.record as { original: unknown }).original, { checkIn: null, checkOut: null }, 'the punches alone no longer give her a check-in');
  assert.equal(store.attendance.getDay(bob.id, '2025-11-06')!.checkIn, at('2025-11-06T09:30'));
  await assert.rejects(store.write(() => svc.reassignEvent({ eventId: 'trk_1', to: null, by: '', reason: null })), InvalidInputError);
});

function pick(d: { status: string; checkIn: number | null; checkOut: number | null; lateMinutes: number; workedMinutes: number }) {
  return [d.status, d.checkIn, d.checkOut, d.lateMinutes, d.workedMinutes];
}

test('"not this person" on the first sighting of the day: the next sighting (inside the punch gap) becomes the check-in', async (t) => {
  const { store, svc, alice, setNow } = await setup(t);
  // Seven recognitions 2 minutes apart: all inside the 5-minute gap of their predecessor.
  for (let i = 0; i < 7; i++) await recognizedEvent(store, svc, `trk_${i}`, alice.id, `2025-11-06T08:${String(40 + i * 2)}`);
  assert.equal(store.attendance.getDay(alice.id, '2025-11-06')!.checkIn, at('2025-11-06T08:40'));
  setNow('2025-11-06T12:00');
  await correctEvent(store, svc, 'trk_0', null, 'not Alice');
  const d = store.attendance.getDay(alice.id, '2025-11-06')!;
  assert.deepEqual([d.status, d.checkIn], ['present', at('2025-11-06T08:42')], 'her day is recomputed from the six sightings left');
});

test('"This is…" on an earlier unknown arrival moves the check-in earlier', async (t) => {
  const { store, svc, alice, setNow } = await setup(t);
  await recognizedEvent(store, svc, 'trk_late', alice.id, '2025-11-06T09:20');
  assert.equal(store.attendance.getDay(alice.id, '2025-11-06')!.status, 'late');
  // An unknown event 3 minutes before (inside the min gap of the recognised one) turns out to be Alice.
  await store.write(() => {
    store.events.insertPending({ id: 'trk_unknown', cameraId: 'door', cameraName: 'Door', startedAt: at('2025-11-06T09:05'), box: [0, 0, 90, 100], score: 0.9, frameWidth: 640, frameHeight: 480 });
    store.events.applyDecision('trk_unknown', { decision: 'unknown', personId: null, confidence: null, distance: null, margin: null, votes: null, decidedAt: at('2025-11-06T09:05') });
  });
  setNow('2025-11-06T12:00');
  await correctEvent(store, svc, 'trk_unknown', alice.id, 'that is Alice');
  const d = store.attendance.getDay(alice.id, '2025-11-06')!;
  assert.deepEqual([d.status, d.checkIn, d.lateMinutes], ['present', at('2025-11-06T09:05'), 0]);
});

test('days before the start date are not absences; days without a shift are not rows', async (t) => {
  const { store, svc, shift, setNow } = await setup(t);
  const carol = store.persons.create({ employee_id: 'C1', name: 'Carol', shift_id: shift.id, start_date: '2025-11-05' });
  // An earlier refresh (before start dates existed) stored absences: they go away on the next refresh.
  store.attendance.upsertDay({ personId: carol.id, day: '2025-11-03', timeZone: Z, shiftId: shift.id, status: 'absent', checkIn: null, checkOut: null, lateMinutes: 0, earlyLeaveMinutes: 0, workedMinutes: 0, corrected: false, record: {}, computedAt: 0 });
  setNow('2025-11-08T12:00'); // a Saturday
  await store.write(() => { for (const d of ['2025-11-03', '2025-11-04', '2025-11-05', '2025-11-06', '2025-11-07', '2025-11-08']) svc.refreshDay(d); });
  const rows = store.attendance.listDays({ from: '2025-11-01', to: '2025-11-08', personId: carol.id });
  assert.deepEqual(rows.map((r) => `${r.day}:${r.status}`), ['2025-11-05:absent', '2025-11-06:absent', '2025-11-07:absent'], 'from the start date, on shift days only');
  // Default start date: the enrolment day in the site zone.
  const dan = store.persons.create({ employee_id: 'D1', name: 'Dan', shift_id: shift.id }, at('2025-11-06T10:00'));
  assert.equal(svc.startDateOf(dan.id), '2025-11-06');
});

test('department filter is case-insensitive and matches part of the name', async (t) => {
  const { store, svc, alice, bob, setNow } = await setup(t);
  store.persons.update(alice.id, { department: 'Sales' });
  store.persons.update(bob.id, { department: 'Inside Sales' });
  setNow('2025-11-06T18:00');
  await store.write(() => svc.refreshDay('2025-11-06'));
  assert.equal(store.attendance.listDays({ from: '2025-11-06', to: '2025-11-06', department: 'sales' }).length, 2);
  assert.equal(store.attendance.listDays({ from: '2025-11-06', to: '2025-11-06', department: 'INSIDE' }).length, 1);
  assert.equal(store.persons.list({ department: 'sal' }).items.length, 2);
  assert.deepEqual(store.persons.idsInDepartment('inside'), [bob.id]);
});

test('one any-role camera: the second sighting is no check-out; the last one settles after the quiet time (stored, real SQLite)', async (t) => {
  const { store, svc, alice, setNow } = await setup(t);
  const day = '2025-11-06';
  const stored = () => store.attendance.getDay(alice.id, day)!;
  setNow('2025-11-06T08:58');
  await recognizedEvent(store, svc, 'trk_a', alice.id, '2025-11-06T08:55');
  setNow('2025-11-06T08:59');
  await recognizedEvent(store, svc, 'trk_b', alice.id, '2025-11-06T08:58'); // walked past the camera again
  assert.deepEqual([stored().checkIn, stored().checkOut, stored().lastSeen], [at('2025-11-06T08:55'), null, null]);
  setNow('2025-11-06T12:50');
  await recognizedEvent(store, svc, 'trk_c', alice.id, '2025-11-06T12:45'); // back from lunch
  assert.deepEqual([stored().status, stored().checkOut, stored().lastSeen, stored().settlesAt], ['present', null, at('2025-11-06T12:45'), at('2025-11-06T18:00')]);
  // Nothing is due before the settle time; at it the stored day gets its check-out.
  assert.equal(await store.write(() => svc.settleDue(at('2025-11-06T17:59'))), 0);
  assert.equal(stored().checkOut, null, 'still "In now" at the desk in the afternoon');
  assert.equal(await store.write(() => svc.settleDue(at('2025-11-06T18:00'))), 1);
  assert.deepEqual([stored().checkOut, stored().lastSeen, stored().settlesAt, stored().earlyLeaveMinutes], [at('2025-11-06T12:45'), null, null, 255]);
  assert.equal(await store.write(() => svc.settleDue(at('2025-11-06T19:00'))), 0, 'settled days are not recomputed again');
  // Seen again in the evening: the day reopens with the new provisional check-out.
  setNow('2025-11-06T18:30');
  await recognizedEvent(store, svc, 'trk_d', alice.id, '2025-11-06T18:25');
  assert.deepEqual([stored().checkOut, stored().lastSeen, stored().settlesAt], [null, at('2025-11-06T18:25'), at('2025-11-06T19:25')]);
});
