import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCameraSource } from './parse-camera-config.ts';
import { redactSourceForLog, redactText, redactUrl, secretsOf } from './redact.ts';
import { effectiveCredentials, urlWithCredentials } from './url-credentials.ts';

test('URL passwords are masked, the rest of the URL kept', () => {
  assert.equal(redactUrl('rtsp://admin:s3cr%40t@10.0.0.5:554/stream1'), 'rtsp://admin:***@10.0.0.5:554/stream1');
  assert.equal(redactUrl('rtsp://10.0.0.5/stream1'), 'rtsp://10.0.0.5/stream1');
});

test('free text loses every form of the secret: raw, URL-encoded, inside URLs, basic-auth base64', () => {
  const source = parseCameraSource({ type: 'http_mjpeg', url: 'http://cam/video', username: 'admin', password: 'p@ss word!', headers: { 'X-Api-Key': 'k3y-123' } });
  const secrets = secretsOf(source);
  const basic = Buffer.from('admin:p@ss word!').toString('base64');
  const text = `GET http://admin:p%40ss%20word!@cam/video failed; pw=p@ss word! enc=p%40ss%20word! auth=Basic ${basic} key=k3y-123 'rtsp://u:other@h/x'`;
  const out = redactText(text, secrets);
  for (const s of ['p@ss word!', 'p%40ss%20word!', basic, 'k3y-123', 'other']) assert.ok(!out.includes(s), `${s} leaked: ${out}`);
  assert.match(out, /http:\/\/admin:\*\*\*@cam\/video/);
});

test('a source shown in logs has no password or auth header', () => {
  const source = parseCameraSource({ type: 'websocket', url: 'ws://u:pw-in-url@cam/ws', password: 'field-pw', headers: { Authorization: 'Bearer tok' } });
  const shown = JSON.stringify(redactSourceForLog(source));
  for (const s of ['pw-in-url', 'field-pw', 'Bearer tok']) assert.ok(!shown.includes(s), shown);
});

test('credentials: fields win over URL userinfo and are percent-encoded into the URL', () => {
  const c = effectiveCredentials({ url: 'rtsp://old:oldpw@cam:554/s', username: 'admin', password: 'a:b@c/d' });
  assert.equal(c.url, 'rtsp://cam:554/s');
  const url = urlWithCredentials(c.url, c);
  assert.equal(url, 'rtsp://admin:a%3Ab%40c%2Fd@cam:554/s');
  assert.deepEqual(effectiveCredentials({ url: 'rtsp://u%40x:p%23w@cam/s' }), { url: 'rtsp://cam/s', username: 'u@x', password: 'p#w' });
});
