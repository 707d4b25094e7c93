import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import { KeyProviderMismatchError, SecretDecryptError } from '../security/key-provider.ts';
import { openSecret, sealSecret } from '../security/secret-box.ts';
import { SafeStorageKeyProvider, createDesktopKeyProvider, type SafeStorageLike } from './safe-storage-key-provider.ts';
import type { ShellLog } from './shell-log.ts';

/**
 * safeStorage stand-in with the same contract: strings in, opaque authenticated bytes out, decrypt throws on
 * foreign input. (On the OS it is the keychain; here AES-GCM under a per-"machine" key.)
 */
function keychain(backend = 'gnome_libsecret', available = true): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: (s) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(s, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString: (b) => {
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

function logRecorder() {
  const entries: Array<{ level: string; msg: string }> = [];
  const log: ShellLog = {
    info: (_o, msg) => entries.push({ level: 'info', msg }),
    warn: (_o, msg) => entries.push({ level: 'warn', msg }),
    error: (_o, msg) => entries.push({ level: 'error', msg }),
  };
  return { entries, log };
}

test('safeStorage provider round-trips binary secrets through secret-box and refuses foreign ciphertext', () => {
  const provider = new SafeStorageKeyProvider(keychain());
  const sealed = sealSecret(provider, 'p@ss wörd \u0000 with nul');
  assert.ok(!sealed.includes(Buffer.from('p@ss')), 'plaintext is not in the sealed bytes');
  assert.equal(openSecret(provider, sealed), 'p@ss wörd \u0000 with nul');
  const otherMachine = new SafeStorageKeyProvider(keychain());
  assert.throws(() => openSecret(otherMachine, sealed), SecretDecryptError);
});

test('chooses the keychain when it is real, the key file otherwise, and sticks to the first choice', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-kp-'));
  try {
    const choiceFile = path.join(dir, 'key-provider');
    const openKeyFile = () => FileKeyProvider.open(path.join(dir, 'secret.key'));

    // Linux without a keyring: Chromium's basic_text backend is a fixed key, so the key file is used.
    const { entries, log } = logRecorder();
    const p1 = createDesktopKeyProvider({ safeStorage: keychain('basic_text'), platform: 'linux', choiceFile, openKeyFile, log });
    assert.equal(p1.kind, 'key-file-aes-256-gcm');
    assert.equal(readFileSync(choiceFile, 'utf8').trim(), 'key-file');
    assert.ok(entries.some((e) => e.level === 'warn'));
    const sealed = sealSecret(p1, 'camera-password');

    // A keyring appears later: the recorded choice holds, so existing secrets still open.
    const p2 = createDesktopKeyProvider({ safeStorage: keychain('gnome_libsecret'), platform: 'linux', choiceFile, openKeyFile, log });
    assert.equal(p2.kind, 'key-file-aes-256-gcm');
    assert.equal(openSecret(p2, sealed), 'camera-password');

    rmSync(choiceFile);
    const mac = createDesktopKeyProvider({ safeStorage: keychain('unknown'), platform: 'darwin', choiceFile, openKeyFile, log });
    assert.equal(mac.kind, 'electron-safe-storage', 'macOS/Windows report "unknown" but have a real keychain');
    assert.throws(() => openSecret(mac, sealed), KeyProviderMismatchError);

    // The keychain disappears after it was chosen: fall back, and say loudly that old secrets need re-entry.
    const later = logRecorder();
    const p3 = createDesktopKeyProvider({ safeStorage: keychain('unknown', false), platform: 'darwin', choiceFile, openKeyFile, log: later.log });
    assert.equal(p3.kind, 'key-file-aes-256-gcm');
    assert.ok(later.entries.some((e) => e.level === 'error' && /re-entered/.test(e.msg)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
