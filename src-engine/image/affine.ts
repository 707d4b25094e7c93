// 2-D affine maps in continuous pixel coordinates: pixel i covers [i, i+1), its centre is i + 0.5.
// Every crop, tile, letterbox and face alignment in the engine is one of these, so coordinates move
// between frame, pyramid level and model input through a single convention.

/** x' = a*x + b*y + tx ; y' = c*x + d*y + ty */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  tx: number;
  ty: number;
}

export const IDENTITY: Affine = { a: 1, b: 0, c: 0, d: 1, tx: 0, ty: 0 };

export function apply(m: Affine, x: number, y: number): [number, number] {
  return [m.a * x + m.b * y + m.tx, m.c * x + m.d * y + m.ty];
}

/** (p ∘ q)(v) = p(q(v)) */
export function compose(p: Affine, q: Affine): Affine {
  return {
    a: p.a * q.a + p.b * q.c,
    b: p.a * q.b + p.b * q.d,
    c: p.c * q.a + p.d * q.c,
    d: p.c * q.b + p.d * q.d,
    tx: p.a * q.tx + p.b * q.ty + p.tx,
    ty: p.c * q.tx + p.d * q.ty + p.ty,
  };
}

export function invert(m: Affine): Affine {
  const det = m.a * m.d - m.b * m.c;
  if (!Number.isFinite(det) || Math.abs(det) < 1e-12) throw new RangeError('affine map is not invertible');
  const a = m.d / det;
  const b = -m.b / det;
  const c = -m.c / det;
  const d = m.a / det;
  return { a, b, c, d, tx: -(a * m.tx + b * m.ty), ty: -(c * m.tx + d * m.ty) };
}

/** Axis-aligned map: uniform scale s then offset (used for tiles and letterboxes). */
export function scaleOffset(s: number, tx: number, ty: number): Affine {
  return { a: s, b: 0, c: 0, d: s, tx, ty };
}

/** Linear scale factor of a similarity/affine map (geometric mean of the axes). */
export function scaleOf(m: Affine): number {
  return Math.sqrt(Math.abs(m.a * m.d - m.b * m.c));
}
