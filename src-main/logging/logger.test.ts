import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { logFaceDropped, logFrameProcessed } from './frame-log.ts';
import { createLogger } from './logger.ts';
import { newTraceId } from './trace.ts';

function capture(level: 'info' | 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({ write(chunk, _enc, cb) { for (const l of String(chunk).split('\n')) if (l) lines.push(JSON.parse(l)); cb(); } });
  return { logger: createLogger({ level, destination, version: '1.2.3', instanceId: 'test-1' }), lines };
}

test('frame lines carry camera, frame, timing and model fields and the trace id', () => {
  const { logger, lines } = capture('debug');
  const trace = newTraceId();
  assert.match(trace, /^trace_[0-9a-f]{16}$/);
  logFrameProcessed(logger, {
    trace_id: trace,
    camera: { camera_id: 'cam_1', camera_name: 'Main Entrance' },
    frame: { frame_id: 'frame_7', sequence_number: 7, timestamp: new Date(0).toISOString() },
    processing: { queue_time_ms: 3, detection_time_ms: 12, recognition_time_ms: 9, total_time_ms: 25, model_used: 'ultraface-320', device: 'cpu' },
    results: { detections_count: 2, identified_count: 1, unknown_count: 1, avg_confidence: 0.8 },
    metadata: { fallback_used: false, retry_count: 0 },
  });
  const [l] = lines;
  assert.equal(l.trace_id, trace);
  assert.equal(l.level, 'DEBUG');
  assert.equal(l.event_type, 'detection_completed');
  assert.equal(l.service, 'vigil-host');
  assert.equal(l.version, '1.2.3');
  assert.equal(l.instance_id, 'test-1');
  assert.equal(typeof l.timestamp, 'string');
  assert.deepEqual(l.processing, { queue_time_ms: 3, detection_time_ms: 12, recognition_time_ms: 9, total_time_ms: 25, model_used: 'ultraface-320', device: 'cpu' });
  assert.equal((l.metadata as { fallback_used: boolean }).fallback_used, false);
});

test('face drops are debug only and say why', () => {
  const info = capture('info');
  logFaceDropped(info.logger, { trace_id: 't', camera_id: 'c', stage: 'size', reason: 'face 20 px < min_face_px 40' });
  assert.equal(info.lines.length, 0);
  const debug = capture('debug');
  logFaceDropped(debug.logger, { trace_id: 't', camera_id: 'c', stage: 'size', reason: 'face 20 px < min_face_px 40', box: [1, 2, 20, 20] });
  assert.equal(debug.lines[0].event_type, 'face_dropped');
  assert.equal(debug.lines[0].stage, 'size');
  assert.match(String(debug.lines[0].message), /min_face_px/);
});

test('secrets are redacted wherever a config is logged', () => {
  const { logger, lines } = capture('info');
  logger.info({ config: { source: { type: 'rtsp', url: 'rtsp://h/s', password: 'hunter2' } }, password: 'p2', headers: { authorization: 'Bearer abc' } }, 'camera');
  const text = JSON.stringify(lines[0]);
  assert.ok(!text.includes('hunter2') && !text.includes('p2"') && !text.includes('Bearer abc'), text);
  assert.match(text, /\[redacted\]/);
});
