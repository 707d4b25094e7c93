// The engine-processes setting on the real host (vigil serve) in Chromium: the admin picks 2 processes, saves,
// the host starts the second engine process (system.status lists two workers, both ready), the change is in the
// audit log; back to Automatic stops it again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostWithBrowser, rpc, setupAdmin, shot } from './harness.ts';

const fx = hostWithBrowser();

async function workersReady(n: number): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const s = await rpc(fx.w.page, 'system.status', {});
    const ws = s.body.engine.workers ?? [];
    if (ws.length === n && ws.every((x) => x.state === 'ready')) return;
    if (Date.now() > deadline) throw new Error(`workers not ${n} ready: ${JSON.stringify(ws)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

test('Settings: engine processes 2 starts a second engine process, audited; Automatic stops it', { timeout: 240_000 }, async () => {
  const { host, w: { page } } = fx;
  await setupAdmin(page, host);
  await page.goto(`${host.url}#/settings/recognition`);
  const select = page.getByTestId('engine-workers');
  await select.waitFor();
  assert.equal(await select.inputValue(), '0', 'automatic by default');
  await select.selectOption('2');
  await select.scrollIntoViewIfNeeded();
  await shot(page, 'thr-engine-workers-setting');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await workersReady(2).catch(async (err) => { throw new Error(`${(err as Error).message}; settings ${JSON.stringify((await rpc(page, 'settings.get', {})).body.engine)}`); });
  const audit = await rpc(page, 'audit.list', { action: 'settings.update' } as never);
  assert.equal(audit.status, 200, JSON.stringify(audit.body));
  assert.ok(JSON.stringify(audit.body).includes('settings.update'), 'the change is audited');
  const st = await rpc(page, 'system.status', {});
  assert.deepEqual(st.body.engine.workers?.map((x) => x.transport), ['frame-channel', 'frame-channel'], 'each worker gets its frames by the side channel');
  const s = await rpc(page, 'settings.get', {});
  assert.equal(s.body.engine.workers, 2, 'persisted');
  await select.selectOption('0');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await workersReady(1);
  assert.deepEqual(fx.w.errors, []);
});
