// A small real child process that speaks the engine's message protocol (init → ready, ping → pong, request →
// response) and takes frames from the frame side channel like the engine does (src-engine/frame-channel.ts).
// Instead of analysing a frame it answers with its size and a checksum of every byte, so tests can prove that
// the pixels arrived intact and by which channel. `options.breakChannel: true` on a side-channel frame makes it
// close the channel without answering that frame (a broken channel). Used by frame-channel.test.ts and
// scripts/bench/frame-transport.ts (ECHO_CHECKSUM=0 there: answer at once, as cheap as possible).
import { connectFrameChannel } from '../../../src-engine/protocol.ts';

const checksum = process.env.ECHO_CHECKSUM !== '0';
const send = (m: unknown) => { if (process.connected) process.send!(m); };

function sum(data: Uint8Array): number {
  if (!checksum) return 0;
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length; i++) { a = (a + data[i]) % 65521; b = (b + a) % 65521; }
  return (b << 16) | a; // Adler-32
}

const answer = (id: number, frame: { width: number; height: number; channels: number; data: Uint8Array }, via: string) =>
  send({ type: 'response', id, ok: true, value: { via, width: frame.width, height: frame.height, channels: frame.channels, bytes: frame.data.byteLength, sum: sum(frame.data) } });

let broken = false;
const socket = connectFrameChannel(
  process.env,
  (f, release) => {
    if ((f.options as { breakChannel?: boolean } | undefined)?.breakChannel && !broken) {
      broken = true;
      socket?.destroy();
    } else {
      answer(f.id, f, 'channel');
    }
    release();
  },
  (err) => send({ type: 'channel_error', code: err.code, message: err.message }),
);

process.on('message', (m: { type: string; id?: number; op?: { op: string; frame: { width: number; height: number; channels: number; data: Uint8Array } } }) => {
  if (m.type === 'init') {
    send({ type: 'ready', info: { engine: 'echo', pid: process.pid, providers: ['cpu'], roles: {}, models: {}, warmup_ms: 0, embedding_dim: 1, verify_threshold: 0.5 } });
  } else if (m.type === 'ping') {
    send({ type: 'pong', id: m.id });
  } else if (m.type === 'request' && m.op?.op === 'analyze_frame') {
    answer(m.id!, m.op.frame, 'ipc');
  } else if (m.type === 'shutdown') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
