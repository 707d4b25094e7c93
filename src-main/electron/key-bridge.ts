// Secrets stay sealed by the OS keychain after the host core moved out of main. Electron's safeStorage exists only
// in the main process, but the host's KeyProvider is synchronous (the camera repository opens a password inside a
// database read). So the host process asks main synchronously: a small worker thread in the host process holds a
// socket to main, and the host thread blocks on Atomics.wait until the worker has main's answer (a fraction of a
// millisecond; secrets are opened when a camera starts or is edited, not per frame).
//
// The socket is private: a Unix socket in a fresh 0700 folder (a named pipe on Windows), and every request carries
// a random token that main handed the host process over the already private process channel.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import { SecretDecryptError, type KeyProvider } from '../security/key-provider.ts';

interface BridgeRequest { token: string; id: number; op: 'encrypt' | 'decrypt'; data: string }
interface BridgeReply { id: number; ok: boolean; data?: string; message?: string }

export interface KeyBridgeServer {
  address: string;
  token: string;
  providerKind: string;
  close(): Promise<void>;
}

/** Main side: answers encrypt/decrypt requests with `provider` (the safeStorage-backed one). */
export async function serveKeyBridge(provider: KeyProvider): Promise<KeyBridgeServer> {
  const token = randomBytes(32).toString('base64url');
  const expected = Buffer.from(token);
  let dir: string | null = null;
  let address: string;
  if (process.platform === 'win32') {
    address = `\\\\.\\pipe\\vigil-keys-${randomBytes(12).toString('hex')}`;
  } else {
    dir = mkdtempSync(path.join(tmpdir(), 'vigil-keys-'));
    address = path.join(dir, 'k.sock');
  }
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
      let reply: BridgeReply;
      try {
        const req = JSON.parse(line) as BridgeRequest;
        const got = Buffer.from(String(req.token));
        if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
          socket.destroy();
          return;
        }
        if (req.op !== 'encrypt' && req.op !== 'decrypt') {
          reply = { id: req.id, ok: false, message: 'unknown operation' };
        } else {
          const input = Buffer.from(req.data, 'base64');
          const out = req.op === 'encrypt' ? provider.encrypt(input) : provider.decrypt(input);
          reply = { id: req.id, ok: true, data: out.toString('base64') };
        }
      } catch (err) {
        reply = { id: -1, ok: false, message: (err as Error).message };
        try { reply.id = (JSON.parse(line) as BridgeRequest).id; } catch { /* malformed line */ }
      }
      socket.write(`${JSON.stringify(reply)}\n`);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => resolve());
  });
  return {
    address, token, providerKind: provider.kind,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => {
        if (dir) rmSync(dir, { recursive: true, force: true });
        resolve();
      });
    }),
  };
}

// The worker: forwards one request at a time to main and writes the answer into shared memory.
const WORKER_SOURCE = `
const load = typeof require === 'function' ? require : process.getBuiltinModule;
const net = load('node:net');
const { createInterface } = load('node:readline');
const { parentPort, workerData } = load('node:worker_threads');
const { address, token, ctrl, data } = workerData;
const state = new Int32Array(ctrl);
const bytes = new Uint8Array(data);
let socket = null;
let pending = null;
function answer(ok, buf) {
  const n = Math.min(buf.length, bytes.length);
  bytes.set(buf.subarray(0, n));
  state[1] = n;
  Atomics.store(state, 0, ok ? 1 : 2);
  Atomics.notify(state, 0);
}
function connect() {
  socket = net.connect(address);
  socket.on('error', (err) => { socket = null; if (pending) { pending = null; answer(false, Buffer.from('key bridge: ' + err.message)); } });
  socket.on('close', () => { socket = null; if (pending) { pending = null; answer(false, Buffer.from('key bridge: closed by the main process')); } });
  createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
    const r = JSON.parse(line);
    if (!pending || r.id !== pending) return;
    pending = null;
    answer(r.ok, r.ok ? Buffer.from(r.data, 'base64') : Buffer.from(String(r.message)));
  });
}
parentPort.on('message', (m) => {
  if (!socket) connect();
  pending = m.id;
  socket.write(JSON.stringify({ token, id: m.id, op: m.op, data: Buffer.from(m.data).toString('base64') }) + '\\n');
});
`;

/** Largest sealed or opened secret the bridge carries (camera secrets and audit keys are a few hundred bytes). */
const MAX_BYTES = 1 << 20;
const TIMEOUT_MS = 10_000;

/** Host side: a KeyProvider whose every call is answered by main's provider through the bridge. */
export class BridgedKeyProvider implements KeyProvider {
  readonly kind: string;
  readonly #state = new Int32Array(new SharedArrayBuffer(8));
  readonly #bytes = new Uint8Array(new SharedArrayBuffer(MAX_BYTES));
  readonly #worker: Worker;
  #id = 0;

  constructor(opts: { providerKind: string; address: string; token: string }) {
    this.kind = opts.providerKind;
    this.#worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { address: opts.address, token: opts.token, ctrl: this.#state.buffer, data: this.#bytes.buffer },
    });
    this.#worker.unref();
  }

  encrypt(plain: Buffer): Buffer {
    return this.#call('encrypt', plain, (m) => new Error(m));
  }

  decrypt(sealed: Buffer): Buffer {
    return this.#call('decrypt', sealed, (m) => new SecretDecryptError(m));
  }

  #call(op: 'encrypt' | 'decrypt', data: Buffer, failure: (message: string) => Error): Buffer {
    if (data.length * 1.4 > MAX_BYTES) throw new RangeError('secret too large for the key bridge');
    Atomics.store(this.#state, 0, 0);
    this.#worker.postMessage({ id: ++this.#id, op, data });
    if (Atomics.wait(this.#state, 0, 0, TIMEOUT_MS) === 'timed-out') throw failure('the key bridge to the main process did not answer');
    const out = Buffer.from(this.#bytes.subarray(0, this.#state[1]));
    if (this.#state[0] !== 1) throw failure(out.toString('utf8'));
    return out;
  }

  close(): Promise<number> {
    return this.#worker.terminate();
  }
}
