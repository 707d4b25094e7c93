// Issue 15 #9: process-frame face crops have rows, so erasure and retention remove them (real store, real files).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { openStore } from '../storage/host-store.ts';
import { tempDataDir } from '../storage/testing/temp-data-dir.ts';
import { PushCrops, pushCropMigrations, pushCropRetentionTask } from './push-crops.ts';

test('a person\'s push crops go with erasure; unmatched ones with retention', async (t) => {
  const dir = tempDataDir(t);
  const store = await openStore(dir, { migrations: [pushCropMigrations] });
  t.after(() => store.close());
  store.retention.register(pushCropRetentionTask());
  const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#999' } }).jpeg().toBuffer();
  const crops = new PushCrops(store);
  const day = 86_400_000;
  const old = Date.now() - 400 * day;
  const mine = await store.snapshots.writeJpeg('push-cam-f1-1-1', 'face', jpeg, Date.now());
  const stranger = await store.snapshots.writeJpeg('push-cam-f2-1-1', 'face', jpeg, old);
  await crops.record(mine, 'per_1', 'cam');
  await crops.record(stranger, null, 'cam', old);
  assert.ok(existsSync(join(dir, mine)) && existsSync(join(dir, stranger)));

  assert.equal(crops.erasePerson('per_1'), 1);
  await store.retention.drainDeletions();
  assert.equal(existsSync(join(dir, mine)), false, 'the erased person\'s crop is still on disk');

  const report = await store.retention.run();
  assert.equal(report.rows.push_crops, 1);
  assert.equal(existsSync(join(dir, stranger)), false, 'an expired unknown crop is still on disk');
  assert.equal((store.db.reader.prepare('SELECT COUNT(*) AS n FROM push_crops').get() as { n: number }).n, 0);
});
