// Listening and closing for the loopback test servers: the same port is reused on restart so a camera reader
// that backs off reconnects to where the server was.
import type { AddressInfo, Server, Socket } from 'node:net';

export function listenOnLoopback(server: Server, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function closeServer(server: Server): Promise<void> {
  if (server.listening) await new Promise<void>((r) => server.close(() => r()));
}

/**
 * Listens on the loopback port, keeps track of the server's sockets and starts the feed. `kill` is a crash: every
 * socket destroyed, then `onKill` (what only that server holds: streams, WebSocket clients), then the server closed.
 */
export async function startOnLoopback(server: Server, port: number, feed: { start(): void }, onKill?: () => void) {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const listen = (p: number) => listenOnLoopback(server, p);
  const bound = await listen(port);
  feed.start();
  const kill = async () => {
    for (const s of sockets) s.destroy();
    onKill?.();
    await closeServer(server);
  };
  return { port: bound, listen, kill };
}

/** The feed and lifecycle controls every loopback JPEG server shares (stall / resume the feed, kill = a crash,
 * restart on the same port, stop = feed off and server gone). `onStop` closes what only that server has. */
export function feedControls(feed: { stalled: boolean; stop(): void }, kill: () => Promise<void>, listen: (port: number) => Promise<unknown>, port: number, onStop?: () => void) {
  return {
    stall: () => {
      feed.stalled = true;
    },
    resume: () => {
      feed.stalled = false;
    },
    kill,
    restart: async () => {
      await listen(port);
    },
    stop: async () => {
      feed.stop();
      await kill();
      onStop?.();
    },
  };
}
