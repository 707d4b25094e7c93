// The live picture of one camera: fMP4 through MSE, multipart MJPEG in an <img>, or a placeholder.
import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { useConnection } from '../../app/connection.ts';
import { MsePlayer } from './mse-player.ts';
import type { PlayerState } from './mse-player.ts';
import type { VideoSync } from './video-sync.ts';

export type MediaElement = HTMLVideoElement | HTMLImageElement;

export function LiveVideo({ camera, mediaRef, sync }: { camera: CameraView; mediaRef: RefObject<MediaElement | null>; sync?: VideoSync }) {
  const { t } = useTranslation();
  const running = camera.state === 'live';
  const transport = camera.live_transport;
  if (transport === 'none') return <div className="live-placeholder">{t('live.noPicture')}</div>;
  if (!running) return <div className="live-placeholder" aria-hidden="true" />;
  return transport === 'mjpeg'
    ? <MjpegView cameraId={camera.id} mediaRef={mediaRef as RefObject<HTMLImageElement | null>} name={camera.name} />
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
    const player = new MsePlayer(video, api().liveUrl(cameraId, 'fmp4'), (s, d) => { setState(s); setDetail(d); }, sync);
    player.start();
    return () => player.stop();
  }, [cameraId, mediaRef, sync]);
  return (
    <>
      <video ref={mediaRef} className="live-media" muted playsInline autoPlay aria-label={t('live.videoOf', { name })} data-testid="live-video" />
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
