import { it } from 'node:test';
import WebSocket from 'ws';
import { startApiFixture } from './testing/api-fixture.ts';
it('dbg', async () => {
  const f = await startApiFixture();
  const base = f.url.replace('http', 'ws');
  await new Promise<void>((resolve) => {
    const ws = new WebSocket(`${base}/api/ws`);
    ws.on('unexpected-response', (_q, res) => { console.log('status', res.statusCode, res.headers); res.resume(); res.on('end', () => console.log('res end')); resolve(); });
    ws.on('error', (e) => { console.log('err', e.message); resolve(); });
  });
  const t0 = Date.now();
  await Promise.race([f.close(), new Promise((r) => setTimeout(r, 3000))]);
  console.log('close took', Date.now() - t0);
  process.exit(0);
});
