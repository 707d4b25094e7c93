// GET /media/<ref>: snapshots and enrolment photos from the media root (the data directory). Only image files are
// served, the reference must match MediaRefSchema (no "..", no odd characters), and the resolved real path (after
// symlinks) must stay inside the root, so neither the database nor the key file can be fetched this way.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../src-contract/errors.ts';
import { MEDIA_PREFIX } from '../../src-contract/http-transport.ts';
import { MediaRefSchema } from '../../src-contract/schemas.ts';
import { callerOf, requireCaller, type Authenticate } from './request-auth.ts';

const TYPES: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };

export function registerMediaRoutes(app: FastifyInstance, deps: { mediaRoot: string; authenticate: Authenticate }): void {
  const root = resolve(deps.mediaRoot);
  let realRoot: Promise<string> | null = null;

  app.get(`${MEDIA_PREFIX}*`, async (req, reply) => {
    requireCaller(callerOf(req, deps.authenticate), ['admin', 'guard'], 'read');
    const ref = (req.params as { '*'?: string })['*'] ?? '';
    const notFound = () => new VigilError('NOT_FOUND', 'no such media file');
    if (!MediaRefSchema.safeParse(ref).success || ref.split('/').some((seg) => seg === '' || seg.startsWith('.'))) {
      throw new VigilError('INVALID_REQUEST', 'invalid media reference', { field: 'path' });
    }
    const type = TYPES[extname(ref).toLowerCase()];
    if (!type) throw notFound();
    const abs = join(root, ref);
    if (!abs.startsWith(root + sep)) throw notFound();
    let real: string;
    try {
      realRoot ??= realpath(root);
      real = await realpath(abs);
    } catch {
      throw notFound();
    }
    if (!real.startsWith((await realRoot) + sep)) throw notFound();
    const st = await stat(real).catch(() => null);
    if (!st?.isFile()) throw notFound();
    reply.header('content-type', type).header('content-length', st.size).header('cache-control', 'private, max-age=3600');
    return reply.send(createReadStream(real));
  });
}
