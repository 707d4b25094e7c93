import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CameraConfigSchema, CameraSourceSchema } from '../../../src-contract/camera-config.ts';
import { SOURCE_TYPES, detectionFields, fromFormValues, issuesByField, sourceFields, toFormValues, validateForm } from './schema-form.ts';

test('every source type of the contract gets a form', () => {
  assert.deepEqual([...SOURCE_TYPES].sort(), ['file', 'http_mjpeg', 'rtsp', 'socket', 'usb', 'websocket']);
  const rtsp = sourceFields('rtsp');
  const byKey = Object.fromEntries(rtsp.map((f) => [f.key, f]));
  assert.equal(byKey.type, undefined, 'the discriminator is not a field');
  assert.equal(byKey.url.kind, 'text');
  assert.equal(byKey.url.required, true);
  assert.ok(byKey.password.kind === 'text' && byKey.password.secret, 'passwords are masked');
  assert.ok(byKey.transport.kind === 'enum' && byKey.transport.options.join() === 'tcp,udp');
  assert.ok(byKey.timeout_ms.kind === 'number' && byKey.timeout_ms.min === 1000 && byKey.timeout_ms.max === 60000 && byKey.timeout_ms.int);
  assert.equal(byKey.username.required, false);
});

test('defaults fill a new form and the round trip parses', () => {
  for (const type of SOURCE_TYPES) {
    const specs = sourceFields(type);
    const values = toFormValues(specs);
    const filled: Record<string, string> = { rtsp: 'rtsp://10.0.0.5/stream', http_mjpeg: 'http://cam/video', websocket: 'ws://cam/ws' };
    if ('url' in values) values.url = filled[type];
    if ('device' in values) values.device = '/dev/video0';
    if ('host' in values) { values.host = '10.0.0.9'; values.port = '5000'; }
    if ('path' in values) values.path = '/videos/door.mp4';
    const parsed = CameraSourceSchema.safeParse({ type, ...fromFormValues(specs, values) });
    assert.ok(parsed.success, `${type}: ${parsed.success ? '' : parsed.error.message}`);
  }
});

test('existing values load (secrets stay empty) and typed strings become numbers', () => {
  const specs = sourceFields('socket');
  const values = toFormValues(specs, { host: 'h', port: 4000, delimiter_hex: 'ffd8' });
  assert.equal(values.port, '4000');
  values.port = ' 4001 ';
  assert.equal(fromFormValues(specs, values).port, 4001);
  const rtsp = sourceFields('rtsp');
  const rv = toFormValues(rtsp, { url: 'rtsp://x', password: 'should-not-show' });
  assert.equal(rv.password, '');
  assert.equal('password' in fromFormValues(rtsp, rv), false, 'an untouched password is not sent');
});

test('an empty nullable number means null (e.g. threshold derived from the global target)', () => {
  const specs = detectionFields();
  const values = toFormValues(specs);
  assert.equal(values.recognition_threshold, '');
  const out = fromFormValues(specs, values);
  assert.equal(out.recognition_threshold, null);
  assert.equal(out.fps_limit, 5);
});

test('validation errors point at the form field', () => {
  const specs = sourceFields('rtsp');
  const values = toFormValues(specs);
  values.url = 'http://wrong';
  values.timeout_ms = '5';
  const res = CameraConfigSchema.safeParse({ id: 'cam1', name: 'Door', source: { type: 'rtsp', ...fromFormValues(specs, values) } });
  assert.equal(res.success, false);
  const errors = issuesByField(res.error!);
  assert.match(errors['source.url'], /rtsp/);
  assert.ok(errors['source.timeout_ms']);
});

test('header rows become a record, blank rows dropped', () => {
  const specs = sourceFields('http_mjpeg');
  const values = toFormValues(specs, { url: 'http://c/v' });
  values.headers = [['X-Key', 'abc'], ['  ', 'ignored']];
  assert.deepEqual(fromFormValues(specs, values).headers, { 'X-Key': 'abc' });
});

test('an empty required field reads "required"; a filled wrong one keeps the rule it breaks', () => {
  const res = validateForm(CameraConfigSchema, { id: 'cam1', name: '', source: { type: 'rtsp', url: '' } }, 'Required');
  assert.equal(res.ok, false);
  if (res.ok) return;
  assert.equal(res.errors.name, 'Required');
  assert.equal(res.errors['source.url'], 'Required');
  const wrong = validateForm(CameraConfigSchema, { id: 'cam1', name: 'Door', source: { type: 'rtsp', url: 'http://x' } }, 'Required');
  assert.ok(!wrong.ok && /rtsp/.test(wrong.errors['source.url']));
  const missing = validateForm(CameraConfigSchema, { id: 'cam1', name: 'Door', source: { type: 'file' } }, 'Required');
  assert.ok(!missing.ok && missing.errors['source.path'] === 'Required');
  const good = validateForm(CameraConfigSchema, { id: 'cam1', name: 'Door', source: { type: 'file', path: '/v.mp4' } }, 'Required');
  assert.ok(good.ok && good.data.detection.fps_limit === 5, 'defaults applied');
});
