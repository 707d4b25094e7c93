// A real RTSP server on loopback for tests: gst-rtsp-server driven by the system Python
// (/usr/bin/python3 with python3-gi; see docs/cameras.md for the Debian packages). Serves a live
// test pattern or an mp4 file, H.264 or H.265, over TCP and UDP, optionally with basic auth.
// The process can be killed, paused (SIGSTOP: connections stay open, nothing flows) and restarted
// on the same port for fault tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./rtsp_server.py', import.meta.url));
const PYTHON = process.env.VIGIL_RTSP_PYTHON ?? '/usr/bin/python3';

export interface RtspServerOptions {
  port?: number;
  path?: string;
  /** Serve this mp4 (its video track is sent as is) instead of a live test pattern. */
  file?: string;
  codec?: 'h264' | 'h265';
  width?: number;
  height?: number;
  fps?: number;
  auth?: { user: string; password: string };
  /** One pipeline shared by all clients (cheaper with many cameras on one server). */
  shared?: boolean;
  startTimeoutMs?: number;
}

export interface RtspServer {
  readonly port: number;
  /** URL without credentials. */
  readonly url: string;
  readonly pid: number | undefined;
  /** URL with credentials written into it. */
  urlWith(user: string, password: string): string;
  /** SIGKILL: connections drop at once, as on a crash. */
  kill(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing is sent (a stalled camera). */
  pause(): void;
  resume(): void;
  /** Starts the server again on the same port (after kill). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Why an RTSP server cannot run here, or null when it can (tests skip with this message). */
export function rtspServerUnavailable(): string | null {
  if (!existsSync(PYTHON)) return `${PYTHON} not found (install python3-gi and gir1.2-gst-rtsp-server-1.0)`;
  return null;
}

function launch(o: RtspServerOptions, port: number): Promise<{ child: ChildProcess; port: number }> {
  const args = [SCRIPT, '--port', String(port), '--path', o.path ?? '/cam', '--codec', o.codec ?? 'h264'];
  args.push('--width', String(o.width ?? 320), '--height', String(o.height ?? 240), '--fps', String(o.fps ?? 15));
  if (o.file) args.push('--file', o.file);
  if (o.auth) args.push('--user', o.auth.user, '--password', o.auth.password);
  if (o.shared) args.push('--shared');
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`RTSP server did not start within ${o.startTimeoutMs ?? 10000} ms: ${err.trim()}`));
    }, o.startTimeoutMs ?? 10000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      } else if (out.includes('ERROR')) {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(new Error(`RTSP server failed: ${out.trim()} ${err.trim()}`));
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`RTSP server exited with code ${code}: ${err.trim()}`));
    });
  });
}

function waitExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startRtspServer(o: RtspServerOptions = {}): Promise<RtspServer> {
  let { child, port } = await launch(o, o.port ?? 0);
  const path = o.path ?? '/cam';
  const kill = async () => {
    const c = child;
    if (c.exitCode !== null || c.signalCode !== null) return;
    c.kill('SIGCONT');
    c.kill('SIGKILL');
    await waitExit(c);
  };
  return {
    get port() {
      return port;
    },
    get url() {
      return `rtsp://127.0.0.1:${port}${path}`;
    },
    get pid() {
      return child.pid;
    },
    urlWith(user, password) {
      return `rtsp://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}${path}`;
    },
    kill,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async restart() {
      await kill();
      // The old listening socket may take a moment to be released.
      for (let tries = 0; ; tries++) {
        try {
          ({ child, port } = await launch(o, port));
          return;
        } catch (err) {
          if (tries >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    stop: kill,
  };
}
