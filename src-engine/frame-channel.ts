// The frame side channel between host and engine: a Unix domain socket (a named pipe on Windows) that the host
// listens on and whose path and token it passes to the engine process in its environment. It carries only
// analyze_frame requests, as length-prefixed binary records, so pixels are written once into the socket instead
// of being structured-cloned through fork IPC or Electron's parentPort (both copy and serialise every byte on the
// host's main thread). Answers still come back on the ordinary message channel, by request id. Works the same
// under child_process.fork and Electron's utilityProcess (both have node:net; neither can share memory or pass
// extra pipes portably).
//
// Stream:   hello  = 'VGFH' u32 | token length u32 | token bytes           (engine → host, once, first)
//           frame  = 'VGF1' u32 | header length u32 | id u32 | width u32 | height u32 | channels u8 | 3 × 0 |
//                    options length u32 | pixel length u32 | options (UTF-8 JSON, small) | pixels
// All integers little-endian. Bad magic, sizes beyond the limits or a truncated stream are a FrameChannelError
// and end the connection; the host then sends frames by the message channel again.
import net from 'node:net';

export const FRAME_CHANNEL_ENV = 'VIGIL_FRAME_CHANNEL';
export const FRAME_TOKEN_ENV = 'VIGIL_FRAME_TOKEN';
export const HELLO_MAGIC = 0x48464756; // 'VGFH'
export const FRAME_MAGIC = 0x31464756; // 'VGF1'
/** Fixed part of a frame record, in bytes. */
export const FRAME_HEADER_BYTES = 32;
/** Largest frame accepted (8K RGBA) and largest options blob: anything bigger is a corrupt stream. */
export const MAX_PIXEL_BYTES = 7680 * 4320 * 4;
export const MAX_OPTIONS_BYTES = 64 * 1024;
const MAX_TOKEN_BYTES = 256;

export type FrameChannelErrorCode = 'BAD_MAGIC' | 'BAD_HEADER' | 'TOO_LARGE' | 'BAD_OPTIONS' | 'BAD_TOKEN' | 'CLOSED' | 'CONNECT_FAILED' | 'LISTEN_FAILED';

export class FrameChannelError extends Error {
  readonly code: FrameChannelErrorCode;
  constructor(code: FrameChannelErrorCode, message: string) {
    super(message);
    this.name = 'FrameChannelError';
    this.code = code;
  }
}

export interface ChannelFrame {
  id: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  /** A pooled buffer: valid until `release` is called. */
  data: Uint8Array;
  options: unknown;
}

/** Writes the fixed header of a frame record into `out` (at least FRAME_HEADER_BYTES). */
export function writeFrameHeader(out: Uint8Array, id: number, width: number, height: number, channels: number, optionsBytes: number, pixelBytes: number): void {
  const v = new DataView(out.buffer, out.byteOffset, FRAME_HEADER_BYTES);
  v.setUint32(0, FRAME_MAGIC, true);
  v.setUint32(4, FRAME_HEADER_BYTES, true);
  v.setUint32(8, id >>> 0, true);
  v.setUint32(12, width, true);
  v.setUint32(16, height, true);
  v.setUint32(20, channels, true); // channels in the low byte, 3 reserved zero bytes
  v.setUint32(24, optionsBytes, true);
  v.setUint32(28, pixelBytes, true);
}

/** The hello record the engine sends first, proving it was given the token. */
export function encodeHello(token: string): Buffer {
  const t = Buffer.from(token, 'utf8');
  const out = Buffer.alloc(8 + t.length);
  out.writeUInt32LE(HELLO_MAGIC, 0);
  out.writeUInt32LE(t.length, 4);
  t.copy(out, 8);
  return out;
}

/** Parses the hello record at the start of `buf`: the token and the bytes used, or null when incomplete. */
export function decodeHello(buf: Buffer): { token: string; used: number } | null {
  if (buf.length < 8) return null;
  if (buf.readUInt32LE(0) !== HELLO_MAGIC) throw new FrameChannelError('BAD_MAGIC', 'frame channel: the first record is not a hello');
  const n = buf.readUInt32LE(4);
  if (n > MAX_TOKEN_BYTES) throw new FrameChannelError('BAD_TOKEN', 'frame channel: token too long');
  if (buf.length < 8 + n) return null;
  return { token: buf.toString('utf8', 8, 8 + n), used: 8 + n };
}

/**
 * Receive buffers reused across frames: a frame's pixels are copied once from the socket's chunks into a free
 * buffer of at least its size, and the buffer returns to the pool when the engine has answered that frame.
 * The pool holds at most `max` idle buffers (requests in flight + one), so memory stays bounded.
 */
export class FramePool {
  readonly #free: Buffer[] = [];
  readonly #max: number;
  allocations = 0;
  constructor(max = 4) {
    this.#max = max;
  }

  acquire(bytes: number): Buffer {
    for (let i = 0; i < this.#free.length; i++) {
      if (this.#free[i].length >= bytes) {
        const b = this.#free[i];
        this.#free.splice(i, 1);
        return b;
      }
    }
    this.allocations++;
    return Buffer.allocUnsafeSlow(bytes);
  }

  release(buf: Buffer): void {
    if (this.#free.length < this.#max) this.#free.push(buf);
    else {
      // keep the largest buffers: replace the smallest idle one when this one is bigger
      let smallest = 0;
      for (let i = 1; i < this.#free.length; i++) if (this.#free[i].length < this.#free[smallest].length) smallest = i;
      if (this.#free[smallest].length < buf.length) this.#free[smallest] = buf;
    }
  }
}

/**
 * Incremental parser of the frame records on the engine side. Feed it the socket's chunks; it calls `onFrame`
 * for each complete record. Header bytes are collected in a fixed buffer; pixel bytes go straight into a
 * pooled buffer (one copy). Throws FrameChannelError on a corrupt stream.
 */
export class FrameRecordParser {
  readonly #pool: FramePool;
  readonly #onFrame: (f: ChannelFrame, release: () => void) => void;
  readonly #head = Buffer.allocUnsafeSlow(FRAME_HEADER_BYTES);
  #headFill = 0;
  #opts: Buffer | null = null;
  #optsFill = 0;
  #optsLen = 0;
  #pix: Buffer | null = null;
  #pixFill = 0;
  #pixLen = 0;
  #id = 0;
  #width = 0;
  #height = 0;
  #channels: 1 | 3 | 4 = 3;
  frames = 0;

  constructor(pool: FramePool, onFrame: (f: ChannelFrame, release: () => void) => void) {
    this.#pool = pool;
    this.#onFrame = onFrame;
  }

  /** True when no record is half-read (a clean place for the stream to end). */
  get idle(): boolean {
    return this.#headFill === 0;
  }

  push(chunk: Buffer): void {
    let off = 0;
    while (off < chunk.length) {
      if (this.#headFill < FRAME_HEADER_BYTES) {
        const n = Math.min(FRAME_HEADER_BYTES - this.#headFill, chunk.length - off);
        chunk.copy(this.#head, this.#headFill, off, off + n);
        this.#headFill += n;
        off += n;
        if (this.#headFill === FRAME_HEADER_BYTES) this.#startRecord();
        continue;
      }
      if (this.#optsFill < this.#optsLen) {
        const n = Math.min(this.#optsLen - this.#optsFill, chunk.length - off);
        chunk.copy(this.#opts!, this.#optsFill, off, off + n);
        this.#optsFill += n;
        off += n;
      } else {
        const n = Math.min(this.#pixLen - this.#pixFill, chunk.length - off);
        chunk.copy(this.#pix!, this.#pixFill, off, off + n);
        this.#pixFill += n;
        off += n;
      }
      if (this.#optsFill === this.#optsLen && this.#pixFill === this.#pixLen) this.#finishRecord();
    }
  }

  #startRecord(): void {
    const h = this.#head;
    if (h.readUInt32LE(0) !== FRAME_MAGIC) throw new FrameChannelError('BAD_MAGIC', 'frame channel: bad record magic (stream out of step)');
    if (h.readUInt32LE(4) !== FRAME_HEADER_BYTES) throw new FrameChannelError('BAD_HEADER', `frame channel: header length ${h.readUInt32LE(4)}, expected ${FRAME_HEADER_BYTES}`);
    this.#id = h.readUInt32LE(8);
    this.#width = h.readUInt32LE(12);
    this.#height = h.readUInt32LE(16);
    const channels = h[20];
    this.#optsLen = h.readUInt32LE(24);
    this.#pixLen = h.readUInt32LE(28);
    if (channels !== 1 && channels !== 3 && channels !== 4) throw new FrameChannelError('BAD_HEADER', `frame channel: ${channels} channels`);
    this.#channels = channels;
    if (this.#width === 0 || this.#height === 0 || this.#pixLen !== this.#width * this.#height * channels) {
      throw new FrameChannelError('BAD_HEADER', `frame channel: ${this.#width}×${this.#height}×${channels} does not match ${this.#pixLen} pixel bytes`);
    }
    if (this.#pixLen > MAX_PIXEL_BYTES) throw new FrameChannelError('TOO_LARGE', `frame channel: ${this.#pixLen} pixel bytes is over the ${MAX_PIXEL_BYTES} limit`);
    if (this.#optsLen > MAX_OPTIONS_BYTES) throw new FrameChannelError('TOO_LARGE', `frame channel: ${this.#optsLen} option bytes is over the ${MAX_OPTIONS_BYTES} limit`);
    this.#opts = this.#optsLen > 0 ? Buffer.allocUnsafe(this.#optsLen) : null;
    this.#optsFill = 0;
    this.#pix = this.#pool.acquire(this.#pixLen);
    this.#pixFill = 0;
    if (this.#optsLen === 0 && this.#pixLen === 0) this.#finishRecord();
  }

  #finishRecord(): void {
    const pix = this.#pix!;
    let options: unknown;
    try {
      options = this.#opts ? JSON.parse(this.#opts.toString('utf8')) : undefined;
    } catch {
      this.#pool.release(pix);
      throw new FrameChannelError('BAD_OPTIONS', `frame channel: options of frame ${this.#id} are not JSON`);
    }
    this.#headFill = 0;
    this.#opts = null;
    this.#pix = null;
    this.frames++;
    let released = false;
    this.#onFrame(
      { id: this.#id, width: this.#width, height: this.#height, channels: this.#channels, data: pix.subarray(0, this.#pixLen), options },
      () => { if (!released) { released = true; this.#pool.release(pix); } },
    );
  }
}

/**
 * Engine side: connects to the host's frame channel named in the environment and hands each frame to
 * `onFrame` (which must call `release` once the frame is answered). Returns null when no channel is named.
 * A failed connection or a corrupt stream is reported through `onError` and the socket is closed: the host
 * notices and goes back to the message channel, so nothing is lost.
 */
export function connectFrameChannel(
  env: NodeJS.ProcessEnv,
  onFrame: (f: ChannelFrame, release: () => void) => void,
  onError: (err: FrameChannelError) => void,
): net.Socket | null {
  const path = env[FRAME_CHANNEL_ENV];
  const token = env[FRAME_TOKEN_ENV];
  if (!path || !token) return null;
  const parser = new FrameRecordParser(new FramePool(4), onFrame);
  const socket = net.connect(path);
  socket.setNoDelay?.(true);
  socket.on('connect', () => socket.write(encodeHello(token)));
  socket.on('data', (chunk: Buffer) => {
    try {
      parser.push(chunk);
    } catch (err) {
      onError(err instanceof FrameChannelError ? err : new FrameChannelError('BAD_HEADER', String(err)));
      socket.destroy();
    }
  });
  socket.on('error', (err) => onError(new FrameChannelError(socket.connecting ? 'CONNECT_FAILED' : 'CLOSED', `frame channel ${path}: ${err.message}`)));
  // The socket must not keep the engine alive after its message channel closed.
  socket.unref();
  return socket;
}
