// Loopback HTTP-MJPEG camera (multipart/x-mixed-replace) for tests: optional basic auth, records the
// request headers it got, stamps each part with X-Timestamp, and supports stall/kill/restart and
// garbage/truncated-frame faults (see JpegFeed).
import http from 'node:http';
import { JpegFeed, type JpegFaults } from './jpeg-feed.ts';
import { feedControls, startOnLoopback } from './loopback-listen.ts';

export interface MjpegServerOptions {
  port?: number;
  frames: Buffer[];
  fps?: number;
  path?: string;
  auth?: { user: string; password: string };
  faults?: JpegFaults;
  /** Omit Content-Length from parts (some cameras do). */
  noContentLength?: boolean;
}

export interface LoopbackJpegServer {
  readonly port: number;
  readonly url: string;
  readonly feed: JpegFeed;
  /** Clients currently connected. */
  readonly clients: number;
  /** Connections accepted so far (reconnections show up here). */
  readonly connections: number;
  /** Stop sending, keep connections open. */
  stall(): void;
  resume(): void;
  /** Drop every connection and stop listening (a crash). */
  kill(): Promise<void>;
  /** Listen again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface MjpegServer extends LoopbackJpegServer {
  /** Headers of the most recent request. */
  readonly lastRequestHeaders: http.IncomingHttpHeaders | null;
}

const BOUNDARY = 'vigilframe';

export async function startMjpegServer(o: MjpegServerOptions): Promise<MjpegServer> {
  const path = o.path ?? '/video';
  const streams = new Set<http.ServerResponse>();
  let connections = 0;
  let lastHeaders: http.IncomingHttpHeaders | null = null;
  const expectedAuth = o.auth ? `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64')}` : null;

  const feed = new JpegFeed(o.frames, o.fps ?? 10, o.faults ?? {}, (item) => {
    const head = `--${BOUNDARY}\r\nContent-Type: image/jpeg\r\n${o.noContentLength ? '' : `Content-Length: ${item.jpeg.length}\r\n`}X-Timestamp: ${item.timestamp}\r\n\r\n`;
    for (const res of streams) {
      if (item.garbage) res.write(item.garbage);
      res.write(head);
      res.write(item.jpeg);
      res.write('\r\n');
    }
  });

  const server = http.createServer((req, res) => {
    lastHeaders = req.headers;
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="camera"' }).end();
      return;
    }
    if (req.url !== path) {
      res.writeHead(404).end();
      return;
    }
    connections++;
    res.writeHead(200, { 'Content-Type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`, 'Cache-Control': 'no-cache' });
    streams.add(res);
    res.on('close', () => streams.delete(res));
  });
  const { port, listen, kill } = await startOnLoopback(server, o.port ?? 0, feed, () => streams.clear());
  return {
    port,
    url: `http://127.0.0.1:${port}${path}`,
    feed,
    get clients() {
      return streams.size;
    },
    get connections() {
      return connections;
    },
    get lastRequestHeaders() {
      return lastHeaders;
    },
    ...feedControls(feed, kill, listen, port),
  };
}
