// Real photos for tests and benchmarks: the group photos shipped in @vladmandic/face-api (MIT,
// devDependency) under demo/sample1..6.jpg, 1920 px wide, 3-5 people each. The face boxes below were
// annotated once (engine output at full resolution, every box checked by eye) and are used to compose
// test frames (faces cut out, scaled, pasted) with known ground truth.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const SAMPLES_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

export interface SampleFace {
  file: string;
  /** x, y, w, h in pixels of the photo (square, BlazeFace-style: brows to chin) */
  box: [number, number, number, number];
}

export const SAMPLE_FACES: SampleFace[] = [
  { file: 'sample1.jpg', box: [420, 402, 191, 191] },
  { file: 'sample1.jpg', box: [849, 464, 185, 185] },
  { file: 'sample1.jpg', box: [1477, 256, 167, 167] },
  { file: 'sample2.jpg', box: [307, 172, 255, 255] },
  { file: 'sample2.jpg', box: [1456, 185, 201, 201] },
  { file: 'sample2.jpg', box: [888, 280, 174, 174] },
  { file: 'sample3.jpg', box: [1063, 261, 242, 242] },
  { file: 'sample3.jpg', box: [1477, 347, 229, 229] },
  { file: 'sample3.jpg', box: [581, 375, 226, 226] },
  { file: 'sample4.jpg', box: [987, 222, 195, 195] },
  { file: 'sample4.jpg', box: [247, 249, 180, 180] },
  { file: 'sample4.jpg', box: [664, 125, 176, 176] },
  { file: 'sample4.jpg', box: [1274, 207, 170, 170] },
  { file: 'sample5.jpg', box: [342, 926, 242, 242] },
  { file: 'sample5.jpg', box: [1400, 428, 230, 230] },
  { file: 'sample5.jpg', box: [561, 460, 208, 208] },
  { file: 'sample5.jpg', box: [769, 159, 179, 179] },
  { file: 'sample5.jpg', box: [1112, 261, 178, 178] },
  { file: 'sample6.jpg', box: [1467, 311, 243, 243] },
  { file: 'sample6.jpg', box: [1141, 348, 241, 241] },
  { file: 'sample6.jpg', box: [664, 380, 238, 238] },
  { file: 'sample6.jpg', box: [236, 531, 234, 234] },
];

export function samplePath(file: string): string {
  return path.join(SAMPLES_DIR, file);
}
