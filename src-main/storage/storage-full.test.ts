// Issue 15 #7: a data folder on a full disk (a real tmpfs filled up: real ENOSPC / SQLITE_FULL, no mocks).
// Reads keep working (the session "last seen" refresh is skipped), writes fail with STORAGE_FULL (507), /healthz
// reports the state, and it clears once space is free. Needs root for the tmpfs mount; skipped otherwise.
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startApiFixture, type ApiFixture } from '../api/testing/api-fixture.ts';
import { fillDisk, mountSmallDisk } from './testing/full-disk.ts';

const disk = mountSmallDisk('vigil-full-', '8m');
const { mount, skip } = disk;

describe('disk full', { skip }, () => {
  let f: ApiFixture;
  let admin: string;
  let clock = Date.now();
  const savedTmp = process.env.TMPDIR;
  before(async () => {
    process.env.TMPDIR = mount!;
    f = await startApiFixture({ now: () => clock });
    process.env.TMPDIR = savedTmp;
    admin = await f.setupAdmin();
  });
  after(async () => {
    await f?.close().catch(() => {});
    disk.remove();
  });

  it('reads survive, writes get STORAGE_FULL, /healthz says full, and it clears when space is freed', async () => {
    const filler = fillDisk(mount!);
    clock += 5 * 60_000; // the next request wants to refresh the session's last-seen time (a write)
    const read = await f.rpc('users.list', {}, admin);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    // Writes that need new pages fail for real.
    let status = 0;
    let body: unknown = null;
    for (let i = 0; i < 200 && status !== 507; i++) {
      const r = await f.rpc('users.create', { username: `user-${i}-${'x'.repeat(40)}`, password: `${'p'.repeat(200)}${i}`, role: 'guard' }, admin);
      status = r.status;
      body = r.body;
    }
    assert.equal(status, 507, JSON.stringify(body));
    assert.equal((body as { error: { code: string } }).error.code, 'STORAGE_FULL');
    const h = await f.http('GET', '/healthz');
    assert.equal(h.body.storage.state, 'full');
    assert.equal((await f.rpc('users.list', {}, admin)).status, 200, 'reads still work while full');

    rmSync(filler);
    const again = await f.rpc('shifts.list', {}, admin);
    assert.notEqual(again.status, 507);
    const ok = await f.rpc('users.create', { username: 'after-space', password: 'a long enough password', role: 'guard' }, admin);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await f.http('GET', '/healthz')).body.storage.state, 'ok');
  });
});
