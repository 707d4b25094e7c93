// Malformed-input fuzzing over real HTTP: more than 1,000 requests (bad JSON, wrong types, huge fields, invalid
// base64, truncated images, path traversal in ids and media paths, bad credentials). Every answer must be a typed
// 4xx error body; no 5xx, the server keeps serving, and the stored data is byte-for-byte what it was.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { z } from 'zod';
import { contract, type MethodName } from '../../src-contract/api.ts';
import { ErrorResponseSchema } from '../../src-contract/errors.ts';
import type { Handlers } from '../core/dispatcher.ts';
import type { AnalyzeFrame } from '../core/frame-analysis.ts';
import { restRoutes } from './rest-routes.ts';
import { startApiFixture, type ApiFixture } from './testing/api-fixture.ts';

const SAMPLE = 'node_modules/@vladmandic/face-api/demo/sample2.jpg';

/** Deterministic PRNG so a failure reproduces. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Req {
  method: string; path: string; body?: string; contentType?: string; auth?: 'admin' | 'none' | 'garbage-cookie' | 'garbage-bearer';
  /** Passes every check before decoding: only the engine's decoder can refuse it. */
  needsDecoder?: boolean;
}

let analyze: AnalyzeFrame | undefined;
let engine: { dispose(): Promise<void> } | null = null;
try {
  const { Engine } = await import('../../src-engine/in-process.ts');
  const e = await Engine.create({ threads: 1 });
  engine = e;
  // Real decode + detection; the fuzz only needs the decoder's verdict on broken images.
  analyze = async (bytes) => {
    const r = await e.analyzeImage(bytes, { embeddings: false });
    return { cameraName: null, width: r.width, height: r.height, faces: [], timings: { detectMs: r.stages.detect_ms, recognizeMs: 0 }, models: { detection: { name: 'detector', version: '1', device: 'cpu', latencyMs: 0 }, recognition: null }, fallbackUsed: false };
  };
} catch {
  analyze = undefined; // without an engine, malformed frames are still refused with 4xx before analysis
}

describe('API fuzz', () => {
  let f: ApiFixture;
  let admin: string;
  let personId: string;
  let jpeg: Buffer;

  before(async () => {
    f = await startApiFixture({ analyzeFrame: analyze, limits: { rpcBodyBytes: 256 * 1024, restBodyBytes: 256 * 1024, maxFrameBytes: 2 * 1024 * 1024 } });
    admin = await f.setupAdmin();
    await f.userCookie(admin, 'guard', 'gus');
    await f.rpc('tokens.create', { name: 'erp', scopes: ['read'] }, admin);
    personId = f.store.persons.create({ employee_id: 'E-1', name: 'Pat' }).id;
    f.store.cameras.create({ id: 'cam_1', name: 'Door', source: { type: 'file', path: '/dev/null' } });
    // Handlers that really write: if a malformed request slipped past validation, the data check would see it.
    const writes: Handlers = {
      'persons.create': (i) => f.personView(f.store.persons.create(i).id),
      'persons.update': (i) => f.personView(f.store.persons.update(i.id, i.patch).id),
      'cameras.remove': (i) => { f.store.cameras.remove(i.id); return { ok: true as const }; },
      'settings.update': (i) => f.store.settings.update(i),
      'events.list': () => ({ items: [], next_cursor: null }),
      'persons.list': () => ({ items: [], next_cursor: null }),
    };
    // Everything else the host would handle: echo, so a request that got past validation shows up as a 200.
    const echo: Record<string, (i: unknown) => unknown> = {};
    for (const m of Object.keys(contract) as MethodName[]) {
      if (!(m in writes) && !['auth', 'users', 'tokens', 'audit'].includes(m.split('.')[0]) && !['persons.setConsent', 'persons.erase', 'persons.exportData'].includes(m)) echo[m] = (i) => ({ echo: i });
    }
    f.dispatcher.register({ ...writes, ...(echo as Handlers) });
    const src = existsSync(SAMPLE) ? sharp(SAMPLE) : sharp({ create: { width: 320, height: 240, channels: 3, background: '#888' } });
    jpeg = await src.resize({ width: 320 }).jpeg().toBuffer();
  });
  after(async () => {
    await f.close();
    await engine?.dispose();
  });

  function snapshot(): string {
    const h = createHash('sha256');
    const tables: Record<string, string> = {
      users: 'SELECT id, username, password_hash, role, disabled FROM users ORDER BY id',
      api_tokens: 'SELECT id, name, secret_hash, scopes_json, revoked_at FROM api_tokens ORDER BY id',
      persons: 'SELECT * FROM persons ORDER BY id', face_templates: 'SELECT id FROM face_templates ORDER BY id',
      consents: 'SELECT * FROM consents ORDER BY person_id', cameras: 'SELECT id, config_json FROM cameras ORDER BY id',
      settings: 'SELECT key, value_json FROM settings ORDER BY key', detection_events: 'SELECT * FROM detection_events ORDER BY id',
      erasure_jobs: 'SELECT * FROM erasure_jobs ORDER BY id',
    };
    for (const [t, sql] of Object.entries(tables)) h.update(t).update(JSON.stringify(f.store.db.reader.prepare(sql).all()));
    return h.digest('hex');
  }

  function cases(): Req[] {
    const r = rng(1234);
    const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
    const out: Req[] = [];
    const methods = Object.keys(contract) as MethodName[];
    const wrong: unknown[] = [{ $: [1] }, [[]], -1e308, true, '\u0000\u202e', { toString: 1 }, 'x'.repeat(70_000)];
    const validJson = JSON.stringify({ username: 'admin', password: 'correct horse battery', id: personId });

    // 1. bad JSON on RPC and REST
    for (let i = 0; i < 150; i++) {
      const cut = validJson.slice(0, Math.floor(r() * (validJson.length - 1)));
      const junk = pick([cut, `${cut}}}}`, '{"a":', '[', 'nul', '{"a":1,}', "{'a':1}", '\u0000', '{"a":"\\u12"}', `{"a":${'['.repeat(5000)}`]);
      out.push({ method: 'POST', path: pick(['/api/rpc/persons.create', '/api/rpc/auth.login', '/api/v1/persons', '/api/v1/detections/process-frame']), body: junk, contentType: 'application/json', auth: 'admin' });
    }
    // 2. wrong types for every contract method's fields, and non-object bodies
    for (let i = 0; i < 300; i++) {
      const m = pick(methods);
      const shape = (contract[m].input as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      const body: Record<string, unknown> = {};
      for (const k of Object.keys(shape)) body[k] = pick(wrong);
      if (Object.keys(body).length === 0) body.unexpected = pick(wrong);
      out.push({ method: 'POST', path: `/api/rpc/${m}`, body: i % 10 === 0 ? pick(['[]', '42', '"str"', '[{"id":1}]']) : JSON.stringify(body), contentType: 'application/json', auth: 'admin' });
    }
    // 3. huge fields and bodies
    for (let i = 0; i < 60; i++) {
      const big = 'A'.repeat(pick([70_000, 300_000, 600_000])); // the fixture's body limit is 256 KiB
      out.push({ method: 'POST', path: pick(['/api/rpc/persons.create', '/api/v1/persons', '/api/rpc/auth.login']), body: JSON.stringify({ employee_id: big, name: big, username: big, password: big }), contentType: 'application/json', auth: 'admin' });
    }
    // 4. path traversal and junk in ids
    const evilIds = ['..', '../..', '..%2F..%2Fvigil.sqlite', '%2e%2e%2f%2e%2e', '..\\..\\windows', 'a%00b', '%00', 'x'.repeat(2000), '%E2%80%AE', 'per_1%20OR%201=1', '%25%32%65', '.%2e/.%2e/keys', 'id;rm -rf', '<script>', '%ff%fe'];
    for (const route of restRoutes.filter((x) => x.path.includes(':'))) {
      for (const id of evilIds) {
        const path = `/api/v1${route.path.replace(':template_id', id).replace(':id', id)}`;
        out.push({ method: route.method, path, body: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}', contentType: 'application/json', auth: 'admin' });
      }
    }
    for (const id of [...evilIds, 'snapshots/../../vigil.sqlite', 'snapshots/%2e%2e/%2e%2e/keys/secrets.key', 'keys/secrets.key', 'vigil.sqlite', 'snapshots//x.jpg', '.', '...jpg', 'audit.head']) {
      out.push({ method: 'GET', path: `/media/${id}`, auth: 'admin' });
      out.push({ method: 'GET', path: `/live/${id}`, auth: 'admin' });
    }
    // 5. process-frame: invalid base64, truncated and fake images, wrong field types
    const frame = (o: Record<string, unknown>) => JSON.stringify({ camera_id: 'cam_1', stream_type: 'RTSP', frame_id: `f${out.length}`, timestamp: '2025-11-06T12:45:23.123Z', frame_data: jpeg.toString('base64'), ...o });
    for (let i = 0; i < 120; i++) {
      const cut = 4 + Math.floor(r() * (jpeg.length * 0.6));
      const variants = [
        { frame_data: jpeg.subarray(0, cut).toString('base64') },
        { frame_data: Buffer.from([0xff, 0xd8, 0xff, ...Array.from({ length: 64 }, () => Math.floor(r() * 256))]).toString('base64') },
        { frame_data: `${jpeg.toString('base64').slice(0, 100)}!!*` },
        { frame_data: jpeg.toString('base64').slice(1) },
        { frame_data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64') },
        { frame_data: 12345 },
        { camera_id: '../../etc' },
        { timestamp: 'yesterday' },
        { frame_id: 'x'.repeat(500) },
        { detection_options: { parameters: { max_faces: -1 } } },
        { detection_options: { processing: { timeout_ms: 'soon' } } },
        { detection_options: { processing: { priority: 'asap' } } },
        { client_context: { callback_url: 'file:///etc/passwd' } },
        { frame_metadata: { size_bytes: -5 } },
        { stream_type: null },
      ];
      const v = pick(variants);
      out.push({ method: 'POST', path: '/api/v1/detections/process-frame', body: frame(v), contentType: 'application/json', auth: 'admin', needsDecoder: v === variants[0] || v === variants[1] });
    }
    out.push({ method: 'POST', path: '/api/v1/detections/process-frame', body: frame({ frame_data: 'A'.repeat(3 * 1024 * 1024) }), contentType: 'application/json', auth: 'admin' });
    // 6. query strings
    for (let i = 0; i < 100; i++) {
      const q = pick(['min_confidence=2', 'min_confidence=NaN', 'page_size=0', 'page_size=1e9', 'start_time=tomorrow', 'camera_id=../x', 'cursor=' + 'z'.repeat(400), 'decision=maybe', 'camera_id=a&camera_id=b', 'period=forever', 'date=2025-13-45x', 'format=exe', 'limit=-3']);
      const p = pick(['/api/v1/detections', '/api/v1/detections/statistics', '/api/v1/attendance', '/api/v1/attendance/export', '/api/v1/audit', '/api/v1/persons']);
      out.push({ method: 'GET', path: `${p}?${q}`, auth: 'admin' });
    }
    // 7. credentials and methods
    for (let i = 0; i < 80; i++) {
      out.push({ method: pick(['GET', 'POST']), path: pick(['/api/v1/cameras', '/api/v1/persons', '/api/v1/audit', '/api/rpc/cameras.list']), body: '{}', contentType: 'application/json', auth: pick(['none', 'garbage-cookie', 'garbage-bearer'] as const) });
    }
    for (let i = 0; i < 40; i++) {
      out.push({ method: pick(['PUT', 'DELETE', 'PATCH']), path: pick(['/api/rpc/auth.login', '/api/v1/detections/process-frame', '/api/v1/jobs/job_nope']), auth: 'admin' });
      out.push({ method: 'GET', path: pick(['/api/rpc/auth.login', '/api/v1/jobs/../../x', '/api/v1/jobs/job_nope']), auth: 'admin' });
      out.push({ method: 'POST', path: '/api/rpc/cameras.list', body: pick(['a=1', '<xml/>', 'plain']), contentType: pick(['application/x-www-form-urlencoded', 'text/xml', 'text/plain', 'multipart/form-data; boundary=x']), auth: 'admin' });
    }
    return out;
  }

  it('answers 1,000+ malformed requests with typed 4xx errors, never 5xx, and changes nothing', async () => {
    const before = snapshot();
    const all = cases().filter((c) => analyze || !c.needsDecoder);
    assert.ok(all.length >= 1000, `${all.length} cases`);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < all.length; i += 16) {
      await Promise.all(all.slice(i, i + 16).map(async (c) => {
        const headers: Record<string, string> = {};
        if (c.contentType) headers['content-type'] = c.contentType;
        if (c.auth === 'admin') headers.cookie = admin;
        if (c.auth === 'garbage-cookie') headers.cookie = `vigil_session=${'A'.repeat(43)}`;
        if (c.auth === 'garbage-bearer') headers.authorization = 'Bearer vgl_000000000000000000000000_AAAA';
        let status: number;
        let text: string;
        try {
          const res = await fetch(`${f.url}${c.path}`, { method: c.method, headers, body: c.method === 'GET' || c.method === 'HEAD' ? undefined : c.body });
          status = res.status;
          text = await res.text();
        } catch (err) {
          failures.push(`${c.method} ${c.path.slice(0, 80)}: transport error ${(err as Error).message}`);
          return;
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const typed = (() => { try { return ErrorResponseSchema.safeParse(JSON.parse(text)).success; } catch { return false; } })();
        if (status < 400 || status >= 500 || !typed) failures.push(`${c.method} ${c.path.slice(0, 80)} ${c.body?.slice(0, 60) ?? ''} → ${status} ${text.slice(0, 160)}`);
      }));
    }
    assert.deepEqual(failures, [], `${failures.length} bad answers`);
    assert.equal(snapshot(), before, 'stored data unchanged');
    const health = await fetch(`${f.url}/healthz`);
    assert.equal(health.status, 200, 'still serving');
    assert.ok(z.number().parse(statuses.get(400)) > 300);
  });
});
