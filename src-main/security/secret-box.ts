// Envelope around a KeyProvider's output: records which provider sealed a secret so that switching providers
// (key file -> safeStorage) fails with KeyProviderMismatchError instead of an opaque decrypt failure.
import { KeyProviderMismatchError, SecretDecryptError, type KeyProvider } from './key-provider.ts';

const MAGIC = Buffer.from('VS1');

export function sealSecret(provider: KeyProvider, plain: string): Buffer {
  const kind = Buffer.from(provider.kind, 'utf8');
  if (kind.length > 255) throw new RangeError('key provider kind is longer than 255 bytes');
  return Buffer.concat([MAGIC, Buffer.of(kind.length), kind, provider.encrypt(Buffer.from(plain, 'utf8'))]);
}

export function openSecret(provider: KeyProvider, sealed: Buffer): string {
  if (sealed.length < MAGIC.length + 1 || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new SecretDecryptError('not a sealed secret');
  }
  const kindLen = sealed[MAGIC.length];
  const kindStart = MAGIC.length + 1;
  const kind = sealed.subarray(kindStart, kindStart + kindLen).toString('utf8');
  if (kind !== provider.kind) throw new KeyProviderMismatchError(kind, provider.kind);
  return provider.decrypt(sealed.subarray(kindStart + kindLen)).toString('utf8');
}
