// Test support (imported by *.test.ts only): a real store in a temp directory with the access-control tables, a
// Dispatcher with auth/audit/privacy registered, the real HTTP server on 127.0.0.1:0, and small HTTP helpers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Person } from '../../../src-contract/schemas.ts';
import { Dispatcher } from '../../core/dispatcher.ts';
import { TopicBus } from '../../core/topic-bus.ts';
import { openStore, type HostStore } from '../../storage/host-store.ts';
import { storageHealth } from '../../storage/storage-health.ts';
import { ACCESS_MIGRATIONS, createAccessControl, type AccessControl } from '../../host/access-control.ts';
import { createApiServer, type ApiServer, type ApiServerDeps } from '../server.ts';

/** Response bodies as tests read them (checked field by field, or against a zod schema). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- ad hoc reads in tests
export type Body = any;

export interface ApiFixture {
  dataDir: string;
  store: HostStore;
  dispatcher: Dispatcher;
  bus: TopicBus;
  access: AccessControl;
  server: ApiServer;
  url: string;
  personView(id: string): Person;
  /** First admin through auth.setup with the printed setup token; returns the session cookie. */
  setupAdmin(username?: string, password?: string): Promise<string>;
  /** Creates a user with the admin cookie and signs in as them; returns their cookie. */
  userCookie(adminCookie: string, role: 'admin' | 'guard' | 'auditor', username: string): Promise<string>;
  rpc(method: string, input: unknown, cookie?: string): Promise<{ status: number; body: Body; headers: Headers }>;
  http(method: string, path: string, opts?: { cookie?: string; token?: string; body?: unknown; raw?: string; headers?: Record<string, string> }): Promise<{ status: number; body: Body; headers: Headers; bytes: Buffer }>;
  close(): Promise<void>;
}

/** Cheaper scrypt for tests that create many accounts (the default cost is exercised by the password test). */
export const TEST_SCRYPT = { N: 2 ** 12, r: 8, p: 1 };

export async function startApiFixture(opts: Partial<Omit<ApiServerDeps, 'dispatcher' | 'bus' | 'authenticate' | 'mediaRoot'>> & { now?: () => number } = {}): Promise<ApiFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-api-'));
  const store = await openStore(dataDir, { migrations: ACCESS_MIGRATIONS, durability: 'normal' });
  const dispatcher = new Dispatcher();
  const bus = new TopicBus();
  const personView = (id: string): Person => {
    const p = store.persons.get(id);
    if (!p) throw Object.assign(new Error(`person ${id} not found`), { code: 'NOT_FOUND' });
    return {
      id: p.id, employee_id: p.employeeId, name: p.name, department: p.department, status: p.status, watchlist: p.watchlist, shift_id: p.shiftId,
      start_date: p.startDate, demo: p.demo, template_count: p.templateCount, consent: access.privacy.consents.get(id), created_at: new Date(p.createdAt).toISOString(),
      updated_at: new Date(p.updatedAt).toISOString(), thumbnail: null,
    };
  };
  const access = await createAccessControl(store, dispatcher, { personView, now: opts.now, auth: { scrypt: TEST_SCRYPT } });
  const server = await createApiServer({
    dispatcher, bus, authenticate: access.auth.authenticate, onAccessChange: access.auth.onAccessChange, mediaRoot: dataDir, rendererDir: null,
    healthz: () => ({
      storage: storageHealth.state,
      engine: { ready: opts.analyzeFrame !== undefined, providers: {} },
      cameras: store.cameras.list().map((c) => ({ id: c.config.id, name: c.config.name, state: 'stopped', fps: 0 })),
      counters: { frames_analysed: 0, faces_detected: 0, recognized: 0, unknown: 0, attendance_records: 0 },
    }),
    ...opts,
  });
  const url = await server.listen(0);

  const http: ApiFixture['http'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.cookie) headers.cookie = o.cookie;
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body: string | undefined = o.raw;
    if (o.body !== undefined) body = JSON.stringify(o.body);
    if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${url}${path}`, { method, headers, body });
    const bytes = Buffer.from(await res.arrayBuffer());
    let parsed: unknown = null;
    if ((res.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(bytes.toString('utf8'));
    return { status: res.status, body: parsed, headers: res.headers, bytes };
  };
  const rpc: ApiFixture['rpc'] = (method, input, cookie) => http('POST', `/api/rpc/${method}`, { cookie, body: input });
  const cookieOf = (h: Headers): string => {
    const c = h.get('set-cookie');
    if (!c) throw new Error('no session cookie set');
    return c.split(';')[0];
  };

  return {
    dataDir, store, dispatcher, bus, access, server, url, personView, rpc, http,
    async setupAdmin(username = 'admin', password = 'correct horse battery') {
      const r = await rpc('auth.setup', { setup_token: access.auth.setupToken(), username, password });
      if (r.status !== 200) throw new Error(`setup failed: ${JSON.stringify(r.body)}`);
      return cookieOf(r.headers);
    },
    async userCookie(adminCookie, role, username) {
      const password = `${username}-password-123`;
      const c = await rpc('users.create', { username, password, role }, adminCookie);
      if (c.status !== 200) throw new Error(`users.create failed: ${JSON.stringify(c.body)}`);
      const r = await rpc('auth.login', { username, password });
      if (r.status !== 200) throw new Error(`login failed: ${JSON.stringify(r.body)}`);
      return cookieOf(r.headers);
    },
    async close() {
      await server.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
