// Where `vigil serve` and `vigil audit verify` find the headless key file (AES key that seals camera secrets and
// the audit chain's HMAC key). In the data folder (the default) it protects copies of the database and backups
// without the folder, but whoever can read the folder can open every secret and re-sign the audit chain. Put
// outside the folder (a path only the service account reads, or a systemd credential, which systemd can keep
// encrypted with the machine's TPM), a data-folder reader or writer without that file cannot forge the chain.
// Order: --key-file, VIGIL_KEY_FILE, $CREDENTIALS_DIRECTORY/vigil-secrets.key, <data>/keys/secrets.key.
import { existsSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';

export const KEY_FILE_ENV = 'VIGIL_KEY_FILE';
/** The credential name to give systemd's LoadCredential= / LoadCredentialEncrypted=. */
export const SYSTEMD_CREDENTIAL = 'vigil-secrets.key';

export interface KeyLocation {
  path: string;
  from: 'flag' | 'env' | 'systemd-credential' | 'data-folder';
  /** The key sits inside the data folder: a reader of the folder holds it. */
  insideDataDir: boolean;
}

export const dataFolderKeyFile = (dataDir: string): string => join(dataDir, 'keys', 'secrets.key');

export function resolveKeyFile(dataDir: string, flag?: string, env: NodeJS.ProcessEnv = process.env): KeyLocation {
  const pick = (): Omit<KeyLocation, 'insideDataDir'> => {
    if (flag) return { path: resolve(flag), from: 'flag' };
    if (env[KEY_FILE_ENV]) return { path: resolve(env[KEY_FILE_ENV]), from: 'env' };
    const cred = env.CREDENTIALS_DIRECTORY ? join(env.CREDENTIALS_DIRECTORY, SYSTEMD_CREDENTIAL) : null;
    if (cred && existsSync(cred)) return { path: cred, from: 'systemd-credential' };
    return { path: dataFolderKeyFile(dataDir), from: 'data-folder' };
  };
  const chosen = pick();
  const rel = relative(resolve(dataDir), chosen.path);
  return { ...chosen, insideDataDir: rel === '' || (!rel.startsWith('..') && !isAbsolute(rel)) };
}

/** Why the chosen key file cannot be used as it is (one line for the user), or null. A key chosen outside the data
 *  folder that does not exist yet while the folder still holds its own would silently start a new key, and every
 *  secret sealed with the old one would be lost: the user moves the old one instead. */
export function keyFileProblem(loc: KeyLocation, dataDir: string): string | null {
  const own = dataFolderKeyFile(dataDir);
  if (loc.insideDataDir || existsSync(loc.path) || !existsSync(own)) return null;
  return `the key file ${loc.path} does not exist but ${own} does: move that file there (it seals this data folder's secrets and audit key), then start again`;
}
