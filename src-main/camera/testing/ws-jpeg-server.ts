// Loopback WebSocket camera for tests: JPEG frames as binary messages, as base64 text, or as JSON
// {"image": base64, "timestamp": ms}; optional basic auth; stall/kill/restart and frame faults.
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { JpegFeed, type JpegFaults } from './jpeg-feed.ts';
import type { LoopbackJpegServer } from './mjpeg-http-server.ts';
import { feedControls, startOnLoopback } from './loopback-listen.ts';

export interface WsJpegServerOptions {
  port?: number;
  frames: Buffer[];
  fps?: number;
  protocol?: 'binary' | 'base64' | 'json';
  auth?: { user: string; password: string };
  faults?: JpegFaults;
  /** Answer pings (default true); false simulates a peer that is gone without closing. */
  answerPings?: boolean;
}

export async function startWsJpegServer(o: WsJpegServerOptions): Promise<LoopbackJpegServer> {
  const protocol = o.protocol ?? 'binary';
  const clients = new Set<WebSocket>();
  let connections = 0;
  const expectedAuth = o.auth ? `Basic ${Buffer.from(`${o.auth.user}:${o.auth.password}`).toString('base64')}` : null;

  const feed = new JpegFeed(o.frames, o.fps ?? 10, o.faults ?? {}, (item) => {
    for (const ws of clients) {
      if (item.garbage) ws.send(item.garbage, { binary: true });
      if (protocol === 'binary') ws.send(item.jpeg, { binary: true });
      else if (protocol === 'base64') ws.send(item.jpeg.toString('base64'));
      else ws.send(JSON.stringify({ image: item.jpeg.toString('base64'), timestamp: item.timestamp }));
    }
  });

  const server = http.createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true, autoPong: o.answerPings ?? true });
  server.on('upgrade', (req, socket, head) => {
    if (expectedAuth && req.headers.authorization !== expectedAuth) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      connections++;
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
    });
  });
  const { port, listen, kill } = await startOnLoopback(server, o.port ?? 0, feed, () => {
    for (const ws of clients) ws.terminate();
    clients.clear();
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}/stream`,
    feed,
    get clients() {
      return clients.size;
    },
    get connections() {
      return connections;
    },
    ...feedControls(feed, kill, listen, port, () => wss.close()),
  };
}
