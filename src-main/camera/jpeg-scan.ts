// JPEG structure walking (ITU T.81 markers) without decoding: where a JPEG ends, whether a buffer is
// one complete JPEG, and its size. Header segments are skipped by their length, so an EXIF thumbnail
// (a whole JPEG inside APP1) cannot be mistaken for the end; in entropy-coded data 0xFF is always
// followed by 0x00 stuffing or a restart marker, so any other marker there is real.

export const JPEG_INCOMPLETE = -1;
export const JPEG_INVALID = -2;

const isRst = (m: number) => m >= 0xd0 && m <= 0xd7;
// SOF0..SOF15 except DHT (C4), JPG (C8), DAC (CC).
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

/** Resumable scanner for one JPEG that starts (SOI) at index 0 of a growing buffer. */
export class JpegScanner {
  private pos = 2;
  private inEntropy = false;
  width = 0;
  height = 0;

  /** Index just past EOI, JPEG_INCOMPLETE (feed more bytes, call again) or JPEG_INVALID. */
  scan(buf: Uint8Array): number {
    const len = buf.length;
    if (len >= 2 && (buf[0] !== 0xff || buf[1] !== 0xd8)) return JPEG_INVALID;
    for (;;) {
      if (this.inEntropy) {
        let i = this.pos;
        for (;;) {
          i = buf.indexOf(0xff, i);
          if (i < 0) {
            this.pos = len;
            return JPEG_INCOMPLETE;
          }
          if (i + 1 >= len) {
            this.pos = i;
            return JPEG_INCOMPLETE;
          }
          const m = buf[i + 1];
          if (m === 0x00 || isRst(m)) i += 2;
          else if (m === 0xff) i += 1;
          else break;
        }
        this.inEntropy = false;
        this.pos = i;
      }
      const p = this.pos;
      if (p + 1 >= len) return JPEG_INCOMPLETE;
      if (buf[p] !== 0xff) return JPEG_INVALID;
      const m = buf[p + 1];
      if (m === 0xff) {
        this.pos = p + 1; // fill byte
        continue;
      }
      if (m === 0xd9) return p + 2;
      if (m === 0xd8 || m === 0x00) return JPEG_INVALID; // a new image starts: this one was cut short
      if (m === 0x01 || isRst(m)) {
        this.pos = p + 2;
        continue;
      }
      if (p + 3 >= len) return JPEG_INCOMPLETE;
      const segLen = (buf[p + 2] << 8) | buf[p + 3];
      if (segLen < 2) return JPEG_INVALID;
      if (isSof(m)) {
        if (p + 8 >= len) return JPEG_INCOMPLETE;
        this.height = (buf[p + 5] << 8) | buf[p + 6];
        this.width = (buf[p + 7] << 8) | buf[p + 8];
      }
      this.pos = p + 2 + segLen;
      if (m === 0xda) this.inEntropy = true;
    }
  }
}

export interface JpegInfo {
  width: number;
  height: number;
}

/** Size and end (just past EOI) of the JPEG at the start of `buf`; bytes after it are ignored. */
export function jpegExtent(buf: Uint8Array): (JpegInfo & { end: number }) | null {
  if (buf.length < 4) return null;
  const s = new JpegScanner();
  const end = s.scan(buf);
  return end < 0 || s.width === 0 || s.height === 0 ? null : { width: s.width, height: s.height, end };
}

/** Size of a complete, structurally sound JPEG (trailing CR/LF/NUL padding tolerated); null otherwise. */
export function completeJpegInfo(buf: Uint8Array): JpegInfo | null {
  if (buf.length < 4) return null;
  const s = new JpegScanner();
  const end = s.scan(buf);
  if (end < 0) return null;
  for (let i = end; i < buf.length; i++) {
    const b = buf[i];
    if (b !== 0x0d && b !== 0x0a && b !== 0x00 && b !== 0x20) return null;
  }
  if (s.width === 0 || s.height === 0) return null;
  return { width: s.width, height: s.height };
}
