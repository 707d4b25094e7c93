// Latest detections per camera with a short TTL: the in-process stand-in for the spec's 3 s Redis cache. A camera
// that stops producing analysed frames drops out of `live.latest` after the TTL instead of showing stale boxes.
import type { LiveFrame } from '../../src-contract/schemas.ts';

export class LiveState {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #frames = new Map<string, { frame: LiveFrame; until: number }>();

  constructor(opts: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = opts.ttlMs ?? 3000;
    this.#now = opts.now ?? Date.now;
  }

  set(frame: LiveFrame): void {
    this.#frames.set(frame.camera_id, { frame, until: this.#now() + this.#ttlMs });
  }

  get(cameraId: string): LiveFrame | null {
    const e = this.#frames.get(cameraId);
    if (!e) return null;
    if (e.until <= this.#now()) {
      this.#frames.delete(cameraId);
      return null;
    }
    return e.frame;
  }

  latest(cameraId?: string): LiveFrame[] {
    if (cameraId !== undefined) {
      const f = this.get(cameraId);
      return f ? [f] : [];
    }
    const out: LiveFrame[] = [];
    for (const id of [...this.#frames.keys()]) {
      const f = this.get(id);
      if (f) out.push(f);
    }
    return out;
  }

  delete(cameraId: string): void {
    this.#frames.delete(cameraId);
  }
}
