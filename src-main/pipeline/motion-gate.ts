// Cheap motion detection for one camera, on a small grey copy of each detection frame (a cell grid, ~80 cells
// wide): frame differencing against a running-average background, with masks for busy regions (a clock, a tree,
// a screen). It decides nothing by itself: the work planner combines its answer with the live tracks.
//
// Cost: one pass over ~1/16 of the frame's pixels (4 samples per cell) and a few thousand cells, no allocation
// per frame after the first (grid buffers are reallocated only when the frame size changes).

/** A rectangle in frame pixels: x, y, width, height. */
export type Rect = [number, number, number, number];

/** A masked region in fractions of the frame (0..1): x, y, width, height. */
export type MaskRect = [number, number, number, number];

export interface MotionOptions {
  /** Cells across the grey copy (its height follows the frame's aspect ratio). */
  gridWidth: number;
  /** Grey-level difference (0-255) from the background that marks a cell as changed. */
  cellThreshold: number;
  /** Changed cells (fraction of unmasked cells) above which the frame has motion. 0.002 ≈ 7 cells of 80×45. */
  minChangedFraction: number;
  /** Background learning rate per frame for cells that did not change (and a quarter of it for those that did,
   *  so a person who stops is absorbed slowly while lighting drifts are followed quickly). */
  learnRate: number;
  masks: MaskRect[];
}

export const DEFAULT_MOTION: MotionOptions = { gridWidth: 80, cellThreshold: 14, minChangedFraction: 0.002, learnRate: 0.08, masks: [] };

export interface MotionResult {
  motion: boolean;
  /** Changed fraction of the unmasked cells. */
  changed: number;
  /** Bounding boxes of changed areas in frame pixels (grid-row runs merged; at most a few). */
  regions: Rect[];
}

export class MotionGate {
  readonly #o: MotionOptions;
  #gw = 0;
  #gh = 0;
  #fw = 0;
  #fh = 0;
  #grey = new Uint8Array(0);
  #bg = new Float32Array(0);
  #mask = new Uint8Array(0);
  #changed = new Uint8Array(0);
  #unmasked = 0;
  #primed = false;
  #rowOff = new Int32Array(0);
  #colOff = new Int32Array(0);
  #offsetChannels = 0;

  constructor(options: Partial<MotionOptions> = {}) {
    this.#o = { ...DEFAULT_MOTION, ...options, masks: [...(options.masks ?? DEFAULT_MOTION.masks)] };
    if (!(this.#o.gridWidth >= 8 && this.#o.learnRate > 0 && this.#o.learnRate <= 1)) throw new RangeError('motion gridWidth >= 8 and 0 < learnRate <= 1');
  }

  /** Forget the background (camera reconnected, scene changed). */
  reset(): void {
    this.#primed = false;
  }

  /** Replaces the masks (the camera's settings changed); the learnt background is kept. */
  setMasks(masks: MaskRect[]): void {
    this.#o.masks = masks.map((m) => [...m] as MaskRect);
    this.#applyMasks();
  }

  /** Packed rgb24 (3 bytes a pixel) or grey (1 byte) frame of width × height. */
  observe(data: Uint8Array, width: number, height: number, channels: 1 | 3 = 3): MotionResult {
    if (width !== this.#fw || height !== this.#fh) this.#resize(width, height);
    this.#sample(data, width, channels);
    const { cellThreshold, learnRate } = this.#o;
    const grey = this.#grey;
    const bg = this.#bg;
    const mask = this.#mask;
    const changed = this.#changed;
    if (!this.#primed) {
      for (let i = 0; i < grey.length; i++) bg[i] = grey[i];
      changed.fill(0);
      this.#primed = true;
      // No background yet: treat the first frame as motion so a face already in view is looked at.
      return { motion: true, changed: 1, regions: [[0, 0, width, height]] };
    }
    let n = 0;
    for (let i = 0; i < grey.length; i++) {
      const d = grey[i] - bg[i];
      const c = mask[i] === 0 && (d > cellThreshold || d < -cellThreshold) ? 1 : 0;
      changed[i] = c;
      n += c;
      bg[i] += (c ? learnRate * 0.25 : learnRate) * d;
    }
    const fraction = this.#unmasked ? n / this.#unmasked : 0;
    const motion = fraction >= this.#o.minChangedFraction && n > 0;
    return { motion, changed: fraction, regions: motion ? this.#regions() : [] };
  }

  #resize(width: number, height: number): void {
    this.#fw = width;
    this.#fh = height;
    this.#gw = Math.min(this.#o.gridWidth, width);
    this.#gh = Math.max(1, Math.round((this.#gw * height) / width));
    const cells = this.#gw * this.#gh;
    this.#grey = new Uint8Array(cells);
    this.#bg = new Float32Array(cells);
    this.#changed = new Uint8Array(cells);
    this.#mask = new Uint8Array(cells);
    this.#rowOff = new Int32Array(2 * this.#gh);
    this.#colOff = new Int32Array(2 * this.#gw);
    this.#offsetChannels = 0;
    this.#applyMasks();
    this.#primed = false;
  }

  /** Marks the cells any mask touches (a cell partly covered is masked: a swaying branch spills over edges). */
  #applyMasks(): void {
    const cells = this.#gw * this.#gh;
    if (cells === 0) return;
    this.#mask.fill(0);
    for (const [mx, my, mw, mh] of this.#o.masks) {
      const x0 = Math.max(0, Math.floor(mx * this.#gw));
      const y0 = Math.max(0, Math.floor(my * this.#gh));
      const x1 = Math.min(this.#gw, Math.ceil((mx + mw) * this.#gw));
      const y1 = Math.min(this.#gh, Math.ceil((my + mh) * this.#gh));
      for (let y = y0; y < y1; y++) this.#mask.fill(1, y * this.#gw + x0, y * this.#gw + Math.max(x0, x1));
    }
    let masked = 0;
    for (let i = 0; i < cells; i++) masked += this.#mask[i];
    this.#unmasked = cells - masked;
  }

  /** Grey level of each cell: the mean of 4 pixels spread over the cell (green-weighted luma approximation). */
  #sample(data: Uint8Array, width: number, channels: 1 | 3): void {
    const gw = this.#gw;
    const gh = this.#gh;
    const grey = this.#grey;
    if (channels !== this.#offsetChannels) this.#offsets(width, channels);
    const rows = this.#rowOff;
    const cols = this.#colOff;
    for (let gy = 0; gy < gh; gy++) {
      const ya = rows[2 * gy];
      const yb = rows[2 * gy + 1];
      const o = gy * gw;
      for (let gx = 0; gx < gw; gx++) {
        const xa = cols[2 * gx];
        const xb = cols[2 * gx + 1];
        let s: number;
        if (channels === 1) s = data[ya + xa] + data[ya + xb] + data[yb + xa] + data[yb + xb];
        else {
          // (R + 2G + B) / 4 per pixel, summed over 4 pixels then / 4.
          s = (lum(data, ya + xa) + lum(data, ya + xb) + lum(data, yb + xa) + lum(data, yb + xb)) >> 2;
        }
        grey[o + gx] = s >> 2;
      }
    }
  }

  /** Byte offsets of the 2 sample rows of each grid row and the 2 sample columns of each grid column (per size). */
  #offsets(width: number, channels: 1 | 3): void {
    const cw = this.#fw / this.#gw;
    const ch = this.#fh / this.#gh;
    const stride = width * channels;
    for (let gy = 0; gy < this.#gh; gy++) {
      this.#rowOff[2 * gy] = Math.floor((gy + 0.25) * ch) * stride;
      this.#rowOff[2 * gy + 1] = Math.floor((gy + 0.75) * ch) * stride;
    }
    for (let gx = 0; gx < this.#gw; gx++) {
      this.#colOff[2 * gx] = Math.floor((gx + 0.25) * cw) * channels;
      this.#colOff[2 * gx + 1] = Math.floor((gx + 0.75) * cw) * channels;
    }
    this.#offsetChannels = channels;
  }

  /** Changed cells grouped into boxes: runs on each grid row, merged with overlapping boxes of the row above. */
  #regions(): Rect[] {
    const gw = this.#gw;
    const gh = this.#gh;
    const c = this.#changed;
    const boxes: Array<[number, number, number, number]> = []; // x0, y0, x1, y1 in cells (inclusive)
    for (let y = 0; y < gh; y++) {
      let x = 0;
      while (x < gw) {
        if (!c[y * gw + x]) { x++; continue; }
        const x0 = x;
        while (x < gw && c[y * gw + x]) x++;
        const x1 = x - 1;
        // Merge with a box that touches this run (1 cell of slack: a face is rarely solid at this scale).
        const hit = boxes.find((b) => b[3] >= y - 2 && b[0] <= x1 + 2 && b[2] >= x0 - 2);
        if (hit) { hit[0] = Math.min(hit[0], x0); hit[2] = Math.max(hit[2], x1); hit[3] = y; }
        else boxes.push([x0, y, x1, y]);
      }
    }
    const sx = this.#fw / gw;
    const sy = this.#fh / gh;
    return mergeOverlapping(boxes.map(([x0, y0, x1, y1]) => [x0 * sx, y0 * sy, (x1 - x0 + 1) * sx, (y1 - y0 + 1) * sy] as Rect));
  }
}

function lum(d: Uint8Array, i: number): number {
  return d[i] + 2 * d[i + 1] + d[i + 2];
}

/** Merges rectangles that overlap until none do. */
export function mergeOverlapping(rects: Rect[]): Rect[] {
  const out = rects.map((r) => [...r] as Rect);
  for (let merged = true; merged;) {
    merged = false;
    for (let i = 0; i < out.length && !merged; i++) {
      for (let j = i + 1; j < out.length; j++) {
        if (overlaps(out[i], out[j])) {
          out[i] = union(out[i], out[j]);
          out.splice(j, 1);
          merged = true;
          break;
        }
      }
    }
  }
  return out;
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3];
}

export function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a[0], b[0]);
  const y = Math.min(a[1], b[1]);
  return [x, y, Math.max(a[0] + a[2], b[0] + b[2]) - x, Math.max(a[1] + a[3], b[1] + b[3]) - y];
}
