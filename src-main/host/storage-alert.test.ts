// Issue 15 #7: a full data disk raises an alert at once. The alerts table cannot be written then, so the host
// holds it in memory: published on the `alerts` topic, listed by alerts.list, refused (STORAGE_FULL) as an
// acknowledgement, and resolved when writes work again. The host part runs on a real tmpfs filled to ENOSPC
// (root only).
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../../src-contract/visits.ts';
import type { Caller } from '../core/dispatcher.ts';
import { createLogger } from '../logging/logger.ts';
import { isStorageFullError, storageHealth } from '../storage/storage-health.ts';
import { createHost, type Host } from './host.ts';
import { StorageAlert } from './storage-alert.ts';
import { fillDisk, mountSmallDisk } from '../storage/testing/full-disk.ts';

const ADMIN: Caller = { user: { id: 'u-test', username: 'tester', role: 'admin' }, origin: 'test' };

describe('StorageAlert (policy)', () => {
  it('raises once, lists while full (not per camera), resolves when ok', () => {
    const published: Alert[] = [];
    const a = new StorageAlert((x) => published.push(x));
    a.onStorageChange({ state: 'full', since: '2026-01-01T00:00:00.000Z' });
    a.onStorageChange({ state: 'full', since: '2026-01-01T00:00:00.000Z' });
    assert.equal(published.length, 1);
    assert.equal(published[0].kind, 'storage_full');
    assert.equal(published[0].state, 'open');
    assert.deepEqual(a.list({ state: 'open' }).map((x) => x.id), [published[0].id]);
    assert.deepEqual(a.list({ state: 'open', camera_id: 'door' }), [], 'not a camera alert');
    assert.deepEqual(a.list({ state: 'acknowledged' }), []);
    assert.equal(a.list({ state: 'all' }).length, 1);
    a.onStorageChange({ state: 'ok', since: null });
    assert.equal(published.at(-1)!.state, 'resolved');
    assert.deepEqual(a.list({ state: 'all' }), []);
    a.onStorageChange({ state: 'ok', since: null });
    assert.equal(published.length, 2, 'nothing more once resolved');
  });
});

const disk = mountSmallDisk('vigil-full-alert-', '12m');
const { mount, skip } = disk;

describe('disk full alert in the host', { skip, timeout: 60_000 }, () => {
  let host: Host;
  const published: Alert[] = [];
  before(async () => {
    const dataDir = join(mount!, 'data');
    mkdirSync(dataDir);
    host = await createHost({ dataDir, logger: createLogger({ level: 'silent' }), engineOptions: { warmupIterations: 1, models: { liveness: null } } });
    host.bus.subscribe('alerts', {}, (a) => published.push(a));
  });
  after(async () => {
    await host?.close().catch(() => {});
    disk.remove();
  });

  it('is published when a write hits ENOSPC, listed and acknowledged while full, resolved when space is freed', async () => {
    const filler = fillDisk(mount!);
    let failed: unknown = null;
    for (let i = 0; i < 300 && !failed; i++) {
      try {
        await host.dispatcher.dispatch('persons.create', { employee_id: `E-${i}`, name: `Person ${i} ${'x'.repeat(150)}`, department: 'y'.repeat(100) }, ADMIN);
      } catch (err) { failed = err; }
    }
    // The dispatcher passes the SQLite error on (the HTTP and IPC mappers turn it into 507 STORAGE_FULL).
    assert.ok(isStorageFullError(failed) || (failed as { code?: string } | null)?.code === 'STORAGE_FULL', String(failed));
    assert.ok(storageHealth.full, 'the storage state is full');
    const raised = published.find((a) => a.kind === 'storage_full');
    assert.ok(raised, 'the alert was published at once');
    assert.equal(raised.state, 'open');
    const listed = (await host.dispatcher.dispatch('alerts.list', { state: 'open' }, ADMIN)) as Alert[];
    assert.ok(listed.some((a) => a.id === raised.id && a.kind === 'storage_full'), 'alerts.list has it while full');
    // An acknowledgement (and its audit row) cannot be stored now: a clear STORAGE_FULL, the alert stays.
    await assert.rejects(host.dispatcher.dispatch('alerts.acknowledge', { ids: [raised.id] }, ADMIN), (err: { code?: string }) => err.code === 'STORAGE_FULL');
    assert.equal(published.at(-1)!.state, 'open');

    rmSync(filler);
    await host.dispatcher.dispatch('persons.create', { employee_id: 'E-after', name: 'After space' }, ADMIN);
    assert.equal(storageHealth.full, false);
    assert.equal(published.at(-1)!.id, raised.id);
    assert.equal(published.at(-1)!.state, 'resolved');
    const after = (await host.dispatcher.dispatch('alerts.list', { state: 'all' }, ADMIN)) as Alert[];
    assert.ok(!after.some((a) => a.kind === 'storage_full'), 'gone from alerts.list once resolved');
  });
});
