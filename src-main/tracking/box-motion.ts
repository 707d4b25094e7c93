// Constant-velocity box filter (alpha-beta: a steady-state Kalman filter with fixed gains) over centre and size.
// Predicting where a face will be next frame is what keeps two people who cross from swapping tracks.
import type { Box } from './types.ts';

const ALPHA = 0.7; // how much a measurement corrects the predicted position
const BETA = 0.3; // how much it corrects the velocity
const SIZE_VELOCITY_DAMPING = 0.5; // size changes slowly; don't extrapolate a noisy size velocity

export class BoxMotion {
  // state: centre x, centre y, width, height, and their velocities (px/ms)
  #s: Float64Array;
  #v = new Float64Array(4);
  #t: number;
  #updates = 1;

  constructor(box: Box, at: number) {
    this.#s = Float64Array.of(box[0] + box[2] / 2, box[1] + box[3] / 2, box[2], box[3]);
    this.#t = at;
  }

  predict(at: number): Box {
    const dt = Math.max(0, at - this.#t);
    const cx = this.#s[0] + this.#v[0] * dt;
    const cy = this.#s[1] + this.#v[1] * dt;
    const w = Math.max(1, this.#s[2] + this.#v[2] * dt * SIZE_VELOCITY_DAMPING);
    const h = Math.max(1, this.#s[3] + this.#v[3] * dt * SIZE_VELOCITY_DAMPING);
    return [cx - w / 2, cy - h / 2, w, h];
  }

  update(box: Box, at: number): void {
    const dt = at - this.#t;
    if (dt <= 0) {
      this.#s.set([box[0] + box[2] / 2, box[1] + box[3] / 2, box[2], box[3]]);
      return;
    }
    const p = this.predict(at);
    const pred = [p[0] + p[2] / 2, p[1] + p[3] / 2, p[2], p[3]];
    const meas = [box[0] + box[2] / 2, box[1] + box[3] / 2, box[2], box[3]];
    for (let i = 0; i < 4; i++) {
      const r = meas[i] - pred[i];
      // Second sighting: take the observed velocity outright instead of creeping towards it.
      this.#v[i] = this.#updates === 1 ? (meas[i] - this.#s[i]) / dt : this.#v[i] + (BETA * r) / dt;
      this.#s[i] = pred[i] + ALPHA * r;
    }
    if (this.#updates === 1) this.#s.set(meas);
    this.#updates++;
    this.#t = at;
  }
}
