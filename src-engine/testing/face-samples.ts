// Real photos for tests and benchmarks: the group photos shipped in @vladmandic/face-api (MIT,
// devDependency) under demo/sample1..6.jpg, 1920 px wide, 3-5 people each. The face boxes below were
// annotated once (engine output at full resolution, every box checked by eye) and are used to compose
// test frames (faces cut out, scaled, pasted) with known ground truth. Faces 2 and 6 are very likely the
// same woman (cosine 0.53-0.62 between them, under 0.4 for every other pair): they share a person id.
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

export const SAMPLES_DIR = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');

export interface SampleFace {
  file: string;
  /** who it is: the photos come from one photo shoot and one woman appears in two of them */
  person: string;
  /** x, y, w, h in pixels of the photo (square, BlazeFace-style: brows to chin) */
  box: [number, number, number, number];
}

export const SAMPLE_FACES: SampleFace[] = [
  { file: 'sample1.jpg', person: 'p0', box: [420, 402, 191, 191] },
  { file: 'sample1.jpg', person: 'p1', box: [849, 464, 185, 185] },
  { file: 'sample1.jpg', person: 'p2', box: [1477, 256, 167, 167] },
  { file: 'sample2.jpg', person: 'p3', box: [307, 172, 255, 255] },
  { file: 'sample2.jpg', person: 'p4', box: [1456, 185, 201, 201] },
  { file: 'sample2.jpg', person: 'p5', box: [888, 280, 174, 174] },
  { file: 'sample3.jpg', person: 'p2', box: [1063, 261, 242, 242] },
  { file: 'sample3.jpg', person: 'p7', box: [1477, 347, 229, 229] },
  { file: 'sample3.jpg', person: 'p8', box: [581, 375, 226, 226] },
  { file: 'sample4.jpg', person: 'p9', box: [987, 222, 195, 195] },
  { file: 'sample4.jpg', person: 'p10', box: [247, 249, 180, 180] },
  { file: 'sample4.jpg', person: 'p11', box: [664, 125, 176, 176] },
  { file: 'sample4.jpg', person: 'p12', box: [1274, 207, 170, 170] },
  { file: 'sample5.jpg', person: 'p13', box: [342, 926, 242, 242] },
  { file: 'sample5.jpg', person: 'p14', box: [1400, 428, 230, 230] },
  { file: 'sample5.jpg', person: 'p15', box: [561, 460, 208, 208] },
  { file: 'sample5.jpg', person: 'p16', box: [769, 159, 179, 179] },
  { file: 'sample5.jpg', person: 'p17', box: [1112, 261, 178, 178] },
  { file: 'sample6.jpg', person: 'p18', box: [1467, 311, 243, 243] },
  { file: 'sample6.jpg', person: 'p19', box: [1141, 348, 241, 241] },
  { file: 'sample6.jpg', person: 'p20', box: [664, 380, 238, 238] },
  { file: 'sample6.jpg', person: 'p21', box: [236, 531, 234, 234] },
];

export function samplePath(file: string): string {
  return path.join(SAMPLES_DIR, file);
}
