// Visit merge by identity through the real recorder on SQLite: one person recognised on a camera, out of sight,
// then a new track (looking different: appearance cannot re-link it) recognised as the same person within the
// visit gap. One event row, from the first sighting to the last, with the better best face; the pending row goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openStore } from '../storage/host-store.ts';
import { visitsMigrations } from '../storage/migrations/visits.ts';
import { visitsStore } from '../storage/repositories/visits.ts';
import { CameraTracker } from '../tracking/camera-tracker.ts';
import type { Box, FaceObservation } from '../tracking/types.ts';
import { EventRecorder } from './event-recorder.ts';
import type { CameraMeta, Committed } from './event-recorder.ts';

const CAM: CameraMeta = { id: 'cam_merge', name: 'Lobby', location: 'HQ', role: 'any' };
const T0 = Date.UTC(2026, 11, 2, 9, 0, 0);

function unitVector(seed: number): Float32Array {
  let s = seed;
  const v = Float32Array.from({ length: 64 }, () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32) - 0.5);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

test('a person recognised twice within the visit gap is one event row with the better best face', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-merge-'));
  const store = await openStore(dir, { migrations: [visitsMigrations] });
  try {
    const visits = visitsStore({ writer: store.db.writer, reader: store.db.reader });
    const person = (await store.write(() => store.persons.create({ employee_id: 'E-1', name: 'Ada' }))).id;
    store.cameras.create({ id: CAM.id, name: CAM.name, role: 'any', source: { type: 'file', path: '/dev/null' } });
    const committed: Committed[] = [];
    const recorder = new EventRecorder({ store, visits, logger: pino({ level: 'silent' }), attendance: null, model: () => 'test', onCommitted: (c) => committed.push(c) });
    let n = 0;
    const tracker = new CameraTracker(CAM.id, { minFacePx: 20, minDetectionConfidence: 0.5, recognitionThreshold: 0.45 }, { visitGapMs: 30_000 }, () => `trk_m${++n}`);
    const pass = (start: number, look: Float32Array, size: number, sim: number) => {
      for (let i = 0; i < 10; i++) {
        const at = start + i * 200;
        const box: Box = [100 + i * 40, 200, size, size * 1.2];
        const face: FaceObservation = { box, score: 0.9, quality: { passed: true, score: 0.9 }, embedding: look, candidates: [{ personId: person, similarity: sim }] };
        const u = tracker.update({ frameId: `f${at}`, at, faces: [face] });
        const a = u.faces[0];
        if (a.trackId && a.isBest) {
          const frame = { camera_id: CAM.id, frame_id: `f${at}`, seq: i, width: 640, height: 360, data: new Uint8Array(640 * 360 * 3), received_timestamp: at, camera_timestamp: at };
          recorder.noteBest(CAM, a.trackId, frame as never, { box, score: size / 100, quality: null }, 'trace');
        }
        for (const e of u.events) recorder.handle(CAM, e, 'trace');
      }
    };
    pass(T0, unitVector(1), 50, 0.8);
    pass(T0 + 12_000, unitVector(2), 90, 0.8); // bigger face the second time: its snapshot is the better one
    for (const e of tracker.flush(T0 + 120_000)) recorder.handle(CAM, e, 'trace');
    await recorder.idle();
    const rows = store.events.list({ cameraId: CAM.id, limit: 10 }).items;
    assert.equal(rows.length, 1, `one row: ${rows.map((r) => `${r.id}:${r.decision}`).join(', ')}`);
    const [row] = rows;
    assert.equal(row.personId, person);
    assert.equal(row.startedAt, T0 + 200, 'first seen on the first pass (confirmed at its second frame)');
    assert.equal(row.endedAt, T0 + 12_000 + 9 * 200, 'last seen on the second pass');
    assert.ok(row.score! > 0.85 && row.box[2] === 90, `best face from the bigger second pass (${row.score}, ${row.box})`);
    assert.ok(row.faceSnapshot, 'snapshot kept');
    assert.equal(committed.filter((c) => c.kind === 'merged').length, 1);
    assert.equal(recorder.openTracks, 0);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
