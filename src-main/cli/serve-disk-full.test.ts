// Issue 15 #15: `vigil serve` on a full disk (a real filled tmpfs) prints one clear line, exits non-zero and leaves
// no 0-byte or half-made database behind. Needs root for the tmpfs mount; skipped otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import { fillDisk, mountSmallDisk } from '../storage/testing/full-disk.ts';

const disk = mountSmallDisk('vigil-serve-full-', '4m');
const { mount, skip } = disk;

function serve(dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/vigil.ts', 'serve', '--data', dataDir, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
}

describe('vigil serve on a full disk', { skip }, () => {
  after(() => {
    disk.remove();
  });

  it('one line, non-zero exit, no database left (with and without an existing key file)', () => {
    const withKey = join(mount!, 'with-key');
    mkdirSync(withKey);
    FileKeyProvider.open(join(withKey, 'keys', 'secrets.key'));
    const fresh = join(mount!, 'fresh');
    mkdirSync(fresh);
    fillDisk(mount!);
    for (const dir of [fresh, withKey]) {
      const r = serve(dir);
      assert.notEqual(r.status, 0, r.stderr);
      const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('vigil serve:'));
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], /disk holding .* is full/);
      assert.ok(!/\n\s+at /.test(r.stderr), `no stack trace: ${r.stderr}`);
      const db = join(dir, 'vigil.sqlite');
      assert.ok(!existsSync(db) || statSync(db).size > 0, 'a 0-byte database was left behind');
      assert.ok(!existsSync(db), 'a half-made database was left behind');
    }
  });
});
