// The fMP4 tile flow policy with a fake clock: fragments leave in order under the credit, a tile that falls behind
// resumes at a keyframe (flagged GAP) instead of queueing without bound, and a new init segment starts over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FMP4_GAP, FMP4_INIT, FMP4_KEYFRAME } from '../../src-contract/http-transport.ts';
import { FragmentFlow, type Fmp4TileChunk } from './live-fragment-flow.ts';

const init = (name = 'init'): Fmp4TileChunk => ({ kind: 'init', data: Buffer.from(name) });
/** A fragment named by its text ("K" prefix = starts with a keyframe), `bytes` long. */
const frag = (name: string, bytes = 100): Fmp4TileChunk => ({ kind: 'segment', data: Buffer.concat([Buffer.from(name), Buffer.alloc(Math.max(0, bytes - name.length))]), keyframe: name.startsWith('K') });
const nameOf = (c: Fmp4TileChunk) => c.data.toString('latin1').replace(/\0+$/, '');

/** Everything the flow lets go now, as "name/flags". */
function drain(flow: FragmentFlow): string[] {
  const out: string[] = [];
  for (let next = flow.take(); next; next = flow.take()) {
    const f = [next.flags & FMP4_INIT ? 'I' : '', next.flags & FMP4_KEYFRAME ? 'K' : '', next.flags & FMP4_GAP ? 'G' : ''].join('');
    out.push(`${nameOf(next.chunk)}${f ? `/${f}` : ''}`);
  }
  return out;
}

describe('fMP4 tile flow control', () => {
  it('sends the init segment first, then fragments in order, at most `credit` unacknowledged', () => {
    const flow = new FragmentFlow({ credit: 2 });
    flow.offer(init(), 0);
    for (const n of ['K1', 'p2', 'p3']) flow.offer(frag(n), 10);
    assert.deepEqual(drain(flow), ['init/I', 'K1/K'], 'two on the way');
    flow.ack();
    assert.deepEqual(drain(flow), ['p2']);
    flow.ack();
    flow.ack();
    assert.deepEqual(drain(flow), ['p3']);
    assert.equal(flow.stats.skipped, 0);
  });

  it('a tile that fell behind skips the old fragments and resumes at the next keyframe, marked as a gap', () => {
    const flow = new FragmentFlow({ credit: 1, skipAfterMs: 1000 });
    flow.offer(init(), 0);
    flow.offer(frag('K1'), 0);
    assert.deepEqual(drain(flow), ['init/I']);
    // The client stops acking (hidden tab, slow link): fragments queue, then a keyframe comes 1.5 s later.
    for (const [n, t] of [['p2', 500], ['p3', 1000], ['K4', 1500], ['p5', 2000]] as const) flow.offer(frag(n), t);
    assert.equal(flow.stats.skipped, 3, 'K1, p2 and p3 waited over a second when K4 came: dropped, never sent');
    assert.equal(flow.stats.gaps, 1);
    flow.ack();
    assert.deepEqual(drain(flow), ['K4/KG'], 'resumes at the keyframe; the player jumps over the hole');
    flow.ack();
    assert.deepEqual(drain(flow), ['p5'], 'and continues in order after it');
  });

  it('a keyframe behind a short wait does not skip anything (a round trip is not falling behind)', () => {
    const flow = new FragmentFlow({ credit: 1, skipAfterMs: 1000 });
    flow.offer(frag('K1'), 0);
    flow.offer(frag('p2'), 100);
    flow.offer(frag('K3'), 500);
    assert.deepEqual(drain(flow), ['K1/K']);
    flow.ack();
    flow.ack();
    assert.deepEqual(drain(flow), ['p2']);
    flow.ack();
    assert.deepEqual(drain(flow), ['K3/K']);
    assert.equal(flow.stats.skipped, 0);
  });

  it('never queues more than maxQueuedBytes: past it the tile drops to the next keyframe', () => {
    const flow = new FragmentFlow({ credit: 1, maxQueuedBytes: 1000, skipAfterMs: 60_000 });
    flow.offer(frag('K1'), 0);
    drain(flow); // K1 on the way, never acked
    for (let i = 2; i <= 30; i++) flow.offer(frag(`p${i}`, 300), i);
    assert.ok(flow.queued <= 3, `queue stays bounded (${flow.queued})`);
    assert.equal(flow.stats.skipped, 29, 'p2..p30: the ones queued when it overflowed and every non-keyframe after it');
    flow.offer(frag('K31'), 40);
    flow.offer(frag('p32'), 41);
    flow.ack();
    assert.deepEqual(drain(flow), ['K31/KG']);
    flow.ack();
    assert.deepEqual(drain(flow), ['p32']);
  });

  it('a new init segment (camera reconnect) drops what was queued of the old stream and goes first', () => {
    const flow = new FragmentFlow({ credit: 1 });
    flow.offer(init('old'), 0);
    flow.offer(frag('K1'), 0);
    flow.offer(frag('p2'), 0);
    assert.deepEqual(drain(flow), ['old/I']);
    flow.offer(init('new'), 10);
    flow.offer(frag('K9'), 10);
    flow.ack();
    assert.deepEqual(drain(flow), ['new/I'], 'the old init, K1 and p2 are gone; no gap flag across a new init');
    flow.ack();
    assert.deepEqual(drain(flow), ['K9/K']);
  });

  it('acks beyond what is on the way add no credit (chunks of a previous connection)', () => {
    const flow = new FragmentFlow({ credit: 2 });
    for (let i = 0; i < 5; i++) flow.ack();
    for (const n of ['K1', 'p2', 'p3']) flow.offer(frag(n), 0);
    assert.deepEqual(drain(flow), ['K1/K', 'p2']);
    assert.equal(flow.inFlight, 2);
  });
});
