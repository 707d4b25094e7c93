// The host-core process of the desktop app: the same host `vigil serve` runs (cameras, pipeline, SQLite, engine
// client), plus the desktop adapter (window sessions, role checks on media), answering main over a ParentLink.
// Main only relays what its IPC gates let through; frames, database writes and the engine's traffic stay here.
import pino from 'pino';
import { VigilError } from '../../src-contract/errors.ts';
import type { ErrorBody } from '../../src-contract/errors.ts';
import type { EngineLauncher } from '../engine-host/launcher.ts';
import { FileKeyProvider } from '../security/file-key-provider.ts';
import type { KeyProvider } from '../security/key-provider.ts';
import type { DesktopHost } from './desktop-host.ts';
import { toErrorBody } from './error-body.ts';
import { createDesktopHost, type HostParts } from './host-adapter.ts';
import { MEDIA_CREDIT_WINDOW, type HostInit, type MainToHost, type MediaRequest, type ParentLink } from './host-wire.ts';
import type { ShellLog } from './shell-log.ts';

/** Serves one DesktopHost over the link until 'close'; returns a function that handles one message. */
export function serveDesktopHost(link: ParentLink, host: DesktopHost, log: ShellLog, onClosed: () => void): (msg: MainToHost) => void {
  const subs = new Map<number, () => void>();
  const media = new Map<number, { credits: number; wake: (() => void) | null; cancel: () => void }>();
  const fail = (err: unknown, context: object): ErrorBody => toErrorBody(err, log, context);

  async function streamMedia(id: number, req: MediaRequest, ctx: Parameters<DesktopHost['openMedia']>[1]): Promise<void> {
    const ac = new AbortController();
    const state = { credits: MEDIA_CREDIT_WINDOW, wake: null as (() => void) | null, cancel: () => ac.abort() };
    media.set(id, state);
    try {
      const body = req.kind === 'file' ? await host.openMedia(req.ref, ctx) : await host.openLive(req.cameraId, req.transport, ctx, ac.signal);
      if (!body) {
        link.send({ t: 'media-head', id, mime: null });
        return;
      }
      link.send({ t: 'media-head', id, mime: body.mime, ...(body.size !== undefined ? { size: body.size } : {}) });
      const reader = body.body.getReader();
      ac.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
      for (;;) {
        while (state.credits <= 0 && !ac.signal.aborted) await new Promise<void>((r) => { state.wake = r; });
        if (ac.signal.aborted) return;
        const { done, value } = await reader.read();
        if (done || ac.signal.aborted) break;
        state.credits--;
        link.send({ t: 'media-chunk', id, bytes: value });
      }
      link.send({ t: 'media-end', id });
    } catch (err) {
      if (!ac.signal.aborted) link.send({ t: 'media-end', id, error: fail(err, { media: req.kind }) });
    } finally {
      media.delete(id);
    }
  }

  return (msg: MainToHost) => {
    switch (msg.t) {
      case 'call':
        host.dispatch(msg.method, msg.input, msg.ctx).then(
          (value) => link.send({ t: 'result', id: msg.id, ok: true, value }),
          (err: unknown) => link.send({ t: 'result', id: msg.id, ok: false, error: fail(err, { method: msg.method }) }),
        );
        return;
      case 'health':
        Promise.resolve().then(() => host.health()).then(
          (value) => link.send({ t: 'result', id: msg.id, ok: true, value }),
          (err: unknown) => link.send({ t: 'result', id: msg.id, ok: false, error: fail(err, { op: 'health' }) }),
        );
        return;
      case 'sub':
        try {
          subs.set(msg.id, host.subscribe(msg.topic, msg.filter, msg.ctx, (payload) => link.send({ t: 'event', id: msg.id, payload })));
        } catch (err) {
          link.send({ t: 'sub-error', id: msg.id, error: fail(err, { topic: msg.topic }) });
        }
        return;
      case 'unsub':
        subs.get(msg.id)?.();
        subs.delete(msg.id);
        return;
      case 'end-session':
        host.endSession?.(msg.sessionId);
        return;
      case 'media':
        void streamMedia(msg.id, msg.req, msg.ctx);
        return;
      case 'media-credit': {
        const s = media.get(msg.id);
        if (!s) return;
        s.credits = Math.min(MEDIA_CREDIT_WINDOW, s.credits + msg.n);
        s.wake?.();
        s.wake = null;
        return;
      }
      case 'media-cancel': {
        const s = media.get(msg.id);
        s?.cancel();
        s?.wake?.();
        return;
      }
      case 'close':
        for (const off of subs.values()) off();
        subs.clear();
        for (const s of media.values()) { s.cancel(); s.wake?.(); }
        host.close().then(
          () => link.send({ t: 'result', id: msg.id, ok: true, value: null }),
          (err: unknown) => link.send({ t: 'result', id: msg.id, ok: false, error: fail(err, { op: 'close' }) }),
        ).finally(onClosed);
        return;
      default:
        return;
    }
  };
}

export interface HostProcessDeps {
  /** Starts the host core (host/host.ts createHost, adapted); injected so this module stays light to import. */
  createHost(init: HostInit, extra: { keyProvider?: KeyProvider; engineLauncher?: EngineLauncher; logger: pino.Logger }): Promise<HostParts>;
  /** Builds the bridged key provider (key-bridge.ts) for `{ kind: 'bridge' }`. */
  bridgeKeys?(key: Extract<NonNullable<HostInit['key']>, { kind: 'bridge' }>): KeyProvider;
  /** The engine launcher for `engine: 'broker'` (asks main to start each engine). */
  brokerLauncher?(link: ParentLink, onMessage: (fn: (msg: MainToHost, ports: readonly unknown[]) => void) => void): EngineLauncher;
  exit(code: number): void;
}

/** Waits for 'init', starts the host, then serves it; a second 'init' or an early call is answered with an error. */
export function runHostProcess(link: ParentLink, deps: HostProcessDeps): void {
  let handle: ((msg: MainToHost) => void) | null = null;
  let starting = false;
  const others: Array<(msg: MainToHost, ports: readonly unknown[]) => void> = [];
  link.onMessage((msg, ports) => {
    for (const fn of others) fn(msg, ports);
    if (msg.t === 'engine-port' || msg.t === 'engine-exit') return;
    if (handle) return handle(msg);
    if (msg.t !== 'init') {
      if ('id' in msg && msg.t !== 'media-credit' && msg.t !== 'media-cancel' && msg.t !== 'unsub') {
        link.send({ t: 'result', id: msg.id, ok: false, error: { code: 'INTERNAL', message: 'the host is still starting' } });
      }
      return;
    }
    if (starting) return;
    starting = true;
    void start(msg.init);
  });

  async function start(init: HostInit): Promise<void> {
    const logger = pino({ level: init.logLevel ?? 'info', base: { app: 'vigil-host' } },
      init.logFile ? pino.destination({ dest: init.logFile, sync: false, mkdir: true }) : pino.destination(1));
    try {
      const keyProvider = init.key?.kind === 'key-file' ? FileKeyProvider.open(init.key.path)
        : init.key?.kind === 'bridge' ? deps.bridgeKeys?.(init.key) : undefined;
      if (init.key?.kind === 'bridge' && !keyProvider) throw new VigilError('INTERNAL', 'no key bridge in this host process');
      const engineLauncher = init.engine === 'broker' ? deps.brokerLauncher?.(link, (fn) => others.push(fn)) : undefined;
      const parts = await deps.createHost(init, { keyProvider, engineLauncher, logger });
      const host = createDesktopHost(parts);
      handle = serveDesktopHost(link, host, logger, () => {
        logger.flush();
        deps.exit(0);
      });
      link.send({ t: 'ready', pid: process.pid });
    } catch (err) {
      logger.error({ err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) }, 'the host could not start');
      logger.flush();
      link.send({ t: 'init-error', error: err instanceof VigilError ? err.toBody() : { code: 'INTERNAL', message: (err as Error)?.message ?? String(err) } });
    }
  }
}
