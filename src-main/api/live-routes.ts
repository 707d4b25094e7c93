// GET /live/<cameraId>.mp4 | .mjpeg: pipes a camera's live stream the host opens (fragmented MP4 for MSE, or
// multipart JPEG). The host's stream is closed as soon as the viewer goes away.
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../src-contract/errors.ts';
import { LIVE_PREFIX } from '../../src-contract/http-transport.ts';
import type { Role } from '../../src-contract/schemas.ts';
import { callerOf, requireCaller, type Authenticate } from './request-auth.ts';

export type LiveKind = 'fmp4' | 'mjpeg';

/** The host's side: a stream of bytes ready to send (the fMP4 init segment first, or multipart parts). Throw
 * VigilError NOT_FOUND for an unknown camera and STREAM_UNAVAILABLE when it has no picture. `signal` aborts
 * when the viewer disconnects. */
export type OpenLiveStream = (cameraId: string, kind: LiveKind, signal: AbortSignal) =>
  Promise<{ contentType: string; stream: Readable | AsyncIterable<Uint8Array> }>;

/** Who may watch live video: the /live/ routes and the WebSocket live tiles. */
export const LIVE_ROLES: readonly Role[] = ['admin', 'guard'];

const FILE = /^([A-Za-z0-9_-]{1,64})\.(mp4|mjpeg)$/;

export function registerLiveRoutes(app: FastifyInstance, deps: { openLiveStream?: OpenLiveStream; authenticate: Authenticate }): void {
  app.get(`${LIVE_PREFIX}:file`, async (req, reply) => {
    requireCaller(callerOf(req, deps.authenticate), LIVE_ROLES, 'read');
    const m = FILE.exec((req.params as { file: string }).file);
    if (!m) throw new VigilError('NOT_FOUND', 'live streams are /live/<cameraId>.mp4 or .mjpeg');
    if (!deps.openLiveStream) throw new VigilError('STREAM_UNAVAILABLE', 'live view is not available in this host');
    const ac = new AbortController();
    const opened = await deps.openLiveStream(m[1], m[2] === 'mp4' ? 'fmp4' : 'mjpeg', ac.signal);
    const stream = opened.stream instanceof Readable ? opened.stream : Readable.from(opened.stream, { objectMode: false });
    const end = () => {
      ac.abort();
      stream.destroy();
    };
    reply.raw.once('close', end);
    stream.once('error', end);
    reply.header('content-type', opened.contentType).header('cache-control', 'no-store').header('x-accel-buffering', 'no');
    return reply.send(stream);
  });
}
