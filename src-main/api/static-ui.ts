// The built console (dist/renderer) with SPA fallback: a browser navigation to an app route (/people/42) gets
// index.html; API, media and live paths get a JSON 404 instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const NOT_UI = ['/api/', '/media/', '/live/', '/healthz'];

export async function registerStaticUi(app: FastifyInstance, rendererDir: string | null): Promise<{ spaFallback: (req: FastifyRequest, reply: FastifyReply) => boolean }> {
  const hasUi = rendererDir !== null && existsSync(join(rendererDir, 'index.html'));
  if (hasUi) {
    await app.register(fastifyStatic, {
      root: rendererDir,
      prefix: '/',
      index: ['index.html'],
      // Vite's hashed assets never change; index.html must always be revalidated.
      setHeaders: (reply, path) => {
        void reply.header('cache-control', path.includes(`${'/'}assets${'/'}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  return {
    spaFallback(req, reply) {
      if (!hasUi || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
      const path = req.url.split('?')[0];
      if (NOT_UI.some((p) => path.startsWith(p)) || !String(req.headers.accept ?? '').includes('text/html')) return false;
      void reply.header('cache-control', 'no-cache').sendFile('index.html');
      return true;
    },
  };
}
