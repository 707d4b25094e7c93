// Child process for the crash-safety test: writes snapshot + event rows as fast as it can and tells the parent
// (over IPC) the id of every event whose commit was acknowledged. The parent kill -9s it at a random moment.
import sharp from 'sharp';
import { openStore } from '../host-store.ts';

const dataDir = process.argv[2];
if (!dataDir || !process.send) throw new Error('usage: fork(crash-writer.ts, [dataDir]) with an IPC channel');
const send = process.send.bind(process);

const store = await openStore(dataDir);
store.cameras.create({ id: 'crash-cam', name: 'Crash cam', source: { type: 'file', path: '/dev/null' } });
const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#a0a0a0' } }).jpeg().toBuffer();
let seq = 0;

async function writeOne(): Promise<void> {
  const id = `trk_${process.pid}_${seq++}`;
  const at = Date.now();
  const face = await store.snapshots.writeJpeg(id, 'face', jpeg, at);
  await store.write(() => {
    store.events.insertPending({ id, cameraId: 'crash-cam', cameraName: 'Crash cam', startedAt: at, box: [1, 2, 30, 30], score: 0.9, frameWidth: 32, frameHeight: 32 });
    store.events.updateBest(id, { box: [1, 2, 30, 30], score: 0.9, frameWidth: 32, frameHeight: 32, faceSnapshot: face });
    store.eventLog.append({ type: 'detection', detectionId: id, cameraId: 'crash-cam' });
  });
  send({ ack: id });
}

async function worker(): Promise<void> {
  for (;;) await writeOne();
}

send({ ready: true });
// Several writers in flight so commits batch like the real pipeline's.
await Promise.all(Array.from({ length: 16 }, worker));
