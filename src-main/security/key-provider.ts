// Secrets at rest (camera passwords, API secrets) are sealed by a KeyProvider. The host only sees this interface:
// headless it is the key-file provider below; in the desktop app the shell injects one backed by Electron's
// `safeStorage` (OS keychain / DPAPI / libsecret). Such an implementation is a few lines:
//
//   const safeStorageKeyProvider: KeyProvider = {
//     kind: 'electron-safe-storage',
//     encrypt: (plain) => safeStorage.encryptString(plain.toString('base64')),
//     decrypt: (sealed) => Buffer.from(safeStorage.decryptString(sealed), 'base64'),
//   };
//
// (base64 because safeStorage works on strings; check `safeStorage.isEncryptionAvailable()` after app 'ready'
// and fall back to the key file with a warning when it is false, e.g. Linux without a keyring).
// `decrypt` must throw when the input was not produced by the same key (both implementations authenticate).

export interface KeyProvider {
  /** Stable name stored with every sealed secret, so a secret sealed by another provider fails with a clear error. */
  readonly kind: string;
  encrypt(plain: Buffer): Buffer;
  /** Throws SecretDecryptError (or any Error) when `sealed` was tampered with or sealed under another key. */
  decrypt(sealed: Buffer): Buffer;
}

export class KeyFileError extends Error {
  override readonly name = 'KeyFileError';
  constructor(message: string, readonly path: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class SecretDecryptError extends Error {
  override readonly name = 'SecretDecryptError';
}

export class KeyProviderMismatchError extends Error {
  override readonly name = 'KeyProviderMismatchError';
  constructor(readonly sealedWith: string, readonly current: string) {
    super(`secret was sealed by key provider "${sealedWith}" but the current provider is "${current}"; re-enter the secret`);
  }
}
