import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileKeyProvider } from './file-key-provider.ts';
import { KeyFileError, KeyProviderMismatchError, SecretDecryptError, type KeyProvider } from './key-provider.ts';
import { openSecret, sealSecret } from './secret-box.ts';

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'vigil-key-'));
  process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('key file is created 0600 with 32 random bytes and reused on reopen', () => {
  const dir = tempDir();
  const path = join(dir, 'keys', 'secrets.key');
  const a = FileKeyProvider.open(path);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path).length, 32);
  const sealed = sealSecret(a, 'hunter2-camera');
  assert.equal(openSecret(FileKeyProvider.open(path), sealed), 'hunter2-camera');
  assert.ok(!sealed.includes(Buffer.from('hunter2')), 'ciphertext must not contain the plaintext');
  // Random IV: the same secret seals differently each time.
  assert.notDeepEqual(sealSecret(a, 'x'), sealSecret(a, 'x'));
});

test('tampering and a different key are detected', () => {
  const dir = tempDir();
  const a = FileKeyProvider.open(join(dir, 'a.key'));
  const b = FileKeyProvider.open(join(dir, 'b.key'));
  const sealed = sealSecret(a, 'secret');
  const flipped = Buffer.from(sealed);
  flipped[flipped.length - 1] ^= 1;
  assert.throws(() => openSecret(a, flipped), SecretDecryptError);
  assert.throws(() => openSecret(b, sealed), SecretDecryptError);
  assert.throws(() => openSecret(a, Buffer.from('not sealed')), SecretDecryptError);
});

test('a secret sealed by another provider kind fails with KeyProviderMismatchError', () => {
  const other: KeyProvider = { kind: 'electron-safe-storage', encrypt: (p) => Buffer.from(p), decrypt: (s) => Buffer.from(s) };
  const sealed = sealSecret(other, 'pw');
  const err = (() => { try { openSecret(FileKeyProvider.open(join(tempDir(), 'k')), sealed); } catch (e) { return e; } })();
  assert.ok(err instanceof KeyProviderMismatchError);
  assert.equal(err.sealedWith, 'electron-safe-storage');
});

test('refuses a key file readable by others or of the wrong size', { skip: process.platform === 'win32' }, () => {
  const dir = tempDir();
  const path = join(dir, 'k');
  FileKeyProvider.open(path);
  chmodSync(path, 0o644);
  assert.throws(() => FileKeyProvider.open(path), KeyFileError);
  const short = join(dir, 'short');
  writeFileSync(short, Buffer.alloc(16), { mode: 0o600 });
  assert.throws(() => FileKeyProvider.open(short), /16 bytes/);
});
