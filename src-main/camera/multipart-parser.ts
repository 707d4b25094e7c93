// multipart/x-mixed-replace reader for MJPEG cameras and for ffmpeg's own `mpjpeg`
// output. A part is delivered as soon as its Content-Length is satisfied (no waiting for the next
// boundary); without Content-Length it ends at the next boundary. A part cut short by the next
// boundary is still delivered, so the caller can count it as corrupt.
import { ByteAccumulator } from './byte-accumulator.ts';

export interface MultipartPart {
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary parameter of a Content-Type header, unquoted; null when absent. */
export function boundaryOf(contentType: string | undefined): string | null {
  if (!contentType || !/^\s*multipart\//i.test(contentType)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : null;
}

export class MultipartParser {
  private readonly acc = new ByteAccumulator();
  private readonly token: Buffer;
  private state: 'boundary' | 'headers' | 'body' = 'boundary';
  private headers: Record<string, string> = {};
  private contentLength: number | null = null;
  private searchFrom = 0;
  /** Bytes outside any part (noise, preamble). */
  garbageBytes = 0;
  /** Parts discarded for exceeding the size limit. */
  oversized = 0;

  constructor(
    boundary: string,
    private readonly maxPartBytes = 16 * 1024 * 1024,
  ) {
    // Cameras disagree on whether the declared boundary includes the leading "--"; matching
    // "--"+boundary (or the declared value when it already starts with "--") accepts both.
    this.token = Buffer.from(boundary.startsWith('--') ? boundary : `--${boundary}`, 'latin1');
  }

  push(chunk: Uint8Array): MultipartPart[] {
    this.acc.append(chunk);
    const out: MultipartPart[] = [];
    const t = this.token;
    for (;;) {
      const v = this.acc.view();
      if (this.state === 'boundary') {
        const i = v.indexOf(t, this.searchFrom);
        if (i < 0) {
          const keep = t.length + 1;
          if (v.length > keep) {
            this.garbageBytes += countNoise(v.subarray(0, v.length - keep));
            this.acc.consume(v.length - keep);
          }
          this.searchFrom = 0;
          return out;
        }
        const eol = v.indexOf(0x0a, i + t.length);
        if (eol < 0) {
          if (v.length - i > 256) {
            this.acc.consume(i + t.length); // not a boundary line after all
            continue;
          }
          this.searchFrom = i;
          return out;
        }
        this.garbageBytes += countNoise(v.subarray(0, i));
        this.acc.consume(eol + 1);
        this.searchFrom = 0;
        // "--boundary--" closes the stream; a live camera never sends it, ffmpeg does on exit.
        this.state = v[i + t.length] === 0x2d && v[i + t.length + 1] === 0x2d ? 'boundary' : 'headers';
        continue;
      }
      if (this.state === 'headers') {
        const end = headerEnd(v);
        if (end === null) {
          if (v.length > MAX_HEADER_BYTES) {
            this.garbageBytes += v.length;
            this.acc.clear();
            this.state = 'boundary';
          }
          return out;
        }
        this.headers = parseHeaders(v.subarray(0, end.start).toString('latin1'));
        const cl = Number.parseInt(this.headers['content-length'] ?? '', 10);
        this.contentLength = Number.isFinite(cl) && cl >= 0 ? cl : null;
        this.acc.consume(end.next);
        this.state = 'body';
        this.searchFrom = 0;
        continue;
      }
      // body
      const cl = this.contentLength;
      if (cl !== null && cl <= this.maxPartBytes && v.length >= cl) {
        const cut = v.subarray(0, cl).indexOf(t, this.searchFrom);
        const end = cut < 0 ? cl : trimEnd(v, cut);
        out.push({ headers: this.headers, body: Buffer.from(v.subarray(0, end)) });
        this.acc.consume(cut < 0 ? cl : cut);
        this.state = 'boundary';
        this.searchFrom = 0;
        continue;
      }
      const j = v.indexOf(t, this.searchFrom);
      if (j >= 0) {
        out.push({ headers: this.headers, body: Buffer.from(v.subarray(0, trimEnd(v, j))) });
        this.acc.consume(j);
        this.state = 'boundary';
        this.searchFrom = 0;
        continue;
      }
      if (v.length > this.maxPartBytes) {
        this.oversized++;
        this.garbageBytes += v.length;
        this.acc.clear();
        this.state = 'boundary';
        this.searchFrom = 0;
        return out;
      }
      this.searchFrom = Math.max(0, v.length - t.length);
      return out;
    }
  }
}

/** Where the header block ends: start of the blank line and the index after it. A part may have no headers. */
function headerEnd(v: Buffer): { start: number; next: number } | null {
  if (v.length >= 2 && v[0] === 0x0d && v[1] === 0x0a) return { start: 0, next: 2 };
  if (v.length >= 1 && v[0] === 0x0a) return { start: 0, next: 1 };
  const crlf = v.indexOf('\r\n\r\n', 0, 'latin1');
  const lf = v.indexOf('\n\n', 0, 'latin1');
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { start: crlf, next: crlf + 4 };
  if (lf >= 0) return { start: lf, next: lf + 2 };
  return null;
}

function parseHeaders(block: string): Record<string, string> {
  const h: Record<string, string> = {};
  for (const line of block.split(/\r?\n/)) {
    const c = line.indexOf(':');
    if (c > 0) h[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return h;
}

/** Index where a body ending before `at` really ends: the CR/LF (and the extra "--" of a camera whose
 *  declared boundary already had dashes) before a boundary is not content. A JPEG ends in FFD9. */
function trimEnd(v: Buffer, at: number): number {
  let e = at;
  while (e > 0 && (v[e - 1] === 0x0a || v[e - 1] === 0x0d || v[e - 1] === 0x2d)) e--;
  return e;
}

/** Bytes that are not the CR/LF/dash padding around boundaries. */
function countNoise(v: Buffer): number {
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const b = v[i];
    if (b !== 0x0d && b !== 0x0a && b !== 0x2d) n++;
  }
  return n;
}
