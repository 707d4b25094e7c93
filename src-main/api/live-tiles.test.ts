// Flow control of the WebSocket live tiles as a policy, with a fake camera feed and a fake socket.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeLiveFrame } from '../../src-contract/http-transport.ts';
import { VigilError } from '../../src-contract/errors.ts';
import { LiveTiles } from './live-tiles.ts';

function rig(opts: { credit?: number } = {}) {
  const feeds = new Map<string, (jpeg: Buffer) => void>();
  const sent: Array<{ cameraId: string; text: string }> = [];
  let writable = true;
  const tiles = new LiveTiles({
    subscribe: (id, onJpeg) => {
      if (id === 'missing') throw new VigilError('NOT_FOUND', 'no camera missing');
      feeds.set(id, onJpeg);
      return () => feeds.delete(id);
    },
    send: (m) => {
      const f = decodeLiveFrame(m)!;
      sent.push({ cameraId: f.cameraId, text: Buffer.from(f.jpeg).toString() });
    },
    writable: () => writable,
  }, { credit: opts.credit ?? 2, maxTiles: 3, retryMs: 10 });
  const push = (id: string, text: string) => feeds.get(id)!(Buffer.from(text));
  return { tiles, feeds, sent, push, setWritable: (w: boolean) => { writable = w; } };
}

describe('live tiles flow control', () => {
  it('sends up to the credit, then keeps only the newest picture until an ack', () => {
    const r = rig();
    r.tiles.open('a');
    for (const t of ['1', '2', '3', '4', '5']) r.push('a', t);
    assert.deepEqual(r.sent.map((s) => s.text), ['1', '2'], 'two on the way, no more without an ack');
    assert.equal(r.tiles.stats.dropped, 2, '3 and 4 were replaced by newer pictures');
    r.tiles.ack('a');
    assert.deepEqual(r.sent.map((s) => s.text), ['1', '2', '5'], 'the ack releases the newest, not the oldest');
    r.tiles.ack('a');
    r.tiles.ack('a');
    r.push('a', '6');
    assert.deepEqual(r.sent.map((s) => s.text), ['1', '2', '5', '6'], 'with credit back a picture goes at once');
  });

  it('a slow tile does not hold back another one', () => {
    const r = rig({ credit: 1 });
    r.tiles.open('slow');
    r.tiles.open('fast');
    r.push('slow', 's1');
    r.push('slow', 's2');
    for (const t of ['f1', 'f2', 'f3']) {
      r.push('fast', t);
      r.tiles.ack('fast');
    }
    assert.deepEqual(r.sent.filter((s) => s.cameraId === 'fast').map((s) => s.text), ['f1', 'f2', 'f3']);
    assert.deepEqual(r.sent.filter((s) => s.cameraId === 'slow').map((s) => s.text), ['s1']);
  });

  it('holds the newest picture while the socket is backed up and sends it once it drains', async () => {
    const r = rig();
    r.tiles.open('a');
    r.setWritable(false);
    r.push('a', '1');
    r.push('a', '2');
    assert.equal(r.sent.length, 0);
    r.setWritable(true);
    await new Promise((res) => setTimeout(res, 40));
    assert.deepEqual(r.sent.map((s) => s.text), ['2']);
    r.tiles.closeAll();
  });

  it('acks beyond what is on the way add no credit (frames of a previous connection)', () => {
    const r = rig();
    r.tiles.open('a');
    for (let i = 0; i < 5; i++) r.tiles.ack('a');
    for (const t of ['1', '2', '3']) r.push('a', t);
    assert.deepEqual(r.sent.map((s) => s.text), ['1', '2']);
  });

  it('close unsubscribes; refused and excess tiles are typed errors and leave nothing behind', () => {
    const r = rig();
    assert.throws(() => r.tiles.open('missing'), { code: 'NOT_FOUND' });
    assert.equal(r.tiles.size, 0);
    r.tiles.open('a');
    r.tiles.open('a');
    r.tiles.open('b');
    r.tiles.open('c');
    assert.throws(() => r.tiles.open('d'), { code: 'INVALID_REQUEST' });
    r.tiles.close('a');
    assert.equal(r.feeds.has('a'), false);
    r.tiles.closeAll();
    assert.equal(r.feeds.size, 0);
    assert.equal(r.tiles.size, 0);
  });
});
