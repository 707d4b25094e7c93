// The key bridge across a real process boundary: main seals with its provider (here the key file; in the app the
// OS keychain), a child process seals and opens synchronously through BridgedKeyProvider.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import { serveKeyBridge } from './key-bridge.ts';

const run = promisify(execFile);
const MODULE = path.join(import.meta.dirname, 'key-bridge.ts');
const CHILD = `
import { BridgedKeyProvider } from ${JSON.stringify(MODULE)};
const p = new BridgedKeyProvider(JSON.parse(process.env.BRIDGE));
const out = { kind: p.kind };
try {
  out.sealed = p.encrypt(Buffer.from('camera password')).toString('base64');
  out.opened = p.decrypt(Buffer.from(process.env.SEALED, 'base64')).toString('utf8');
  try { p.decrypt(Buffer.from('not sealed')); } catch (err) { out.bad = err.name; }
} catch (err) { out.error = err.name + ': ' + err.message; }
process.stdout.write(JSON.stringify(out));
`;

test('the host process seals and opens secrets through main, synchronously; a wrong token is refused', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-key-bridge-'));
  const provider = FileKeyProvider.open(path.join(dir, 'secret.key'));
  const bridge = await serveKeyBridge(provider);
  try {
    const child = async (token: string) => JSON.parse((await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD], {
      env: { ...process.env, BRIDGE: JSON.stringify({ providerKind: bridge.providerKind, address: bridge.address, token }), SEALED: provider.encrypt(Buffer.from('from main')).toString('base64') },
    })).stdout) as { kind: string; sealed?: string; opened?: string; bad?: string; error?: string };

    const ok = await child(bridge.token);
    assert.equal(ok.error, undefined);
    assert.equal(ok.kind, provider.kind, 'sealed secrets keep the provider kind they had in main');
    assert.equal(provider.decrypt(Buffer.from(ok.sealed!, 'base64')).toString('utf8'), 'camera password');
    assert.equal(ok.opened, 'from main');
    assert.equal(ok.bad, 'SecretDecryptError');

    const wrong = await child('x'.repeat(bridge.token.length));
    assert.match(wrong.error ?? '', /^Error: key bridge/);
  } finally {
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
