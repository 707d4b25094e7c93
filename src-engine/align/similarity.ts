// Least-squares similarity transform (rotation, uniform scale, translation; no reflection) mapping source
// points onto destination points: the closed form of Umeyama (1991) in 2-D. With the 5 face landmarks
// and the ArcFace template this is the standard alignment; it also works with 3 or 4 points.
import type { Affine } from '../image/affine.ts';

export type Point = readonly [number, number];

/** Returns the map src -> dst minimising sum |dst_i - M src_i|^2, optionally weighted. */
export function similarityTransform(src: readonly Point[], dst: readonly Point[], weights?: readonly number[]): Affine {
  const n = src.length;
  if (n < 2 || dst.length !== n) throw new RangeError('need at least 2 point pairs of equal count');
  let sw = 0;
  let msx = 0;
  let msy = 0;
  let mdx = 0;
  let mdy = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    sw += w;
    msx += w * src[i][0];
    msy += w * src[i][1];
    mdx += w * dst[i][0];
    mdy += w * dst[i][1];
  }
  msx /= sw;
  msy /= sw;
  mdx /= sw;
  mdy /= sw;
  // With complex numbers z = x + iy, the best dst ≈ k * src has k = sum(conj(s) d) / sum(|s|^2).
  let re = 0;
  let im = 0;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? weights[i] : 1;
    const sx = src[i][0] - msx;
    const sy = src[i][1] - msy;
    const dx = dst[i][0] - mdx;
    const dy = dst[i][1] - mdy;
    re += w * (sx * dx + sy * dy);
    im += w * (sx * dy - sy * dx);
    ss += w * (sx * sx + sy * sy);
  }
  if (!(ss > 1e-12)) throw new RangeError('source points are degenerate (all equal)');
  const a = re / ss; // s cos θ
  const b = im / ss; // s sin θ
  return { a, b: -b, c: b, d: a, tx: mdx - (a * msx - b * msy), ty: mdy - (b * msx + a * msy) };
}
