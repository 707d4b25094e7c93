// JPEG → packed rgb24 at the detection width, for sources whose frames are JPEGs read in Node
// (WebSocket, raw socket, HTTP-MJPEG). sharp/libvips runs on libuv's thread pool and shrinks on load
// (DCT scaling) when the target is much smaller, so the event loop never decodes pixels.
import sharp from 'sharp';

export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Target size: `maxWidth` or the source width if smaller (never upscaled), even dimensions. */
export function detectionSize(sourceWidth: number, sourceHeight: number, maxWidth: number): { width: number; height: number } {
  const width = Math.max(2, Math.floor(Math.min(maxWidth, sourceWidth) / 2) * 2);
  const height = Math.max(2, Math.round((sourceHeight * width) / sourceWidth / 2) * 2);
  return { width, height };
}

export async function jpegToRgb(jpeg: Buffer, source: { width: number; height: number }, maxWidth: number): Promise<RgbImage> {
  const { width, height } = detectionSize(source.width, source.height, maxWidth);
  // failOn 'truncated': reject cut-off images, tolerate the minor warnings many cameras' encoders trigger.
  const { data, info } = await sharp(jpeg, { failOn: 'truncated' })
    .resize(width, height, { fit: 'fill' })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== width || info.height !== height) {
    throw new Error(`decoder returned ${info.width}x${info.height}x${info.channels}, expected ${width}x${height}x3`);
  }
  return { data, width, height };
}
