// Per-camera face tracks for the live overlay. Detection frames arrive a few times a second; the overlay redraws
// every animation frame. To move boxes smoothly without guessing ahead (which is what makes boxes drift), the
// overlay renders a little in the past and interpolates between the two detection frames around that moment.
// Camera timestamps (captured_at_ms) give the spacing between frames without network jitter; they are mapped to
// the local clock through the smallest arrival delay seen, so a camera clock offset does not matter.
import type { LiveFrame } from '../../../src-contract/schemas.ts';
import { lerpBox } from './overlay-geometry.ts';
import type { Box } from './overlay-geometry.ts';

type LiveFace = LiveFrame['faces'][number];

export interface DrawnFace {
  trackId: string;
  box: Box;
  frameW: number;
  frameH: number;
  /** Shown name; null while the decision is pending or the face is unknown. */
  name: string | null;
  decision: LiveFace['decision'];
  watchlist: boolean;
  confidence: number | null;
}

interface Sample { t: number; box: Box }

/** Detection history kept per track, ms of camera time. */
const KEEP_MS = 4000;
interface Track { samples: Sample[]; face: LiveFace; frameW: number; frameH: number; endedAt: number | null; lastArrival: number }

export interface FaceTrackOptions {
  /** A track with no update for this long disappears even if no frame said so. */
  expireMs?: number;
  /** Upper bound of the render delay (the delay follows the detection interval). */
  maxDelayMs?: number;
}

export class FaceTracks {
  private readonly tracks = new Map<string, Track>();
  private offset: number | null = null;
  private lastSeq = -1;
  private lastCaptured: number | null = null;
  private interval = 200;
  private readonly expireMs: number;
  private readonly maxDelayMs: number;

  constructor(opts: FaceTrackOptions = {}) {
    this.expireMs = opts.expireMs ?? 1000;
    this.maxDelayMs = opts.maxDelayMs ?? 400;
  }

  /** Adds one detection frame received at local time `nowMs`. Out-of-order frames are ignored. */
  ingest(frame: LiveFrame, nowMs: number): void {
    if (frame.seq <= this.lastSeq && this.lastSeq - frame.seq < 1000) return; // a large drop means the host restarted
    this.lastSeq = frame.seq;
    const delay = nowMs - frame.captured_at_ms;
    // Lowest delay seen = best estimate of the clock offset; a jump of over 2 s means a clock change: reset.
    if (this.offset === null || delay < this.offset || delay - this.offset > 2000) this.offset = delay;
    const t = frame.captured_at_ms; // samples stay in camera time; sample() maps the local clock onto it
    if (this.lastCaptured !== null) {
      const dt = frame.captured_at_ms - this.lastCaptured;
      if (dt > 0 && dt < 2000) this.interval = this.interval * 0.8 + dt * 0.2;
    }
    this.lastCaptured = frame.captured_at_ms;

    const seen = new Set<string>();
    for (const face of frame.faces) {
      seen.add(face.track_id);
      let track = this.tracks.get(face.track_id);
      if (!track || track.endedAt !== null) {
        track = { samples: [], face, frameW: frame.frame_width, frameH: frame.frame_height, endedAt: null, lastArrival: nowMs };
        this.tracks.set(face.track_id, track);
      }
      track.face = face;
      track.frameW = frame.frame_width;
      track.frameH = frame.frame_height;
      track.lastArrival = nowMs;
      track.samples.push({ t, box: face.box });
      // Enough history for a video held a few seconds behind the detections (see video-sync.ts).
      while (track.samples.length > 64 || t - track.samples[0].t > KEEP_MS) track.samples.shift();
    }
    // A track missing from a newer frame has left; it is removed once rendering reaches this frame's time.
    for (const [id, track] of this.tracks) if (!seen.has(id) && track.endedAt === null) track.endedAt = t;
  }

  /** Render delay currently applied, ms. */
  get delayMs(): number { return Math.min(this.maxDelayMs, this.interval); }

  /** Faces to draw at local time `nowMs` (one detection interval in the past); also forgets ended or expired tracks. */
  sample(nowMs: number): DrawnFace[] {
    return this.offset === null ? [] : this.sampleAt(nowMs - this.offset - this.delayMs, nowMs);
  }

  /**
   * Faces as they were at camera time `atMs` (the capture time of the picture on screen, when the video tells it:
   * see video-sync.ts); `nowMs` is the local time, for expiry.
   */
  sampleAt(atMs: number, nowMs: number, opts: { hideFuture?: boolean } = {}): DrawnFace[] {
    const at = atMs;
    const out: DrawnFace[] = [];
    for (const [id, track] of this.tracks) {
      if ((track.endedAt !== null && at >= track.endedAt) || nowMs - track.lastArrival > Math.max(this.expireMs, this.interval * 1.5)) {
        this.tracks.delete(id);
        continue;
      }
      const s = track.samples;
      // A face first detected after the moment shown is not on that picture yet.
      if (opts.hideFuture && at < s[0].t - this.interval / 2) continue;
      // No stale boxes: past a track's last sample nothing says where the face is. Once a newer frame came without
      // it (it left, or the tracker gave it a new id) it goes half an interval after its last sample; with no
      // newer frame at all (stream stalled) after one and a half intervals. Kept until endedAt/expiry for cleanup.
      const last = s[s.length - 1].t;
      if (at > last + this.interval * (track.endedAt !== null ? 0.5 : 1.5)) continue;
      let box = s[s.length - 1].box;
      if (at <= s[0].t) box = s[0].box;
      else {
        for (let i = s.length - 1; i > 0; i--) {
          if (at >= s[i - 1].t && at <= s[i].t) {
            const span = s[i].t - s[i - 1].t;
            box = span > 0 ? lerpBox(s[i - 1].box, s[i].box, (at - s[i - 1].t) / span) : s[i].box;
            break;
          }
        }
      }
      const f = track.face;
      out.push({
        trackId: id, box, frameW: track.frameW, frameH: track.frameH,
        name: f.decision === 'recognized' ? f.name : null, decision: f.decision, watchlist: f.watchlist, confidence: f.confidence,
      });
    }
    return out;
  }

  get size(): number { return this.tracks.size; }

  clear(): void {
    this.tracks.clear();
    this.lastSeq = -1;
    this.offset = null;
    this.lastCaptured = null;
  }
}
