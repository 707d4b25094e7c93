// The live picture of one camera: fMP4 through MSE, JPEG pictures in an <img>, or a placeholder. Both come over the
// console's one WebSocket when the client offers it (browser console: six HTTP/1.1 connections per host cannot carry
// a wall of long streams), else as one HTTP stream per tile (the Electron app:// protocol, other clients).
import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { useConnection } from '../../app/connection.ts';
import { MsePlayer } from './mse-player.ts';
import type { Fmp4Source, PlayerState } from './mse-player.ts';
import type { VideoSync } from './video-sync.ts';

export type MediaElement = HTMLVideoElement | HTMLImageElement;

export function LiveVideo({ camera, mediaRef, sync }: { camera: CameraView; mediaRef: RefObject<MediaElement | null>; sync?: VideoSync }) {
  const { t } = useTranslation();
  const running = camera.state === 'live';
  const transport = camera.live_transport;
  if (transport === 'none') return <div className="live-placeholder">{t('live.noPicture')}</div>;
  if (!running) return <div className="live-placeholder" aria-hidden="true" />;
  return transport === 'mjpeg'
    ? api().liveFrames
      ? <MjpegSocketView cameraId={camera.id} mediaRef={mediaRef as RefObject<HTMLImageElement | null>} name={camera.name} />
      : <MjpegView cameraId={camera.id} mediaRef={mediaRef as RefObject<HTMLImageElement | null>} name={camera.name} />
    : <Fmp4View cameraId={camera.id} mediaRef={mediaRef as RefObject<HTMLVideoElement | null>} name={camera.name} sync={sync} />;
}

function Fmp4View({ cameraId, mediaRef, name, sync }: { cameraId: string; mediaRef: RefObject<HTMLVideoElement | null>; name: string; sync?: VideoSync }) {
  const { t } = useTranslation();
  const [state, setState] = useState<PlayerState>('starting');
  const [detail, setDetail] = useState<string | undefined>();
  useEffect(() => {
    const video = mediaRef.current;
    if (!video) return;
    if (!MsePlayer.supported()) { setState('unsupported'); return; }
    const client = api();
    const source: Fmp4Source = client.liveVideo
      ? { kind: 'socket', open: (onChunk, onError) => client.liveVideo!(cameraId, onChunk, onError) }
      : { kind: 'http', url: client.liveUrl(cameraId, 'fmp4') };
    const player = new MsePlayer(video, source, (s, d) => { setState(s); setDetail(d); }, sync);
    player.start();
    return () => player.stop();
  }, [cameraId, mediaRef, sync]);
  return (
    <>
      <video ref={mediaRef} className="live-media" muted playsInline autoPlay aria-label={t('live.videoOf', { name })} data-testid="live-video" data-live={api().liveVideo ? 'ws' : 'http'} />
      {state !== 'playing' && (
        <div className="live-status" role="status">
          {state === 'unsupported' ? t('live.unsupported', { codec: detail ?? '' }) : state === 'retrying' ? t('live.videoRetrying') : t('live.videoStarting')}
        </div>
      )}
    </>
  );
}

function MjpegView({ cameraId, mediaRef, name }: { cameraId: string; mediaRef: RefObject<HTMLImageElement | null>; name: string }) {
  const { t } = useTranslation();
  const [attempt, setAttempt] = useState(0);
  const [failed, setFailed] = useState(false);
  const retry = useRef<ReturnType<typeof setTimeout> | null>(null);
  // A host restart ends the multipart stream without an error event: the picture freezes or goes black.
  // The connection epoch changes when the contract connection comes back, which reopens the stream.
  const epoch = useConnection((s) => s.epoch);
  useEffect(() => () => { if (retry.current) clearTimeout(retry.current); }, []);
  useEffect(() => { if (retry.current) clearTimeout(retry.current); setAttempt(0); setFailed(false); }, [epoch]);
  const base = api().liveUrl(cameraId, 'mjpeg');
  // A new query string forces the browser to reopen the multipart stream (after an error or a reconnect).
  const src = attempt === 0 && epoch <= 1 ? base : `${base}${base.includes('?') ? '&' : '?'}c=${epoch}.${attempt}`;
  return (
    <>
      <img
        ref={mediaRef}
        className="live-media"
        src={src}
        alt={t('live.videoOf', { name })}
        data-testid="live-mjpeg"
        onLoad={() => setFailed(false)}
        onError={() => {
          setFailed(true);
          retry.current = setTimeout(() => setAttempt((a) => a + 1), Math.min(10_000, 1000 * 2 ** Math.min(attempt, 4)));
        }}
      />
      {failed && <div className="live-status" role="status">{t('live.videoRetrying')}</div>}
    </>
  );
}

/**
 * JPEG pictures over the console's one WebSocket (a wall of multipart <img> streams would take all six HTTP/1.1
 * connections a browser allows per host). Each picture becomes an object URL in the <img>; while one decodes only
 * the newest next one is kept (older ones are dropped and acknowledged at once), so a slow tile never queues. The
 * socket re-opens the tile by itself after a host restart.
 */
function MjpegSocketView({ cameraId, mediaRef, name }: { cameraId: string; mediaRef: RefObject<HTMLImageElement | null>; name: string }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    const img = mediaRef.current;
    const client = api();
    if (!img || !client.liveFrames) return;
    const liveFrames = client.liveFrames.bind(client);
    let stopped = false;
    let current: string | null = null;
    let loading: { url: string; done: () => void } | null = null;
    let next: { jpeg: Uint8Array; done: () => void } | null = null;
    let errors = 0;
    let retry: ReturnType<typeof setTimeout> | null = null;
    const show = (jpeg: Uint8Array, done: () => void) => {
      const url = URL.createObjectURL(new Blob([jpeg as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
      loading = { url, done };
      img.src = url;
    };
    const settle = (ok: boolean) => {
      const l = loading;
      if (!l) return;
      loading = null;
      if (ok) {
        if (current) URL.revokeObjectURL(current);
        current = l.url;
        errors = 0;
        setShown(true);
        setFailed(false);
      } else {
        URL.revokeObjectURL(l.url);
      }
      l.done();
      const n = next;
      next = null;
      if (n && !stopped) show(n.jpeg, n.done);
    };
    const onLoad = () => settle(true);
    const onError = () => settle(false);
    img.addEventListener('load', onLoad);
    img.addEventListener('error', onError);
    const open = (): (() => void) => liveFrames(cameraId, (jpeg, done) => {
      if (stopped) return done();
      if (loading) {
        next?.done(); // a newer picture replaces the one waiting: stale pictures are dropped, never queued
        next = { jpeg, done };
        return;
      }
      show(jpeg, done);
    }, () => {
      // The host refused the tile (no picture yet, camera restarting): ask again with a growing pause.
      setFailed(true);
      if (retry || stopped) return;
      retry = setTimeout(() => {
        retry = null;
        if (stopped) return;
        stop();
        stop = open();
      }, Math.min(10_000, 500 * 2 ** Math.min(errors++, 5)));
    });
    let stop = open();
    return () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      stop();
      img.removeEventListener('load', onLoad);
      img.removeEventListener('error', onError);
      loading?.done();
      next?.done();
      if (loading) URL.revokeObjectURL(loading.url);
      if (current) URL.revokeObjectURL(current);
    };
  }, [cameraId, mediaRef]);
  return (
    <>
      <img ref={mediaRef} className="live-media" alt={t('live.videoOf', { name })} data-testid="live-mjpeg" data-live="ws" />
      {(!shown || failed) && <div className="live-status" role="status">{failed ? t('live.videoRetrying') : t('live.videoStarting')}</div>}
    </>
  );
}
