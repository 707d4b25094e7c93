// Session statistics of one camera connection. A superset of the contract's
// CameraStats (src-contract/schemas.ts): the host can hand `stats()` to the UI as is.
import type { CameraState } from '../../src-contract/camera-config.ts';
import type { CameraErrorCode } from './camera-error.ts';
import type { LiveFormat } from './live-view.ts';

export interface CameraSessionStats {
  session_id: string;
  camera_id: string;
  state: CameraState;
  started_at: string | null;
  established_at: string | null;
  last_frame_at: string | null;
  next_retry_at: string | null;
  // --- contract CameraStats
  /** Detection frames per second delivered over the last 5 s. */
  fps: number;
  /** Source frames seen (compressed frames when the reader can count them, else decoded frames). */
  frames_captured: number;
  frames_processed: number;
  /** Frames lost after capture: ring overflow (consumer too slow). */
  frames_dropped: number;
  /** Recent average of received − camera time; null when the source sends no time. */
  avg_latency_ms: number | null;
  reconnections: number;
  /** Time not live since start (connecting, error), ms. */
  downtime_ms: number;
  /** Compressed video bandwidth over the last 5 s; null when the reader cannot see it. */
  bandwidth_kbps: number | null;
  last_error: string | null;
  // --- more
  /** Detection frames put into the ring. */
  frames_queued: number;
  /** Frames that arrived damaged and were skipped (bad JPEGs, decoder errors). */
  frames_corrupt: number;
  /** Bytes skipped outside frames (noise, partial frames at join). */
  garbage_bytes: number;
  queue_depth: number;
  /** The source's own frame rate (nominal, or measured for push sources). */
  source_fps: number | null;
  codec: string | null;
  width: number | null;
  height: number | null;
  detect_width: number | null;
  detect_height: number | null;
  error_count: number;
  last_error_code: CameraErrorCode | null;
  consecutive_failures: number;
  /** CPU of the camera's ffmpeg process, % of one core; null for in-process readers or off Linux. */
  cpu_percent: number | null;
  live_formats: LiveFormat[];
  live_subscribers: number;
}
