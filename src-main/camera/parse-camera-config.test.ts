import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VigilError } from '../../src-contract/errors.ts';
import { parseCameraConfig, parseCameraSource } from './parse-camera-config.ts';

const fails = (input: unknown, field: string) =>
  assert.throws(
    () => parseCameraConfig(input),
    (e: unknown) => e instanceof VigilError && e.code === 'INVALID_CONFIG' && e.extra.field === field && e.message.includes(field),
  );

test('a minimal config gets the documented defaults', () => {
  const c = parseCameraConfig({ id: 'gate-1', name: 'Gate', source: { type: 'rtsp', url: 'rtsp://10.0.0.5/stream1' } });
  assert.equal(c.enabled, true);
  assert.equal(c.role, 'any');
  assert.equal(c.detection.fps_limit, 5);
  assert.ok(c.source.type === 'rtsp' && c.source.transport === 'tcp' && c.source.timeout_ms === 10000);
  assert.equal(c.live_view.mode, 'auto');
  assert.equal(c.live_view.mjpeg_width, 640);
  assert.equal(c.max_retries, null);
});

test('bad configs are refused with the field named', () => {
  const base = { id: 'c1', name: 'C' };
  fails({ ...base, source: { type: 'socket', host: '10.0.0.9', port: 70000 } }, 'source.port');
  fails({ ...base, source: { type: 'rtsp', url: 'http://x/' } }, 'source.url');
  fails({ ...base, source: { type: 'carrier-pigeon' } }, 'source.type');
  fails({ ...base, source: { type: 'file', path: '/x.mp4' }, detection: { fps_limit: 31 } }, 'detection.fps_limit');
  fails({ ...base, id: 'has space', source: { type: 'file', path: '/x.mp4' } }, 'id');
  fails({ ...base, source: { type: 'http_mjpeg', url: 'http://cam/video', headers: { 'X-Evil': 'a\r\nHost: other' } } }, 'source.headers.X-Evil');
  fails({ ...base, source: { type: 'http_mjpeg', url: 'http://cam/video', headers: { 'Bad Header': 'x' } } }, 'source.headers.Bad Header');
});

test('sources alone validate with a source.* field path', () => {
  assert.throws(() => parseCameraSource({ type: 'websocket', url: 'ws://x', protocol: 'xml' }), (e: unknown) => e instanceof VigilError && e.extra.field === 'source.protocol');
  assert.equal(parseCameraSource({ type: 'socket', host: 'cam', port: 9000 }).type, 'socket');
});

test('detect stream: an RTSP substream for RTSP cameras, a path for files, refused for one-stream sources', () => {
  const rtsp = parseCameraConfig({ id: 'c', name: 'C', source: { type: 'rtsp', url: 'rtsp://h/main' }, detection: { detect_stream: 'rtsp://h/sub' } });
  assert.equal(rtsp.detection.detect_stream, 'rtsp://h/sub');
  assert.equal(rtsp.detection.detect_width, 640);
  fails({ id: 'c', name: 'C', source: { type: 'rtsp', url: 'rtsp://h/main' }, detection: { detect_stream: 'http://h/sub' } }, 'detection.detect_stream');
  fails({ id: 'c', name: 'C', source: { type: 'usb', device: '0' }, detection: { detect_stream: '/dev/video1' } }, 'detection.detect_stream');
  assert.equal(parseCameraConfig({ id: 'c', name: 'C', source: { type: 'file', path: '/m.mp4' }, detection: { detect_stream: '/s.mp4' } }).detection.detect_stream, '/s.mp4');
});

test('motion masks: normalised rectangles inside the frame, at most 16; none by default', () => {
  const base = { id: 'c', name: 'C', source: { type: 'file', path: '/m.mp4' } };
  assert.deepEqual(parseCameraConfig(base).detection.motion_masks, []);
  const ok = parseCameraConfig({ ...base, detection: { motion_masks: [{ x: 0.8, y: 0, width: 0.2, height: 0.15 }] } });
  assert.deepEqual(ok.detection.motion_masks, [{ x: 0.8, y: 0, width: 0.2, height: 0.15 }]);
  fails({ ...base, detection: { motion_masks: [{ x: 0.9, y: 0, width: 0.2, height: 0.1 }] } }, 'detection.motion_masks.0');
  fails({ ...base, detection: { motion_masks: [{ x: 0.1, y: 0.1, width: 0, height: 0.1 }] } }, 'detection.motion_masks.0.width');
  fails({ ...base, detection: { motion_masks: Array.from({ length: 17 }, () => ({ x: 0, y: 0, width: 0.1, height: 0.1 })) } }, 'detection.motion_masks');
});
