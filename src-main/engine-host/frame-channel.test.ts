// The frame side channel with real processes and real sockets: frames of several sizes arrive byte-exact, the
// token keeps other peers out, a broken channel falls back to the message channel without losing a request,
// IPC can be forced, and the parser refuses corrupt streams with typed errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { ForkEngineLauncher } from './launcher.ts';
import type { EngineChannel } from './launcher.ts';
import { EngineInstance } from './engine-instance.ts';
import { engineWire } from './engine-wire.ts';
import { FrameChannelHost } from './frame-channel-host.ts';
import {
  FRAME_CHANNEL_ENV, FRAME_HEADER_BYTES, FrameChannelError, FramePool, FrameRecordParser, encodeHello, writeFrameHeader,
} from '../../src-engine/protocol.ts';
import type { ChannelFrame } from '../../src-engine/protocol.ts';

const ECHO = fileURLToPath(new URL('./testing/frame-echo-child.ts', import.meta.url));
const TIMINGS = { readyTimeoutMs: 20_000, pingIntervalMs: 500, hangTimeoutMs: 10_000, requestTimeoutMs: 10_000 };

function adler(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) { a = (a + data[i]) % 65521; b = (b + a) % 65521; }
  return (b << 16) | a;
}

function frameOf(width: number, height: number, channels: 1 | 3 | 4, seed: number) {
  const data = new Uint8Array(width * height * channels);
  let x = seed * 2654435761;
  for (let i = 0; i < data.length; i++) { x = (x * 1103515245 + 12345) >>> 0; data[i] = x >>> 24; }
  return { width, height, channels, data };
}

const opened = (ch: EngineChannel) => new Promise<void>((resolve, reject) => {
  const f = ch.frames as FrameChannelHost;
  if (f.open) return resolve();
  f.once('open', resolve);
  f.once('close', reject);
});

async function echoInstance(env: NodeJS.ProcessEnv = {}) {
  const ch = new ForkEngineLauncher({ entry: ECHO, env }).launch();
  const inst = new EngineInstance(ch, engineWire, TIMINGS, () => {});
  await inst.start({});
  const analyze = (frame: ReturnType<typeof frameOf>, options?: object) => new Promise<{ via: string; bytes: number; sum: number; width: number; channels: number }>((resolve, reject) =>
    inst.send({ op: { op: 'analyze_frame', frame, options: options as never }, attempts: 0, retryable: true, sentAt: 0, resolve: resolve as never, reject }));
  return { ch, inst, analyze };
}

test('frames of several sizes reach a real child byte-exact over the side channel; answers by id', { timeout: 30_000 }, async () => {
  const { ch, inst, analyze } = await echoInstance();
  try {
    await opened(ch);
    assert.equal(inst.transport, 'frame-channel');
    const frames = [frameOf(1280, 720, 3, 1), frameOf(640, 360, 3, 2), frameOf(33, 17, 1, 3), frameOf(64, 48, 4, 4), frameOf(640, 360, 3, 5)];
    // all in flight at once: records follow each other on the socket, answers come back by id
    const answers = await Promise.all(frames.map((f) => analyze(f, { embeddings: false })));
    answers.forEach((a, i) => {
      assert.equal(a.via, 'channel');
      assert.equal(a.bytes, frames[i].data.byteLength);
      assert.equal(a.width, frames[i].width);
      assert.equal(a.channels, frames[i].channels);
      assert.equal(a.sum, adler(frames[i].data), `frame ${i} intact`);
    });
    assert.equal((ch.frames as FrameChannelHost).stats().frames, frames.length);
  } finally {
    await inst.shutdown(1000);
  }
});

test('a broken side channel: the unanswered frame is re-sent by IPC, later frames go by IPC, nothing is lost', { timeout: 30_000 }, async () => {
  const { ch, inst, analyze } = await echoInstance();
  try {
    await opened(ch);
    const closed = new Promise<FrameChannelError>((r) => (ch.frames as FrameChannelHost).once('close', r));
    const f = frameOf(640, 360, 3, 9);
    // the child closes the channel on this frame without answering it
    const broken = analyze(f, { breakChannel: true });
    const err = await closed;
    assert.ok(err instanceof FrameChannelError);
    assert.equal(err.code, 'CLOSED');
    const a = await broken;
    assert.equal(a.via, 'ipc', 're-sent by the message channel');
    assert.equal(a.sum, adler(f.data));
    assert.equal(inst.transport, 'ipc');
    assert.equal(ch.frames!.send(1, f, undefined), false, 'a closed channel refuses frames');
    const b = await analyze(frameOf(320, 180, 3, 10));
    assert.equal(b.via, 'ipc');
  } finally {
    await inst.shutdown(1000);
  }
});

test('VIGIL_FRAME_TRANSPORT=ipc forces the message channel', { timeout: 30_000 }, async () => {
  const { ch, inst, analyze } = await echoInstance({ VIGIL_FRAME_TRANSPORT: 'ipc' });
  try {
    assert.equal(ch.frames, null);
    const f = frameOf(640, 360, 3, 11);
    const a = await analyze(f);
    assert.equal(a.via, 'ipc');
    assert.equal(a.sum, adler(f.data));
  } finally {
    await inst.shutdown(1000);
  }
});

test('a peer without the token is refused; the engine with it still gets the channel; the socket path is removed', { timeout: 10_000 }, async () => {
  const host = new FrameChannelHost();
  try {
    const path = host.env[FRAME_CHANNEL_ENV];
    const intruder = net.connect(path);
    await new Promise((r) => intruder.on('connect', r));
    intruder.write(encodeHello('not-the-token-not-the-token-not-the-token-1234'));
    await new Promise((r) => intruder.on('close', r));
    assert.equal(host.open, false);
    const peer = net.connect(path);
    const isOpen = new Promise<void>((r) => host.once('open', () => r()));
    peer.on('connect', () => peer.write(encodeHello(host.env.VIGIL_FRAME_TOKEN)));
    await isOpen;
    assert.equal(host.open, true);
    await assert.rejects(new Promise((resolve, reject) => { const s = net.connect(path); s.on('connect', resolve); s.on('error', reject); }), 'nobody else can connect once the engine is in');
    peer.destroy();
  } finally {
    host.close();
  }
});

test('parser: any chunking gives the same frames; corrupt streams are typed errors; buffers are pooled', () => {
  const got: ChannelFrame[] = [];
  const pool = new FramePool(2);
  const parser = new FrameRecordParser(pool, (f, release) => { got.push({ ...f, data: new Uint8Array(f.data) }); release(); });
  const record = (id: number, w: number, h: number, c: 1 | 3 | 4, opts: unknown) => {
    const o = opts === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(opts));
    const px = frameOf(w, h, c, id).data;
    const head = Buffer.alloc(FRAME_HEADER_BYTES);
    writeFrameHeader(head, id, w, h, c, o.length, px.length);
    return Buffer.concat([head, o, px]);
  };
  const stream = Buffer.concat([record(1, 40, 30, 3, { a: 1 }), record(2, 8, 8, 1, undefined), record(3, 40, 30, 3, { embeddings: false })]);
  for (const step of [1, 7, 32, 1000, stream.length]) {
    got.length = 0;
    for (let i = 0; i < stream.length; i += step) parser.push(stream.subarray(i, i + step));
    assert.deepEqual(got.map((f) => f.id), [1, 2, 3]);
    assert.deepEqual(got[0].options, { a: 1 });
    assert.equal(got[1].options, undefined);
    assert.equal(adler(got[2].data), adler(frameOf(40, 30, 3, 3).data));
    assert.ok(parser.idle);
  }
  assert.ok(pool.allocations <= 2, `buffers reused (${pool.allocations} allocations for 15 frames)`);

  const fresh = () => new FrameRecordParser(new FramePool(), () => {});
  const bad = Buffer.from(stream);
  bad.writeUInt32LE(0xdeadbeef, 0);
  assert.throws(() => fresh().push(bad), (e: FrameChannelError) => e.code === 'BAD_MAGIC');
  const lying = Buffer.alloc(FRAME_HEADER_BYTES);
  writeFrameHeader(lying, 1, 10, 10, 3, 0, 299);
  assert.throws(() => fresh().push(lying), (e: FrameChannelError) => e.code === 'BAD_HEADER');
  const huge = Buffer.alloc(FRAME_HEADER_BYTES);
  writeFrameHeader(huge, 1, 100_000, 100_000, 1, 0, 0); // pixel length 0 does not match either
  assert.throws(() => fresh().push(huge), FrameChannelError);
  const badOpts = Buffer.concat([(() => { const h = Buffer.alloc(FRAME_HEADER_BYTES); writeFrameHeader(h, 1, 1, 1, 1, 3, 1); return h; })(), Buffer.from('{x:'), Buffer.from([7])]);
  assert.throws(() => fresh().push(badOpts), (e: FrameChannelError) => e.code === 'BAD_OPTIONS');
});
