// `vigil serve [--data DIR] [--port N] [--no-demo] [--key-file PATH]`: the host headless behind the HTTP + WebSocket server on
// 127.0.0.1 (the console, the contract, REST /api/v1, live streams). Stdout carries exactly one line,
// `Vigil listening on http://127.0.0.1:PORT`, once the server listens and the engine is ready (or gave up
// waiting); logs and the first-run setup token go to stderr. The key file (camera secrets, the audit chain's key)
// is found by security/key-location.ts: keep it outside the data folder in production (--key-file, VIGIL_KEY_FILE
// or a systemd credential), so that someone who can read or write the folder cannot re-sign the audit chain.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import pino from 'pino';
import { createLogger } from '../../logging/logger.ts';
import { isStorageFullError } from '../../storage/storage-health.ts';
import { createHost } from '../../host/host.ts';
import { createApiServer } from '../../api/server.ts';
import { FileKeyProvider } from '../../security/file-key-provider.ts';
import { dataFolderKeyFile, keyFileProblem, resolveKeyFile } from '../../security/key-location.ts';

const USAGE = 'usage: vigil serve [--data DIR] [--port N] [--no-demo] [--key-file PATH]';

interface ServeArgs {
  dataDir: string;
  port: number;
  demo: boolean;
  keyFile?: string;
}

export function parseServeArgs(argv: string[]): ServeArgs {
  const out: ServeArgs = { dataDir: resolve('.vigil-data'), port: 7070, demo: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--data') out.dataDir = resolve(value());
    else if (a === '--port') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be 0-65535, got ${argv[i]}`);
      out.port = n;
    } else if (a === '--no-demo') out.demo = false;
    else if (a === '--key-file') out.keyFile = value();
    else throw new Error(`unknown option ${a} (${USAGE})`);
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  let args: ServeArgs;
  try {
    args = parseServeArgs(argv);
  } catch (err) {
    process.stderr.write(`vigil serve: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = createLogger({ destination: pino.destination({ fd: 2, sync: false }) });
  const key = resolveKeyFile(args.dataDir, args.keyFile);
  const problem = keyFileProblem(key, args.dataDir);
  if (problem) {
    process.stderr.write(`vigil serve: cannot start: ${problem}\n`);
    return 1;
  }
  if (key.insideDataDir) {
    logger.warn({ event_type: 'key_in_data_folder', key_file: key.path },
      'the key file is inside the data folder: whoever can read the folder can open camera secrets and re-sign the audit chain; keep it elsewhere (--key-file, VIGIL_KEY_FILE or a systemd credential)');
  } else if (existsSync(dataFolderKeyFile(args.dataDir))) {
    logger.warn({ event_type: 'key_copy_in_data_folder', key_file: dataFolderKeyFile(args.dataDir) }, 'a copy of a key file is still in the data folder: delete it once the moved key works');
  }
  let host: Awaited<ReturnType<typeof createHost>>;
  try {
    host = await createHost({ dataDir: args.dataDir, demo: args.demo, logger, waitForEngineMs: 60_000, keyProvider: FileKeyProvider.open(key.path) });
  } catch (err) {
    // One clear line instead of a stack (the log keeps the details): a full disk, an unreadable data folder, ...
    logger.flush?.();
    process.stderr.write(`vigil serve: cannot start: ${startFailure(err, args.dataDir)}\n`);
    return 1;
  }
  const token = host.access.auth.setupToken();
  if (token) process.stderr.write(`vigil: first run: create the admin account in the console with this setup token: ${token}\n`);
  const server = await createApiServer({
    dispatcher: host.dispatcher, bus: host.bus, authenticate: host.access.auth.authenticate, onAccessChange: host.access.auth.onAccessChange, healthz: host.healthz,
    callbackPrivateHosts: () => host.store.settings.get().api.callback_private_hosts ?? [],
    mediaRoot: host.mediaRoot, openLiveStream: host.openLiveStream, liveJpegs: host.liveJpegs, liveFmp4: host.liveFmp4, analyzeFrame: host.analyzeFrame, version: host.context.version, logger,
  });
  const url = await server.listen(args.port, '127.0.0.1');
  if (!host.engine.ready) logger.warn({ event_type: 'engine_not_ready' }, 'engine still starting; recognition begins when it is ready');
  process.stdout.write(`Vigil listening on ${url}\n`);

  await new Promise<void>((done) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.info({ event_type: 'shutdown', signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 15_000);
      force.unref();
      void server.close().catch(() => {}).then(() => host.close()).then(done, (err: unknown) => {
        logger.error({ event_type: 'shutdown_failed', err }, 'shutdown failed');
        done();
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  return 0;
}

function startFailure(err: unknown, dataDir: string): string {
  const chain: unknown[] = [];
  for (let e: unknown = err; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  if (chain.some(isStorageFullError)) return `the disk holding ${dataDir} is full; free some space and start again`;
  return (err as Error)?.message?.split('\n')[0] ?? String(err);
}
