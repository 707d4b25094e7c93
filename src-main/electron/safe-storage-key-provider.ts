// Camera passwords and API secrets are sealed through the host's KeyProvider. In the desktop app that is
// Electron's safeStorage (macOS Keychain, Windows DPAPI, libsecret/kwallet on Linux). Where safeStorage has no
// real backend (Linux without a keyring: "basic_text" is a hard-coded key) the headless key file is used instead.
// The choice is remembered in the data directory so a keyring that is briefly unavailable at one start does not
// seal new secrets under a second provider; secret-box records the provider per secret, so a secret sealed under
// the other one fails with a clear "re-enter the secret" error rather than garbage.
import { readFileSync, writeFileSync } from 'node:fs';
import { SecretDecryptError, type KeyProvider } from '../security/key-provider.ts';
import type { ShellLog } from './shell-log.ts';

/** The safeStorage calls used (Electron's safeStorage fits). Only valid after app 'ready'. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend(): string;
}

export class SafeStorageKeyProvider implements KeyProvider {
  readonly kind = 'electron-safe-storage';

  constructor(private readonly safeStorage: SafeStorageLike) {}

  // base64 because safeStorage seals strings and secrets are bytes.
  encrypt(plain: Buffer): Buffer {
    return this.safeStorage.encryptString(plain.toString('base64'));
  }

  decrypt(sealed: Buffer): Buffer {
    let text: string;
    try {
      text = this.safeStorage.decryptString(sealed);
    } catch (err) {
      throw new SecretDecryptError('the OS keychain could not open this secret (another user, machine or keychain)', { cause: err });
    }
    return Buffer.from(text, 'base64');
  }
}

export type KeyProviderChoice = 'safe-storage' | 'key-file';

/** True when safeStorage is backed by the OS (not Chromium's fixed-key fallback on Linux). */
export function safeStorageUsable(safeStorage: SafeStorageLike, platform: NodeJS.Platform): boolean {
  if (!safeStorage.isEncryptionAvailable()) return false;
  return platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text';
}

export interface DesktopKeyProviderOptions {
  safeStorage: SafeStorageLike;
  platform: NodeJS.Platform;
  /** File recording the first choice (userData/data/key-provider). */
  choiceFile: string;
  /** Opens (creating if needed) the headless key-file provider. */
  openKeyFile(): KeyProvider;
  log: ShellLog;
}

export function createDesktopKeyProvider(opts: DesktopKeyProviderOptions): KeyProvider {
  let recorded: KeyProviderChoice | null = null;
  try {
    const text = readFileSync(opts.choiceFile, 'utf8').trim();
    if (text === 'safe-storage' || text === 'key-file') recorded = text;
  } catch {
    // first run
  }
  const usable = safeStorageUsable(opts.safeStorage, opts.platform);
  let choice: KeyProviderChoice;
  if (recorded === 'key-file') {
    choice = 'key-file';
  } else if (usable) {
    choice = 'safe-storage';
  } else {
    choice = 'key-file';
    const backend = opts.safeStorage.isEncryptionAvailable() ? opts.safeStorage.getSelectedStorageBackend() : 'none';
    if (recorded === 'safe-storage') {
      opts.log.error({ backend }, 'the OS keychain is unavailable: secrets saved earlier cannot be opened and must be re-entered; new ones use the key file');
    } else {
      opts.log.warn({ backend }, 'no OS keychain (safeStorage unavailable): secrets are sealed with the key file in the data directory');
    }
  }
  if (choice !== recorded) writeFileSync(opts.choiceFile, `${choice}\n`, { mode: 0o600 });
  return choice === 'safe-storage' ? new SafeStorageKeyProvider(opts.safeStorage) : opts.openKeyFile();
}
