// A real full disk for tests: a small tmpfs (needs root) filled to the last byte, so writes fail with real
// ENOSPC / SQLITE_FULL. No mocks. Where it can't be mounted, `skip` says why and the suite skips.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** The mount point, or null when it could not be mounted. */
  mount: string | null;
  /** false, or the reason the tests that need it are skipped. */
  skip: string | false;
  /** Unmounts and removes the mount point (no-op when not mounted). */
  remove(): void;
}

export function mountSmallDisk(prefix: string, size: string): SmallDisk {
  let mount: string | null = null;
  let skip: string | false = false;
  try {
    if (process.getuid?.() !== 0) throw new Error('not root');
    mount = mkdtempSync(join(tmpdir(), prefix));
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', mount]);
  } catch (err) {
    skip = `needs a tmpfs mount (root): ${(err as Error).message}`;
    if (mount) rmSync(mount, { recursive: true, force: true });
    mount = null;
  }
  return {
    mount,
    skip,
    remove() {
      if (!mount) return;
      execFileSync('umount', [mount]);
      rmSync(mount, { recursive: true, force: true });
    },
  };
}

/** Fills the disk under `dir` with one file, down to the last byte; returns the file (delete it to free space). */
export function fillDisk(dir: string): string {
  const file = join(dir, 'filler.bin');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 7);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOSPC') throw err;
  }
  for (let size = 32 * 1024; size >= 1; size = Math.floor(size / 2)) {
    try { for (;;) writeSync(fd, chunk.subarray(0, size)); } catch { /* ENOSPC: next smaller */ }
  }
  closeSync(fd);
  return file;
}
