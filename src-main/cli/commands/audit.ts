// `vigil audit verify [--data DIR] [--key-file PATH] [--json]`: walks the audit hash chain of a data directory (read-only, safe
// while `vigil serve` runs) and reports ok or the first broken row. Exit 0 ok, 1 broken, 2 usage/no database.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AUDIT_HEAD_FILE } from '../../host/access-control.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { FileKeyProvider } from '../../security/file-key-provider.ts';
import { resolveKeyFile } from '../../security/key-location.ts';
import { DATABASE_FILE } from '../../storage/host-store.ts';

export function dataDirArg(argv: string[]): string {
  const i = argv.indexOf('--data');
  if (i >= 0 && argv[i + 1]) return resolve(argv[i + 1]);
  return resolve(process.env.VIGIL_DATA_DIR ?? '.vigil-data'); // same default as `vigil serve`
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] !== 'verify') {
    process.stderr.write('usage: vigil audit verify [--data DIR] [--key-file PATH] [--json]\n');
    return 2;
  }
  const dataDir = dataDirArg(argv);
  const dbPath = join(dataDir, DATABASE_FILE);
  if (!existsSync(dbPath)) {
    process.stderr.write(`vigil audit: no database at ${dbPath}\n`);
    return 2;
  }
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const hasLog = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit_log'").get();
    if (!hasLog) {
      process.stderr.write(`vigil audit: ${dbPath} has no audit log (never served with this version?)\n`);
      return 2;
    }
    // The chain key is sealed by `vigil serve`'s key file, found as serve finds it (--key-file, VIGIL_KEY_FILE, a
    // systemd credential, the data folder); a desktop data folder seals it with the OS keychain instead, which only
    // the app can open: verify there (Audit screen → Verify).
    const k = argv.indexOf('--key-file');
    const keyFile = resolveKeyFile(dataDir, k >= 0 ? argv[k + 1] : undefined).path;
    const keys = existsSync(keyFile) ? FileKeyProvider.open(keyFile) : undefined;
    const r = new AuditLog({ writer: db, reader: db }, { headPath: join(dataDir, AUDIT_HEAD_FILE), keys }).verify();
    if (argv.includes('--json')) process.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) process.stdout.write(`audit chain ok: ${r.checked} rows checked\n`);
    else process.stdout.write(`audit chain BROKEN at row ${r.first_broken_id}: ${r.reason} (${r.checked} rows verified before it)\n`);
    return r.ok ? 0 : 1;
  } finally {
    db.close();
  }
}
