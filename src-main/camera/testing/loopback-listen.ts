// Listening and closing for the loopback test servers: the same port is reused on restart so a camera reader
// that backs off reconnects to where the server was.
import type { AddressInfo, Server } from 'node:net';

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
