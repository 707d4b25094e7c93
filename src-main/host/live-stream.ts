// A camera's live picture as one HTTP body: fragmented MP4 (init segment, then media segments; the body ends
// when the camera reconnects with a new init segment, so the player re-opens with a clean decoder) or
// multipart/x-mixed-replace JPEG. The camera layer's LiveView does the buffering and load shedding.
import { VigilError } from '../../src-contract/errors.ts';
import type { CameraManager } from '../camera/camera-manager.ts';
import type { LiveChunk } from '../camera/live-view.ts';

export type LiveKind = 'fmp4' | 'mjpeg';

const BOUNDARY = 'vigilframe';

export function openLiveStream(manager: CameraManager, cameraId: string, kind: LiveKind, signal: AbortSignal): { contentType: string; stream: AsyncIterable<Uint8Array> } {
  if (!manager.has(cameraId)) throw new VigilError('NOT_FOUND', `no camera ${cameraId}`);
  const view = manager.liveView(cameraId);
  if (!view.formats.includes(kind)) {
    throw new VigilError('STREAM_UNAVAILABLE', `camera ${cameraId} has no ${kind} live view now${view.formats.length ? ` (available: ${view.formats.join(', ')})` : ''}`);
  }
  const chunks = view.stream(kind, { signal });
  if (kind === 'fmp4') {
    return {
      contentType: view.mime ?? 'video/mp4',
      stream: (async function* () {
        let inits = 0;
        for await (const c of chunks) {
          if (c.kind === 'init' && ++inits > 1) break;
          if (c.kind !== 'jpeg') yield c.data;
        }
      })(),
    };
  }
  return {
    contentType: `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
    stream: (async function* () {
      for await (const c of chunks as AsyncIterable<LiveChunk>) {
        if (c.kind !== 'jpeg') continue;
        yield Buffer.from(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${c.data.length}\r\n\r\n`);
        yield c.data;
        yield Buffer.from('\r\n');
      }
    })(),
  };
}

/** Each JPEG picture of a camera's live view as it comes, for the WebSocket live tiles (they do the flow control:
 * src-main/api/live-tiles.ts). Returns the unsubscribe function. */
export function subscribeLiveJpegs(manager: CameraManager, cameraId: string, onJpeg: (jpeg: Buffer) => void): () => void {
  if (!manager.has(cameraId)) throw new VigilError('NOT_FOUND', `no camera ${cameraId}`);
  const view = manager.liveView(cameraId);
  if (!view.formats.includes('mjpeg')) throw new VigilError('STREAM_UNAVAILABLE', `camera ${cameraId} has no JPEG live view now`);
  return view.subscribe('mjpeg', (c) => { if (c.kind === 'jpeg') onJpeg(c.data); });
}

/** The camera's fMP4 live stream chunk by chunk for the WebSocket video tiles (init segment and the fragments since
 * the last keyframe first; flow control in src-main/api/live-fragment-flow.ts). Returns the unsubscribe function. */
export function subscribeLiveFmp4(manager: CameraManager, cameraId: string, onChunk: (chunk: { kind: 'init'; data: Buffer } | { kind: 'segment'; data: Buffer; keyframe: boolean }) => void): () => void {
  if (!manager.has(cameraId)) throw new VigilError('NOT_FOUND', `no camera ${cameraId}`);
  const view = manager.liveView(cameraId);
  if (!view.formats.includes('fmp4')) throw new VigilError('STREAM_UNAVAILABLE', `camera ${cameraId} has no fmp4 live view now${view.formats.length ? ` (available: ${view.formats.join(', ')})` : ''}`);
  return view.subscribe('fmp4', (c) => {
    if (c.kind === 'init') onChunk({ kind: 'init', data: c.data });
    else if (c.kind === 'segment') onChunk({ kind: 'segment', data: c.data, keyframe: c.keyframe });
  });
}
