// Frozen camera frames for enrolment from a live camera: `cameras.capture` keeps the frame and the faces the
// engine found in it; `persons.enrolCapture` later picks one face by index. Held in memory only, for a few
// minutes, because they are pictures of whoever stood in front of the camera.
import { randomUUID } from 'node:crypto';
import type { CameraFrame } from '../camera/camera-frame.ts';
import type { EngineFace } from '../engine-host/engine-wire.ts';

export interface Capture {
  id: string;
  cameraId: string;
  frame: CameraFrame;
  faces: EngineFace[];
  at: number;
}

export class CaptureStore {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #items = new Map<string, Capture>();

  constructor(opts: { ttlMs?: number; max?: number; now?: () => number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 10 * 60_000;
    this.#max = opts.max ?? 20;
    this.#now = opts.now ?? Date.now;
  }

  put(c: Omit<Capture, 'id' | 'at'>): Capture {
    this.#expire();
    const capture: Capture = { ...c, id: `cap_${randomUUID().replace(/-/g, '')}`, at: this.#now() };
    this.#items.set(capture.id, capture);
    while (this.#items.size > this.#max) this.#items.delete(this.#items.keys().next().value as string);
    return capture;
  }

  get(id: string): Capture | null {
    this.#expire();
    return this.#items.get(id) ?? null;
  }

  delete(id: string): void {
    this.#items.delete(id);
  }

  #expire(): void {
    const cutoff = this.#now() - this.#ttlMs;
    for (const [id, c] of this.#items) {
      if (c.at >= cutoff) break;
      this.#items.delete(id);
    }
  }
}
