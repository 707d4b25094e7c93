// The engine-processes setting on the real host (vigil serve) in Chromium: Automatic runs the measured default for
// this machine's cores (defaultWorkerCount: 2 on 2 cores); the admin picks another count, saves, the host resizes
// the pool (system.status lists that many workers, all ready, each on the frame side channel), the change is in the
// audit log; back to Automatic restores the default. The suite pins VIGIL_ENGINE_WORKERS=1 (scripts/test.sh); this
// host clears it, since what it tests is the setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { defaultWorkerCount } from '../src-main/engine-host/engine-supervisor.ts';
import { hostWithBrowser, rpc, setupAdmin, shot } from './harness.ts';

const fx = hostWithBrowser({ env: { VIGIL_ENGINE_WORKERS: '' } });

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

test('Settings: engine processes: Automatic runs the default for the cores, another count resizes the pool, audited; Automatic restores it', { timeout: 240_000 }, async () => {
  const { host, w: { page } } = fx;
  await setupAdmin(page, host);
  const auto = defaultWorkerCount(availableParallelism(), (await rpc(page, 'settings.get', {})).body.engine.threads);
  await workersReady(auto);
  const n = auto === 1 ? 2 : 1;
  await page.goto(`${host.url}#/settings/recognition`);
  const select = page.getByTestId('engine-workers');
  await select.waitFor();
  assert.equal(await select.inputValue(), '0', 'automatic by default');
  await select.selectOption(String(n));
  await select.scrollIntoViewIfNeeded();
  await shot(page, 'thr-engine-workers-setting');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await workersReady(n).catch(async (err) => { throw new Error(`${(err as Error).message}; settings ${JSON.stringify((await rpc(page, 'settings.get', {})).body.engine)}`); });
  const audit = await rpc(page, 'audit.list', { action: 'settings.update' } as never);
  assert.equal(audit.status, 200, JSON.stringify(audit.body));
  assert.ok(JSON.stringify(audit.body).includes('settings.update'), 'the change is audited');
  const st = await rpc(page, 'system.status', {});
  assert.deepEqual(st.body.engine.workers?.map((x) => x.transport), Array(n).fill('frame-channel'), 'each worker gets its frames by the side channel');
  const s = await rpc(page, 'settings.get', {});
  assert.equal(s.body.engine.workers, n, 'persisted');
  await select.selectOption('0');
  await page.getByRole('button', { name: 'Save' }).first().click();
  await workersReady(auto);
  assert.deepEqual(fx.w.errors, []);
});
