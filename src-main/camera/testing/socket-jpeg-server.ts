// Loopback raw-TCP camera for tests: JPEG frames back to back (optionally each preceded by a custom
// header marker), with stall/kill/restart and garbage/truncated-frame faults.
import net from 'node:net';
import { JpegFeed, type JpegFaults } from './jpeg-feed.ts';
import type { LoopbackJpegServer } from './mjpeg-http-server.ts';
import { feedControls, startOnLoopback } from './loopback-listen.ts';

export interface SocketJpegServerOptions {
  port?: number;
  frames: Buffer[];
  fps?: number;
  /** Bytes sent before each frame (a custom protocol's frame marker); none for plain JPEG streams. */
  header?: Buffer;
  faults?: JpegFaults;
}

export async function startSocketJpegServer(o: SocketJpegServerOptions): Promise<LoopbackJpegServer> {
  const clients = new Set<net.Socket>();
  let connections = 0;
  const feed = new JpegFeed(o.frames, o.fps ?? 10, o.faults ?? {}, (item) => {
    for (const s of clients) {
      if (item.garbage) s.write(item.garbage);
      if (o.header) s.write(o.header);
      s.write(item.jpeg);
    }
  });
  const server = net.createServer((s) => {
    connections++;
    clients.add(s);
    s.on('close', () => clients.delete(s));
    s.on('error', () => {});
  });
  const { port, listen, kill } = await startOnLoopback(server, o.port ?? 0, feed, () => clients.clear());
  return {
    port,
    url: `tcp://127.0.0.1:${port}`,
    feed,
    get clients() {
      return clients.size;
    },
    get connections() {
      return connections;
    },
    ...feedControls(feed, kill, listen, port),
  };
}
