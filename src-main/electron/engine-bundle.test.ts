// The engine's utility-process bundle, built as for the app and run in a worker thread whose parentPort stands in
// for Electron's `process.parentPort`: the shim, the engine's process entry, the bundled module URLs (the models
// folder is found from the bundle's location) and the init → ready handshake, with the real models.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { build } from 'esbuild';
import { builds, keepModuleUrls } from '../../scripts/build-electron.ts';
import { engineWire } from '../engine-host/engine-wire.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

test('engine.js boots behind a parentPort and answers init with ready', { timeout: 120_000 }, async () => {
  // Inside the project so the bundle's package imports resolve from node_modules (.cache/ is git-ignored).
  mkdirSync(path.join(ROOT, '.cache'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.cache', 'engine-bundle-'));
  try {
    const engineBuild = builds[1];
    assert.match(String(engineBuild.entryPoints), /engine-utility-entry/);
    // Two levels below the root, like dist/electron/engine.js, so module URLs resolve the same way.
    const outfile = path.join(dir, 'electron', 'engine.js');
    await build({ ...engineBuild, outfile, sourcemap: false, plugins: [keepModuleUrls(outfile)] });
    const boot = path.join(dir, 'boot.mjs');
    // Electron's process.parentPort, as far as the shim uses it, over the worker's parent port.
    writeFileSync(boot, `
      import { parentPort } from 'node:worker_threads';
      process.parentPort = { on: (ev, cb) => parentPort.on(ev, (data) => cb({ data })), postMessage: (m) => parentPort.postMessage(m) };
      await import(${JSON.stringify(pathToFileURL(outfile).href)});
    `);
    const worker = new Worker(boot);
    try {
      type Msg = { type?: string; id?: number; info?: { embedding_dim?: number } };
      const next = (type: string) => new Promise<Msg>((resolve, reject) => {
        const onMessage = (m: Msg) => {
          if (m?.type === type || m?.type === 'init_error') { worker.off('message', onMessage); resolve(m); }
        };
        worker.on('message', onMessage);
        worker.once('error', reject);
      });
      const ready = next('ready');
      worker.postMessage(engineWire.init({ threads: 1 }));
      const msg = await ready;
      assert.equal(msg.type, 'ready', JSON.stringify(msg).slice(0, 500));
      assert.ok((msg.info?.embedding_dim ?? 0) > 0, 'models were found and loaded from the bundle\'s location');
      const pong = next('pong');
      worker.postMessage(engineWire.ping(7));
      assert.equal((await pong).id, 7);
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage(engineWire.shutdown());
      await exited;
    } finally {
      await worker.terminate();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
