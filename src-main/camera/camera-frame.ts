// A decoded detection frame as it leaves the camera layer (one frame schema for every source): packed RGB
// (rgb24, row-major, no row padding; the engine's Frame layout) plus identity and timing.

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
}
