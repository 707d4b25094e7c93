// One camera large, with its statistics, its alerts and the strip of its recent events.
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { Icon } from '../../ui/icons.tsx';
import { errorText } from '../../ui/error-text.ts';
import { fmtMs, fmtPercent, fmtTime } from '../../ui/format.ts';
import { toast } from '../../ui/toasts.tsx';
import { useCameras } from '../cameras/store.ts';
import { AlertsPanel } from './AlertsPanel.tsx';
import { CameraTile } from './CameraTile.tsx';
import { useLive } from './store.ts';
import { toggleFullscreen, useLiveShortcuts } from './use-live-shortcuts.ts';

export function SingleView({ cameraId }: { cameraId: string }) {
  const { t } = useTranslation();
  const { cameras: all, status, error, load } = useCameras();
  const { recent, loadRecent, applyTrack, acknowledgeOldest, setGrid, setFocus } = useLive();
  const cameras = useMemo(() => all.filter((c) => c.enabled), [all]);
  const index = cameras.findIndex((c) => c.id === cameraId);
  const camera = all.find((c) => c.id === cameraId);
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => { void load().catch(() => {}); }, [load]);
  useEffect(() => {
    void loadRecent(cameraId);
    return api().subscribe('events.track', { camera_id: cameraId }, applyTrack);
  }, [cameraId, loadRecent, applyTrack]);
  useEffect(() => { if (index >= 0) setFocus(index); }, [index, setFocus]);

  const handlers = useMemo(() => ({
    grid: (g: 1 | 4 | 9 | 16) => { setGrid(g); navigate({ screen: 'live' }); },
    step: (d: number) => {
      if (cameras.length === 0) return;
      const next = cameras[(Math.max(0, index) + d + cameras.length) % cameras.length];
      navigate({ screen: 'live', id: next.id }, { replace: true });
    },
    acknowledge: () => { void acknowledgeOldest().catch((err) => toast.error(t('live.ackFailed', { error: errorText(err, t) }))); },
    fullscreen: () => toggleFullscreen(ref.current),
    back: () => navigate({ screen: 'live' }),
  }), [cameras, index, setGrid, acknowledgeOldest, t]);
  useLiveShortcuts(handlers);

  if (status === 'loading' || status === 'idle') return <Loading />;
  if (status === 'error') return <ErrorState error={error} onRetry={() => void load(true).catch(() => {})} />;
  if (!camera) {
    return <EmptyState title={t('live.cameraNotFound')} action={<button type="button" className="btn" onClick={() => navigate({ screen: 'live' })}>{t('live.backToWall')}</button>} />;
  }
  const strip = recent[cameraId];
  const s = camera.stats;
  return (
    // Full screen keeps the side panel (statistics, this camera's alerts) with the video.
    <div className="single-layout" ref={ref}>
      <div className="single-main">
        <div className="toolbar">
          <button type="button" className="btn btn-small" onClick={() => navigate({ screen: 'live' })}><Icon name="back" size={18} /> {t('live.backToWall')}</button>
          <h1 className="toolbar-title">{camera.name}</h1>
          {camera.location && <span className="muted">{camera.location}</span>}
          <span className="toolbar-spacer" />
          <button type="button" className="btn btn-small" onClick={() => handlers.step(-1)} aria-label={t('live.prevCamera')}>‹</button>
          <button type="button" className="btn btn-small" onClick={() => handlers.step(1)} aria-label={t('live.nextCamera')}>›</button>
          <button type="button" className="btn btn-small" onClick={() => toggleFullscreen(ref.current)}><Icon name="fullscreen" size={18} /> {t('live.fullscreen')}</button>
        </div>
        <div className="single-video"><CameraTile camera={camera} large /></div>
        <section className="strip" aria-label={t('live.recentEvents')}>
          <h2>{t('live.recentEvents')}</h2>
          {!strip || strip.status === 'loading' ? <Loading /> : strip.status === 'error' ? <ErrorState error={strip.error} onRetry={() => void loadRecent(cameraId)} /> : strip.events.length === 0 ? (
            <p className="muted">{t('live.noRecentEvents')}</p>
          ) : (
            <ul className="strip-list">
              {strip.events.map((e) => (
                <li key={e.id}>
                  <button type="button" className={`strip-item decision-${e.decision}`} onClick={() => navigate({ screen: 'events', id: e.id })} data-testid="recent-event">
                    {e.face_snapshot ? <img src={api().mediaUrl(e.face_snapshot)} alt="" /> : <span className="strip-noimg"><Icon name="user" /></span>}
                    <span className="strip-name">{e.person_name ?? (e.decision === 'pending' ? t('live.identifying') : t('live.unknown'))}</span>
                    <span className="strip-time">{fmtTime(e.started_at)}{e.confidence !== null && ` · ${fmtPercent(e.confidence)}`}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
      <aside className="single-side">
        <section className="panel">
          <h2>{t('live.statistics')}</h2>
          <dl className="stats">
            <dt>{t('cameras.stats.fps')}</dt><dd>{s.fps.toFixed(1)}</dd>
            <dt>{t('cameras.stats.processed')}</dt><dd>{s.frames_processed.toLocaleString()}</dd>
            <dt>{t('cameras.stats.dropped')}</dt><dd>{s.frames_dropped.toLocaleString()}</dd>
            <dt>{t('cameras.stats.skipped')}</dt><dd>{(s.frames_skipped_static ?? 0).toLocaleString()}</dd>
            <dt>{t('cameras.stats.latency')}</dt><dd title={s.avg_latency_ms === null ? t('cameras.stats.latencyUnknownHint') : undefined}>{s.avg_latency_ms === null ? t('cameras.stats.latencyUnknown') : fmtMs(s.avg_latency_ms)}</dd>
            <dt>{t('cameras.stats.reconnections')}</dt><dd>{s.reconnections}</dd>
          </dl>
        </section>
        <AlertsPanel cameraId={cameraId} />
      </aside>
    </div>
  );
}
