// Boxes and names over the live picture, from the `live.frame` topic. Drawn on a canvas every animation frame
// (interpolated, see face-tracks.ts); the faces on screen are also listed as text (data-face-label) for
// screen readers and tests.
import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/client.ts';
import { FaceTracks } from './face-tracks.ts';
import type { DrawnFace } from './face-tracks.ts';
import { containRect, mapBox } from './overlay-geometry.ts';
import type { MediaElement } from './LiveVideo.tsx';
import type { VideoSync } from './video-sync.ts';

interface Label { key: string; label: string; decision: DrawnFace['decision']; watchlist: boolean }

const COLORS = { recognized: '#34d399', unknown: '#f87171', pending: '#93c5fd', watchlist: '#f472b6' };

/** Frames that carry their media time are drawn on the video frame they were analysed on. */
interface VideoFrameMeta { mediaTime: number }
type RvfcVideo = HTMLVideoElement & { requestVideoFrameCallback?: (cb: (now: number, meta: VideoFrameMeta) => void) => number; cancelVideoFrameCallback?: (h: number) => void };

function intrinsicSize(el: MediaElement | null): [number, number] | null {
  if (!el) return null;
  if (el instanceof HTMLVideoElement) return el.videoWidth > 0 ? [el.videoWidth, el.videoHeight] : null;
  return el.naturalWidth > 0 ? [el.naturalWidth, el.naturalHeight] : null;
}

export function FaceOverlay({ cameraId, cameraName, mediaRef, active, sync }: {
  cameraId: string; cameraName: string; mediaRef: RefObject<MediaElement | null>; active: boolean; sync?: VideoSync;
}) {
  const { t } = useTranslation();
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const tracksRef = useRef(new FaceTracks());
  // The same detections on the video's own timeline (LiveFrame.media_time_s, ms), when the host sends it.
  const mediaTracksRef = useRef(new FaceTracks());
  const [labels, setLabels] = useState<Label[]>([]);
  const unknownText = t('live.unknown');
  const pendingText = t('live.identifying');

  useEffect(() => {
    if (!active) return;
    const tracks = tracksRef.current;
    const mediaTracks = mediaTracksRef.current;
    tracks.clear();
    mediaTracks.clear();
    let lastMediaS = -Infinity;
    // The frame on screen, from requestVideoFrameCallback (exact) or else video.currentTime.
    let rvfcVideo: RvfcVideo | null = null;
    let rvfcHandle = 0;
    let shown: { el: HTMLVideoElement; mediaS: number } | null = null;
    const watchVideo = (media: MediaElement | null) => {
      if (!(media instanceof HTMLVideoElement) || media === rvfcVideo) return;
      const v = media as RvfcVideo;
      if (rvfcVideo && rvfcHandle) rvfcVideo.cancelVideoFrameCallback?.(rvfcHandle);
      rvfcVideo = v;
      rvfcHandle = 0;
      shown = null;
      if (!v.requestVideoFrameCallback) return;
      const onFrame = (_now: number, meta: VideoFrameMeta) => {
        if (rvfcVideo !== v) return;
        shown = { el: v, mediaS: meta.mediaTime };
        if (!raf) raf = requestAnimationFrame(draw);
        rvfcHandle = v.requestVideoFrameCallback!(onFrame);
      };
      rvfcHandle = v.requestVideoFrameCallback(onFrame);
    };
    const canvas = canvasRef.current!;
    const ctx = canvas.getContext('2d');
    let raf = 0;
    let lastKey = '';
    let drawn = false;

    const draw = () => {
      raf = 0;
      const now = performance.now();
      // A playing video says which moment it shows: draw the detections of that moment. Otherwise (JPEG
      // pictures, video not started) draw one detection interval in the past.
      const media = mediaRef.current;
      watchVideo(media);
      const playing = media instanceof HTMLVideoElement && media.readyState >= 2;
      let faces: DrawnFace[];
      if (playing && mediaTracks.size > 0) {
        // Boxes of the video frame on screen: detections carry that frame's media time.
        const mediaS = shown && shown.el === media ? shown.mediaS : media.currentTime;
        faces = mediaTracks.sampleAt(mediaS * 1000, now, { hideFuture: true });
        tracks.sample(now); // keeps expiring the camera-time tracks
      } else {
        const shownAt = sync && playing ? sync.cameraTimeAt(media.currentTime) : null;
        faces = shownAt === null ? tracks.sample(now) : tracks.sampleAt(shownAt, now, { hideFuture: true });
      }
      const cw = canvas.clientWidth;
      const ch = canvas.clientHeight;
      const dpr = window.devicePixelRatio || 1;
      if (canvas.width !== Math.round(cw * dpr) || canvas.height !== Math.round(ch * dpr)) {
        canvas.width = Math.round(cw * dpr);
        canvas.height = Math.round(ch * dpr);
      }
      if (ctx) {
        ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
        ctx.clearRect(0, 0, cw, ch);
        for (const f of faces) {
          const [mw, mh] = intrinsicSize(mediaRef.current) ?? [f.frameW, f.frameH];
          const r = mapBox(f.box, f.frameW, f.frameH, containRect(cw, ch, mw, mh));
          drawFace(ctx, f, r, f.name ?? (f.decision === 'pending' ? pendingText : unknownText), cw);
        }
      }
      const next: Label[] = faces.map((f) => ({
        key: f.trackId, label: f.name ?? unknownText, decision: f.decision, watchlist: f.watchlist,
      }));
      const key = next.map((l) => `${l.key}:${l.label}:${l.decision}`).join('|');
      if (key !== lastKey) { lastKey = key; setLabels(next); }
      drawn = faces.length > 0;
      // Keep drawing while tracks exist: one not yet on the (held back) picture appears when the video gets there.
      if (drawn || tracks.size > 0 || mediaTracks.size > 0) raf = requestAnimationFrame(draw);
    };

    const unsubscribe = api().subscribe('live.frame', { camera_id: cameraId }, (frame) => {
      if (frame.camera_id !== cameraId) return;
      tracks.ingest(frame, performance.now());
      const m = frame.media_time_s;
      if (typeof m === 'number') {
        if (m < lastMediaS - 1) mediaTracks.clear(); // the live stream restarted: its media time starts over
        lastMediaS = m;
        mediaTracks.ingest({ ...frame, captured_at_ms: m * 1000 }, performance.now());
      }
      sync?.noteDetection(Date.now(), frame.captured_at_ms);
      if (!raf) raf = requestAnimationFrame(draw);
    });
    // Tracks expire without new frames; make sure the last boxes are cleared even if no frame comes.
    const sweep = setInterval(() => { if (!raf && (drawn || tracks.size > 0)) raf = requestAnimationFrame(draw); }, 500);
    return () => {
      unsubscribe();
      clearInterval(sweep);
      if (raf) cancelAnimationFrame(raf);
      if (rvfcVideo && rvfcHandle) rvfcVideo.cancelVideoFrameCallback?.(rvfcHandle);
      rvfcVideo = null;
      tracks.clear();
      mediaTracks.clear();
      setLabels([]);
    };
  }, [cameraId, active, mediaRef, sync, unknownText, pendingText]);

  return (
    <>
      <canvas ref={canvasRef} className="live-overlay" aria-hidden="true" />
      <ul className="sr-only" aria-label={t('live.facesOn', { name: cameraName })} data-testid="face-labels">
        {labels.map((l) => (
          <li key={l.key} data-face-label={l.label} data-face-decision={l.decision} data-watchlist={l.watchlist || undefined}>{l.label}</li>
        ))}
      </ul>
    </>
  );
}

function drawFace(ctx: CanvasRenderingContext2D, f: DrawnFace, r: { x: number; y: number; w: number; h: number }, text: string, canvasW: number) {
  const color = f.watchlist ? COLORS.watchlist : COLORS[f.decision];
  const unknown = f.decision === 'unknown';
  ctx.save();
  ctx.lineWidth = unknown || f.watchlist ? 3 : 2;
  ctx.strokeStyle = color;
  if (f.decision === 'pending') ctx.setLineDash([6, 4]);
  if (unknown || f.watchlist) {
    ctx.fillStyle = f.watchlist ? 'rgba(244,114,182,0.16)' : 'rgba(248,113,113,0.16)';
    ctx.fillRect(r.x, r.y, r.w, r.h);
  }
  ctx.strokeRect(r.x, r.y, r.w, r.h);
  ctx.setLineDash([]);
  const size = Math.round(Math.max(11, Math.min(18, r.w / 5)));
  ctx.font = `600 ${size}px system-ui, sans-serif`;
  const label = f.decision === 'recognized' && f.confidence !== null ? `${text} ${Math.round(f.confidence * 100)}%` : text;
  const tw = ctx.measureText(label).width + 10;
  const th = size + 8;
  const ly = r.y - th - 2 >= 0 ? r.y - th - 2 : r.y + r.h + 2;
  const lx = Math.max(0, Math.min(r.x - 1, canvasW - tw)); // keep the name inside the tile
  ctx.fillStyle = color;
  ctx.fillRect(lx, ly, tw, th);
  ctx.fillStyle = '#0b1220';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, lx + 5, ly + th / 2 + 1);
  ctx.restore();
}
