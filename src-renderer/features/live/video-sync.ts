// Puts the live overlay on the picture actually on screen. The host's one ffmpeg per camera produces both the
// fMP4 live stream and the frames it analyses, but they reach the browser at different times: a fragment as soon
// as it is complete, a detection only after the engine has analysed its frame (hundreds of ms on a busy machine).
// Playing the video at the live edge therefore shows boxes trailing the faces. So:
//  1. the player holds the video back by the detection latency (holdS), so detections exist for what is shown;
//  2. the overlay draws the detections of the moment on screen: cameraTimeAt(video.currentTime).
// Media time → local clock: a fragment arrives right after its last frame was produced, so the lowest
// (arrival − end of buffered media) seen is the offset between them. Camera time → local clock: captured_at_ms is
// the host's clock, which is this machine's clock (or NTP-synced); when the lowest detection delay says otherwise
// (negative, or many seconds), that delay is taken as the clock difference instead.

export interface VideoSyncOptions {
  /** Most the video is held back, ms (beyond it boxes are allowed to trail rather than delay the picture more). */
  maxHoldMs?: number;
  /** Margin added to the hold, ms. */
  marginMs?: number;
  /** Samples kept for the minimum/percentile estimates. */
  window?: number;
}

const CLOCK_SKEW_MS = 3000;

export class VideoSync {
  private readonly o: Required<VideoSyncOptions>;
  private readonly fragOffsets: number[] = [];
  private readonly delays: number[] = [];
  private lastCaptured: number | null = null;
  private lastDetectionAt = -Infinity;
  private interval = 200;

  constructor(opts: VideoSyncOptions = {}) {
    this.o = { maxHoldMs: 3000, marginMs: 120, window: 40, ...opts };
  }

  /** A media fragment finished arriving at local time `arrivalMs`; the buffered media now ends at `bufferedEndS`. */
  noteFragment(arrivalMs: number, bufferedEndS: number): void {
    push(this.fragOffsets, arrivalMs - bufferedEndS * 1000, this.o.window);
  }

  /** The stream restarted (new init segment): media time starts over. */
  resetVideo(): void {
    this.fragOffsets.length = 0;
  }

  /** A detection frame captured at camera time `capturedAtMs` arrived at local time `arrivalMs`. */
  noteDetection(arrivalMs: number, capturedAtMs: number): void {
    push(this.delays, arrivalMs - capturedAtMs, this.o.window);
    if (this.lastCaptured !== null) {
      const dt = capturedAtMs - this.lastCaptured;
      if (dt > 0 && dt < 2000) this.interval = this.interval * 0.8 + dt * 0.2;
    }
    this.lastCaptured = capturedAtMs;
    this.lastDetectionAt = arrivalMs;
  }

  /** Estimated (camera clock − local clock), ms: 0 unless the detection delays show the clocks disagree. */
  private skew(): number {
    if (this.delays.length === 0) return 0;
    const min = Math.min(...this.delays);
    return min < 0 || min > CLOCK_SKEW_MS ? -min : 0;
  }

  /** Camera time of the picture at media time `mediaS`, or null before the stream's timing is known. */
  cameraTimeAt(mediaS: number): number | null {
    if (this.fragOffsets.length === 0 || this.delays.length === 0) return null;
    return mediaS * 1000 + Math.min(...this.fragOffsets) + this.skew();
  }

  /**
   * Seconds the playhead should stay behind the newest buffered frame: the detection delay (90th percentile)
   * plus one detection interval, so the frame on screen has analysed frames on both sides. 0 when no detection
   * frame came recently (detection stopped): then the video plays at the live edge.
   */
  holdS(nowMs: number): number {
    if (this.delays.length === 0 || nowMs - this.lastDetectionAt > 3000) return 0;
    const skew = this.skew();
    const sorted = this.delays.map((d) => d + skew).sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.9))];
    return Math.min(this.o.maxHoldMs, Math.max(0, p90 + this.interval + this.o.marginMs)) / 1000;
  }
}

function push(list: number[], v: number, max: number): void {
  list.push(v);
  if (list.length > max) list.shift();
}
