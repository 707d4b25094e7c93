// Boundary validation for camera configs: the contract schema, with failures turned into
// INVALID_CONFIG naming the first bad field (e.g. `source.port`).
import type { z } from 'zod';
import { VigilError } from '../../src-contract/errors.ts';
import { CameraConfigSchema, CameraSourceSchema, type CameraConfig, type CameraSource } from './camera-config.ts';

function invalid(error: z.ZodError, prefix: string): VigilError {
  const issues = error.issues.map((i) => ({ field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)', message: i.message }));
  const first = issues[0];
  return new VigilError('INVALID_CONFIG', `invalid camera config: ${first.field}: ${first.message}`, { field: first.field, details: { issues } });
}

export function parseCameraConfig(input: unknown): CameraConfig {
  const r = CameraConfigSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, '');
  checkDetectStream(r.data);
  return r.data;
}

/** A detect stream is a second stream of the same camera: an RTSP URL for RTSP cameras, a path for files. */
function checkDetectStream(c: CameraConfig): void {
  const stream = c.detection.detect_stream;
  if (stream === undefined || stream === '') return;
  const field = 'detection.detect_stream';
  const fail = (message: string) => {
    throw new VigilError('INVALID_CONFIG', `invalid camera config: ${field}: ${message}`, { field, details: { issues: [{ field, message }] } });
  };
  if (c.source.type === 'rtsp') {
    if (!/^rtsps?:\/\//i.test(stream)) fail('must start with rtsp:// or rtsps:// (the camera\'s substream)');
  } else if (c.source.type !== 'file') {
    fail(`a ${c.source.type} source has one stream; a detect stream is for RTSP cameras and files`);
  }
}

export function parseCameraSource(input: unknown): CameraSource {
  const r = CameraSourceSchema.safeParse(input);
  if (!r.success) throw invalid(r.error, 'source');
  return r.data;
}
