// Head pose from the 5 landmarks: fit a weak-perspective camera to a generic 3-D face (the ArcFace
// template points with typical depths), then read yaw / pitch / roll from the rotation. Coarse (a few
// degrees), which is what a quality gate needs: it tells a frontal face from a profile.

// Frontal face as the engine's own landmarks see it (x right, y down, z towards the camera; nose tip at
// the origin; units of 0.1 template pixel): the mean of 92 faces (faces-dev and the sample photos)
// aligned to the ArcFace template, made symmetric. BlazeFace's nose tip sits lower and the 68-point mouth
// corners higher than the template's points, so the template itself would read every face as pitched.
// Depths: eyes ~0.5 and mouth corners ~0.36 of the inter-ocular distance behind the nose tip (adult
// head proportions: pupils 63 mm apart, nose tip ~32 mm in front of them).
const MODEL: readonly (readonly [number, number, number])[] = [
  [-188, -223, -190],
  [188, -223, -190],
  [0, 0, 0],
  [-161, 136, -135],
  [161, 136, -135],
];

export interface Pose {
  yaw: number;
  pitch: number;
  roll: number;
}

const DEG = 180 / Math.PI;

/** five: 10 numbers (x, y of left eye, right eye, nose, left mouth, right mouth) in image pixels. */
export function estimatePose(five: Float32Array): Pose {
  const n = 5;
  let mu = 0;
  let mv = 0;
  const mx = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    mu += five[2 * i] / n;
    mv += five[2 * i + 1] / n;
    for (let k = 0; k < 3; k++) mx[k] += MODEL[i][k] / n;
  }
  // Least squares M (2x3) with u ≈ M X (centred): M = (U^T X)(X^T X)^-1.
  const A = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const B = [
    [0, 0, 0],
    [0, 0, 0],
  ];
  for (let i = 0; i < n; i++) {
    const x = [MODEL[i][0] - mx[0], MODEL[i][1] - mx[1], MODEL[i][2] - mx[2]];
    const u = five[2 * i] - mu;
    const v = five[2 * i + 1] - mv;
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) A[r][c] += x[r] * x[c];
      B[0][r] += u * x[r];
      B[1][r] += v * x[r];
    }
  }
  const Ai = invert3(A);
  const r1 = mulRow(B[0], Ai);
  const r2 = mulRow(B[1], Ai);
  normalise(r1);
  const d = dot(r1, r2);
  for (let k = 0; k < 3; k++) r2[k] -= d * r1[k];
  normalise(r2);
  const r3 = [r1[1] * r2[2] - r1[2] * r2[1], r1[2] * r2[0] - r1[0] * r2[2], r1[0] * r2[1] - r1[1] * r2[0]];
  // R = Rz(roll) Rx(pitch) Ry(yaw): third row is (-cos p sin y, sin p, cos p cos y).
  const pitch = Math.asin(Math.max(-1, Math.min(1, r3[1])));
  const yaw = Math.atan2(-r3[0], r3[2]);
  const roll = Math.atan2(-r1[1], r2[1]);
  return { yaw: finite(yaw * DEG), pitch: finite(pitch * DEG), roll: finite(roll * DEG) };
}

function finite(v: number): number {
  return Number.isFinite(v) ? Math.round(v * 10) / 10 : 0;
}

function dot(a: number[], b: number[]): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

function normalise(a: number[]): void {
  const l = Math.hypot(a[0], a[1], a[2]) || 1;
  a[0] /= l;
  a[1] /= l;
  a[2] /= l;
}

function mulRow(row: number[], m: number[][]): number[] {
  return [0, 1, 2].map((c) => row[0] * m[0][c] + row[1] * m[1][c] + row[2] * m[2][c]);
}

function invert3(m: number[][]): number[][] {
  const [a, b, c] = m[0];
  const [d, e, f] = m[1];
  const [g, h, i] = m[2];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  const k = 1 / det;
  return [
    [A * k, -(b * i - c * h) * k, (b * f - c * e) * k],
    [B * k, (a * i - c * g) * k, -(a * f - c * d) * k],
    [C * k, -(a * h - b * g) * k, (a * e - b * d) * k],
  ];
}
