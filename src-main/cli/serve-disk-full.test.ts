// Issue 15 #15: `vigil serve` on a full disk (a real filled tmpfs) prints one clear line, exits non-zero and leaves
// no 0-byte or half-made database behind. Needs root for the tmpfs mount; skipped otherwise.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FileKeyProvider } from '../security/file-key-provider.ts';

let mount: string | null = null;
let skip: string | false = false;
try {
  if (process.getuid?.() !== 0) throw new Error('not root');
  mount = mkdtempSync(join(tmpdir(), 'vigil-serve-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mount]);
} catch (err) {
  skip = `needs a tmpfs mount (root): ${(err as Error).message}`;
  if (mount) rmSync(mount, { recursive: true, force: true });
  mount = null;
}

function fill(dir: string): void {
  const fd = openSync(join(dir, 'filler.bin'), 'w');
  for (let size = 64 * 1024; size >= 1; size = Math.floor(size / 2)) {
    const chunk = Buffer.alloc(size, 1);
    try { for (;;) writeSync(fd, chunk); } catch { /* ENOSPC: next smaller */ }
  }
  closeSync(fd);
}

function serve(dataDir: string) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src-main/cli/vigil.ts', 'serve', '--data', dataDir, '--port', '0'], { encoding: 'utf8', timeout: 60_000 });
}

describe('vigil serve on a full disk', { skip }, () => {
  after(() => {
    if (!mount) return;
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('one line, non-zero exit, no database left (with and without an existing key file)', () => {
    const withKey = join(mount!, 'with-key');
    mkdirSync(withKey);
    FileKeyProvider.open(join(withKey, 'keys', 'secrets.key'));
    const fresh = join(mount!, 'fresh');
    mkdirSync(fresh);
    fill(mount!);
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
