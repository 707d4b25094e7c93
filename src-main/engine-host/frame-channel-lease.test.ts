// Pooled camera frames over the frame side channel: the socket write holds its own reference until the pixels are
// written (the pipeline may give its reference back first), also when the channel is torn down mid-write.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { connectFrameChannel, encodeHello, FRAME_CHANNEL_ENV, FRAME_TOKEN_ENV } from '../../src-engine/protocol.ts';
import { FramePool } from '../camera/frame-pool.ts';
import { FrameChannelHost } from './frame-channel-host.ts';

const waitUntil = async (check: () => boolean, what: string) => {
  const until = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('the side channel holds a pooled frame until written; the engine end gets the exact pixels', { timeout: 10_000 }, async () => {
  const host = new FrameChannelHost();
  const got: Buffer[] = [];
  const engine = connectFrameChannel(host.env, (f, release) => { got.push(Buffer.from(f.data)); release(); }, () => {});
  try {
    await new Promise<void>((r) => host.once('open', () => r()));
    const pool = new FramePool(64 * 48 * 3);
    const leases = [0, 1, 2].map((i) => { const l = pool.acquire(); l.data.fill(10 + i); return l; });
    leases.forEach((l, i) => {
      assert.equal(host.send(i + 1, { width: 64, height: 48, channels: 3, data: l.data, lease: l }, { i }), true);
      l.release(); // the pipeline is done before the socket has written
    });
    assert.equal(pool.stats().outstanding, 3, 'still held by the socket writes');
    await waitUntil(() => got.length === 3, 'three frames at the engine end');
    await waitUntil(() => pool.stats().outstanding === 0, 'the writes to give their references back');
    got.forEach((g, i) => assert.ok(g.every((v) => v === 10 + i), `frame ${i} byte-exact`));
    assert.equal(pool.stats().free, 3);
  } finally {
    engine?.destroy();
    host.close();
  }
});

test('a channel closed while a large pooled frame is still being written gives its reference back', { timeout: 10_000 }, async () => {
  const host = new FrameChannelHost({ congestionBytes: 1 });
  // An engine end that says hello and then reads nothing: the write stays pending.
  const peer = net.connect(host.env[FRAME_CHANNEL_ENV]);
  peer.on('connect', () => peer.write(encodeHello(host.env[FRAME_TOKEN_ENV])));
  peer.on('error', () => {});
  try {
    await new Promise<void>((r) => host.once('open', () => r()));
    peer.pause();
    const pool = new FramePool(32 * 1024 * 1024);
    const lease = pool.acquire();
    assert.equal(host.send(1, { width: 4096, height: 2048, channels: 4, data: lease.data, lease }, {}), true);
    lease.release();
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(host.congested, true);
    assert.equal(pool.stats().outstanding, 1, 'the pending write holds the buffer');
    host.close();
    await waitUntil(() => pool.stats().outstanding === 0, 'the torn-down write to release');
  } finally {
    peer.destroy();
    host.close();
  }
});
