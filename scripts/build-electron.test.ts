// The preload bundle as Electron's sandbox runs it: one CommonJS file whose only require is 'electron', exposing
// exactly one global with the bridge's functions and the contract's method names inlined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { build } from 'esbuild';
import { contract } from '../src-contract/api.ts';
import { builds, checkPreloadIsSelfContained, externalPackages } from './build-electron.ts';

test('the sandboxed preload bundle requires only electron and exposes window.vigil', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-preload-'));
  try {
    const outfile = path.join(dir, 'preload.cjs');
    const result = await build({ ...builds[2], outfile, sourcemap: false });
    checkPreloadIsSelfContained(result.metafile!);
    assert.deepEqual([...externalPackages(result.metafile!)], ['electron']);

    const exposed = new Map<string, Record<string, unknown>>();
    const invoked: Array<[string, unknown]> = [];
    const sent: string[] = [];
    const requested: string[] = [];
    // The two Electron objects a preload may use, as far as this one uses them.
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, input: unknown) => { invoked.push([channel, input]); return { status: 'ok', result: [] }; },
        send: (channel: string) => sent.push(channel),
        on: (channel: string) => requested.push(channel),
      },
    };
    const sandboxRequire = (id: string) => {
      if (id === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${id}`);
    };
    const module = { exports: {} };
    vm.runInNewContext(readFileSync(outfile, 'utf8'), { require: sandboxRequire, module, exports: module.exports, console, URL, queueMicrotask });

    assert.deepEqual([...exposed.keys()], ['vigil']);
    const vigil = exposed.get('vigil')!;
    assert.deepEqual(Object.keys(vigil).sort(), ['call', 'liveUrl', 'mediaUrl', 'onConnectionChange', 'subscribe']);
    assert.deepEqual(sent, ['vigil:port-request'], 'asks main for its live port at load');
    assert.deepEqual(requested, ['vigil:port']);
    const ok = await (vigil.call as (m: string, i: unknown) => Promise<unknown>)('cameras.list', {});
    assert.deepEqual(ok, { status: 'ok', result: [] });
    assert.deepEqual(invoked, [['vigil:rpc:cameras.list', {}]]);
    const unknown = await (vigil.call as (m: string, i: unknown) => Promise<{ status: string }>)('fs.readFile', {});
    assert.equal(unknown.status, 'error');
    assert.equal(invoked.length, 1, 'unknown methods never reach IPC');
    // Every contract method is callable: the list inlined at build time is the contract's.
    for (const method of Object.keys(contract)) await (vigil.call as (m: string, i: unknown) => Promise<unknown>)(method, {});
    assert.equal(invoked.length, 1 + Object.keys(contract).length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
