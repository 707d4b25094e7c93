// Headless KeyProvider: AES-256-GCM under a random 32-byte key kept in a file readable only by the owner.
// This protects secrets in database backups and copies of the .sqlite file, not against someone who can read the
// whole data directory as the same user (the desktop app uses the OS keychain through safeStorage for that).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, writeSync, fsyncSync, constants } from 'node:fs';
import { dirname } from 'node:path';
import { KeyFileError, SecretDecryptError, type KeyProvider } from './key-provider.ts';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 1;

export class FileKeyProvider implements KeyProvider {
  readonly kind = 'key-file-aes-256-gcm';
  readonly #key: Buffer;

  private constructor(key: Buffer) {
    this.#key = key;
  }

  /** Loads the key file, creating it (mode 0600, exclusive create so two processes cannot race) when absent. */
  static open(keyPath: string): FileKeyProvider {
    return new FileKeyProvider(loadOrCreateKey(keyPath));
  }

  encrypt(plain: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]);
  }

  decrypt(sealed: Buffer): Buffer {
    if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
      throw new SecretDecryptError('sealed secret is malformed or of an unknown version');
    }
    const iv = sealed.subarray(1, 1 + IV_BYTES);
    const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.#key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch (err) {
      throw new SecretDecryptError('secret failed authentication (tampered, or sealed under another key)', { cause: err });
    }
  }
}

function loadOrCreateKey(keyPath: string): Buffer {
  mkdirSync(dirname(keyPath), { recursive: true, mode: 0o700 });
  try {
    const fd = openSync(keyPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      const key = randomBytes(KEY_BYTES);
      writeSync(fd, key);
      fsyncSync(fd);
      return key;
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new KeyFileError(`cannot create key file: ${(err as Error).message}`, keyPath, { cause: err });
  }
  const fd = openSync(keyPath, 'r');
  try {
    const st = fstatSync(fd);
    // Refuse a key others can read: it would silently void the protection. Windows has no POSIX modes.
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw new KeyFileError(`key file is accessible by group/others (mode ${(st.mode & 0o777).toString(8)}); run chmod 600`, keyPath);
    }
    const key = readFileSync(fd);
    if (key.length !== KEY_BYTES) throw new KeyFileError(`key file holds ${key.length} bytes, expected ${KEY_BYTES}`, keyPath);
    return key;
  } finally {
    closeSync(fd);
  }
}
