// dlib's face chip (dlib/image_transforms/interpolation.h: get_face_chip_details + extract_image_chip), the
// alignment dlib_face_recognition_resnet_model_v1 was trained on: 150x150, padding 0.25.
//
// dlib aligns with its own 5-point shape model (both corners of each eye and the point under the nose).
// Our detector gives eye centres, the nose tip and the mouth corners (YuNet / RetinaFace points), so the
// template for our points is taken from the same normalised mean face that dlib's 5-point chip points are
// drawn from: dlib's 68-point mean face (mean_face_shape_x/y, iBUG points 17..67, the 68-point branch of
// get_face_chip_details). Its eye corners agree with the 5-point branch's constants within 0.003 of the
// chip side, so both point sets describe one face frame. Our points map to:
//   eye on the image's left  = mean of iBUG 36..41 (the subject's right eye contour)
//   eye on the image's right = mean of iBUG 42..47
//   nose tip                 = iBUG 30
//   mouth corners            = iBUG 48 (image left), 54 (image right)
// then to chip pixels by dlib's padding rule p' = (padding + p) / (1 + 2 padding) * size.
//
// dlib fits the similarity chip -> image (find_similarity_transform, least squares in image pixels) and then
// extracts through a rectangle of side size*scale - 1 spanning pixel centres 0..size-1 (centered_drect,
// get_mapping_to_chip); chipMap() reproduces that exactly, converting between dlib's integer pixel centres
// and the engine's continuous coordinates (pixel i covers [i, i+1)).
import type { Affine } from '../image/affine.ts';
import { similarityTransform, type Point } from '../align/similarity.ts';

export const DLIB_CHIP_SIZE = 150;
export const DLIB_CHIP_PADDING = 0.25;

/** dlib's mean face, iBUG points 17..67, normalised to the unpadded face square (interpolation.h). */
const MEAN_X = [
  0.000213256, 0.0752622, 0.18113, 0.29077, 0.393397, 0.586856, 0.689483, 0.799124, 0.904991, 0.98004, 0.490127, 0.490127, 0.490127, 0.490127, 0.36688, 0.426036,
  0.490127, 0.554217, 0.613373, 0.121737, 0.187122, 0.265825, 0.334606, 0.260918, 0.182743, 0.645647, 0.714428, 0.793132, 0.858516, 0.79751, 0.719335, 0.254149,
  0.340985, 0.428858, 0.490127, 0.551395, 0.639268, 0.726104, 0.642159, 0.556721, 0.490127, 0.423532, 0.338094, 0.290379, 0.428096, 0.490127, 0.552157, 0.689874,
  0.553364, 0.490127, 0.42689,
];
const MEAN_Y = [
  0.106454, 0.038915, 0.0187482, 0.0344891, 0.0773906, 0.0773906, 0.0344891, 0.0187482, 0.038915, 0.106454, 0.203352, 0.307009, 0.409805, 0.515625, 0.587326,
  0.609345, 0.628106, 0.609345, 0.587326, 0.216423, 0.178758, 0.179852, 0.231733, 0.245099, 0.244077, 0.231733, 0.179852, 0.178758, 0.216423, 0.244077, 0.245099,
  0.780233, 0.745405, 0.727388, 0.742578, 0.727388, 0.745405, 0.780233, 0.864805, 0.902192, 0.909281, 0.902192, 0.864805, 0.784792, 0.778746, 0.785343, 0.778746,
  0.784792, 0.824182, 0.831803, 0.824182,
];

/** dlib's 5-point chip constants (outer/inner corner of the image-right eye, of the image-left eye, under the nose). */
export const DLIB_FIVE_POINT_CHIP: readonly Point[] = [
  [0.8595674595992, 0.2134981538014],
  [0.6460604764104, 0.2289674387677],
  [0.1205750620789, 0.2137274526848],
  [0.3340850613712, 0.2290642403242],
  [0.4901123135679, 0.6277975316475],
];

/** iBUG 68 point i (17..67) of dlib's mean face, normalised */
export function meanFacePoint(i: number): Point {
  if (i < 17 || i > 67) throw new RangeError('dlib mean face holds iBUG points 17..67');
  return [MEAN_X[i - 17], MEAN_Y[i - 17]];
}

function meanOf(ids: number[]): Point {
  let x = 0;
  let y = 0;
  for (const i of ids) {
    const [px, py] = meanFacePoint(i);
    x += px;
    y += py;
  }
  return [x / ids.length, y / ids.length];
}

/** Our five points (eye image-left, eye image-right, nose tip, mouth image-left, image-right) in dlib's normalised face frame. */
export function normalisedFivePoints(): Point[] {
  return [meanOf([36, 37, 38, 39, 40, 41]), meanOf([42, 43, 44, 45, 46, 47]), meanFacePoint(30), meanFacePoint(48), meanFacePoint(54)];
}

/** dlib's padding rule: normalised face point -> chip pixel (dlib's integer pixel-centre coordinates). */
export function padded(p: Point, size = DLIB_CHIP_SIZE, padding = DLIB_CHIP_PADDING): Point {
  return [((padding + p[0]) / (2 * padding + 1)) * size, ((padding + p[1]) / (2 * padding + 1)) * size];
}

/** The manifest template: our five points in chip pixels (dlib coordinates, rounded to 1e-4 px). */
export function dlibFivePointTemplate(size = DLIB_CHIP_SIZE, padding = DLIB_CHIP_PADDING): Point[] {
  return normalisedFivePoints().map((p) => {
    const [x, y] = padded(p, size, padding);
    return [Math.round(x * 1e4) / 1e4, Math.round(y * 1e4) / 1e4] as Point;
  });
}

/**
 * dlib's chip extraction map in the engine's continuous coordinates: chip pixel -> image pixel, for
 * template points (chip pixels, dlib convention) and the matching image points (engine convention).
 */
export function chipMap(template: readonly Point[], image: readonly Point[], cols: number, rows: number): Affine {
  // dlib's pixel i is centred at i; ours at i + 0.5
  const img = image.map(([x, y]) => [x - 0.5, y - 0.5] as Point);
  const t = similarityTransform(template, img); // chip -> image, least squares in image pixels (find_similarity_transform)
  const scale = Math.hypot(t.a, t.c);
  const cos = t.a / scale;
  const sin = t.c / scale;
  // rect centre = tform(cols/2, rows/2); its corners (side cols*scale - 1) are the centres of chip pixels 0 and cols-1
  const cx = t.a * (cols / 2) + t.b * (rows / 2) + t.tx;
  const cy = t.c * (cols / 2) + t.d * (rows / 2) + t.ty;
  const kx = cols > 1 ? (cols * scale - 1) / (cols - 1) : scale;
  const ky = rows > 1 ? (rows * scale - 1) / (rows - 1) : scale;
  const ux = (cols - 1) / 2;
  const uy = (rows - 1) / 2;
  // dlib index map: X = C + R * diag(kx, ky) * (u - ux, v - uy); continuous: x_c = X(u_c - 0.5) + 0.5
  const a = cos * kx;
  const b = -sin * ky;
  const c = sin * kx;
  const d = cos * ky;
  return { a, b, c, d, tx: cx - a * (ux + 0.5) - b * (uy + 0.5) + 0.5, ty: cy - c * (ux + 0.5) - d * (uy + 0.5) + 0.5 };
}
