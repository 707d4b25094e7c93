// A decoded detection frame as it leaves the camera layer (one frame schema for every source): packed RGB
// (rgb24, row-major, no row padding; the engine's Frame layout) plus identity and timing.
import type { FrameLease } from './frame-pool.ts';

export interface CameraFrame {
  /** Unique across restarts of the camera: `<session id>-<seq>`. */
  frame_id: string;
  camera_id: string;
  /** Monotonic per camera session, starting at 1; gaps mean frames were dropped. */
  seq: number;
  /** Capture time claimed by the source (epoch ms), when it sends one. */
  camera_timestamp: number | null;
  /** When the decoded frame reached the host (epoch ms): the source of truth for ordering and latency (camera clocks drift). */
  received_timestamp: number;
  /** received − camera, when the camera time is known. */
  latency_ms: number | null;
  /** Presentation time in the camera's fMP4 live video (seconds), when the reader knows it; else null. */
  media_time_s: number | null;
  width: number;
  height: number;
  channels: 3;
  format: 'rgb24';
  data: Uint8Array;
  /**
   * Set when the pixels are a pooled buffer (frame-pool.ts): whoever took the frame from the session (nextFrame)
   * holds one reference and gives it back with releaseFrame; whoever keeps it longer takes one (retainFrame).
   * `data` then throws once every holder released it. Absent: the frame owns its pixels.
   */
  lease?: FrameLease;
}
