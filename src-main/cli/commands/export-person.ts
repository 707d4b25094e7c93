// `vigil export-person <personId> [--data DIR] [--out FILE]`: the per-person data export (zip of JSON + images)
// for an access request, written to a file; the export is recorded in the audit trail (origin "cli").
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { VigilError } from '../../../src-contract/errors.ts';
import { IdSchema } from '../../../src-contract/schemas.ts';
import { ACCESS_MIGRATIONS, AUDIT_HEAD_FILE } from '../../host/access-control.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { exportPersonData } from '../../privacy/person-export.ts';
import { openStore } from '../../storage/host-store.ts';
import { dataDirArg } from './audit.ts';

export async function run(argv: string[]): Promise<number> {
  const positional = argv.filter((a, i) => !a.startsWith('--') && !['--data', '--out'].includes(argv[i - 1] ?? ''));
  const personId = positional[0];
  if (!personId || !IdSchema.safeParse(personId).success) {
    process.stderr.write('usage: vigil export-person <personId> [--data DIR] [--out FILE]\n');
    return 2;
  }
  const o = argv.indexOf('--out');
  const dataDir = dataDirArg(argv);
  const store = await openStore(dataDir, { migrations: ACCESS_MIGRATIONS });
  try {
    const out = await exportPersonData(store.db.reader, dataDir, personId);
    const file = resolve(o >= 0 && argv[o + 1] ? argv[o + 1] : out.filename);
    await writeFile(file, out.data, { mode: 0o600 });
    new AuditLog({ writer: store.db.writer, reader: store.db.reader }, { headPath: resolve(dataDir, AUDIT_HEAD_FILE), keys: store.keyProvider }).record({
      type: 'data_access', userId: null, username: `cli:${userInfo().username}`, origin: 'cli', action: 'persons.exportData',
      resource: `person:${personId}`, personId, result: 'success', details: { file, images: out.files },
    });
    process.stdout.write(`wrote ${file} (${out.data.length} bytes, ${out.files} images${out.missingFiles ? `, ${out.missingFiles} missing on disk` : ''})\n`);
    return 0;
  } catch (err) {
    if (err instanceof VigilError && err.code === 'NOT_FOUND') {
      process.stderr.write(`vigil export-person: ${err.message}\n`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}
