// Guards' main screen: a 1/4/9/16 grid of live cameras with overlays, alerts beside it, keyboard driven.
import { useEffect, useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { navigate } from '../../app/router.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { Icon } from '../../ui/icons.tsx';
import { errorText } from '../../ui/error-text.ts';
import { toast } from '../../ui/toasts.tsx';
import { useAuth } from '../auth/store.ts';
import { useCameras } from '../cameras/store.ts';
import { AlertsPanel } from './AlertsPanel.tsx';
import { CameraTile } from './CameraTile.tsx';
import { GRID_SIZES, useLive } from './store.ts';
import { toggleFullscreen, useLiveShortcuts } from './use-live-shortcuts.ts';

export function LiveWall() {
  const { t } = useTranslation();
  const { cameras: all, status, error, load } = useCameras();
  const role = useAuth((s) => s.user?.role);
  const { grid, page, focus, soundOn, setGrid, fitGrid, setPage, setFocus, toggleSound, acknowledgeOldest } = useLive();
  const wallRef = useRef<HTMLDivElement>(null);
  const cameras = useMemo(() => all.filter((c) => c.enabled), [all]);
  const pages = Math.max(1, Math.ceil(cameras.length / grid));
  const current = Math.min(page, pages - 1);
  const visible = cameras.slice(current * grid, current * grid + grid);

  useEffect(() => { void load().catch(() => {}); }, [load]);
  useEffect(() => { if (status === 'ready') fitGrid(cameras.length); }, [status, cameras.length, fitGrid]);
  useEffect(() => { if (focus >= cameras.length && cameras.length > 0) setFocus(cameras.length - 1); }, [cameras.length, focus, setFocus]);

  const handlers = useMemo(() => ({
    grid: setGrid,
    step: (d: number) => { if (cameras.length) setFocus((focus + d + cameras.length) % cameras.length); },
    acknowledge: () => { void acknowledgeOldest().catch((err) => toast.error(t('live.ackFailed', { error: errorText(err, t) }))); },
    fullscreen: () => toggleFullscreen(wallRef.current),
    open: () => { const c = cameras[focus]; if (c) navigate({ screen: 'live', id: c.id }); },
  }), [setGrid, setFocus, focus, cameras, acknowledgeOldest, t]);
  useLiveShortcuts(handlers);

  let body;
  if (status === 'loading' || status === 'idle') body = <Loading label={t('live.loadingCameras')} />;
  else if (status === 'error') body = <ErrorState error={error} onRetry={() => void load(true).catch(() => {})} />;
  else if (cameras.length === 0) {
    body = (
      <EmptyState
        icon={<Icon name="cameras" size={40} />}
        title={t('live.noCameras')}
        hint={role === 'admin' ? t('live.noCamerasAdmin') : t('live.noCamerasGuard')}
        action={role === 'admin' && <button type="button" className="btn btn-primary" onClick={() => navigate({ screen: 'cameras', id: 'new' })}>{t('cameras.add')}</button>}
      />
    );
  } else {
    const cols = Math.sqrt(grid);
    body = (
      <div className="wall-grid" style={{ gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gridTemplateRows: `repeat(${cols}, minmax(0, 1fr))` }} data-grid={grid}>
        {visible.map((c, i) => (
          <CameraTile key={c.id} camera={c} focused={current * grid + i === focus} onOpen={() => navigate({ screen: 'live', id: c.id })} />
        ))}
        {Array.from({ length: grid - visible.length }, (_, i) => <div key={`empty-${i}`} className="tile tile-empty" aria-hidden="true" />)}
      </div>
    );
  }

  return (
    // Full screen takes the wall and its alerts together: a guard never loses the alerts panel.
    <div className="live-layout" ref={wallRef}>
      <section className="wall" aria-label={t('nav.live')}>
        <div className="toolbar">
          <h1 className="toolbar-title">{t('nav.live')}</h1>
          <div className="segmented" role="group" aria-label={t('live.gridSize')}>
            {GRID_SIZES.map((g) => (
              <button key={g} type="button" className="seg" aria-pressed={grid === g} onClick={() => setGrid(g)} title={t('live.gridKey', { key: g === 16 ? '6 or 0' : String(g) })}>
                {t('live.gridOption', { count: g })}
              </button>
            ))}
          </div>
          {pages > 1 && (
            <div className="pager" role="group" aria-label={t('live.pages')}>
              <button type="button" className="btn btn-small" disabled={current === 0} onClick={() => setPage(current - 1)} aria-label={t('common.previous')}>‹</button>
              <span>{t('live.pageOf', { page: current + 1, pages })}</span>
              <button type="button" className="btn btn-small" disabled={current >= pages - 1} onClick={() => setPage(current + 1)} aria-label={t('common.next')}>›</button>
            </div>
          )}
          <span className="toolbar-spacer" />
          <button type="button" className="btn btn-small" aria-pressed={soundOn} onClick={toggleSound}>
            <Icon name={soundOn ? 'soundOn' : 'soundOff'} size={18} /> {soundOn ? t('live.soundOn') : t('live.soundOff')}
          </button>
          <button type="button" className="btn btn-small" onClick={() => toggleFullscreen(wallRef.current)}>
            <Icon name="fullscreen" size={18} /> {t('live.fullscreen')}
          </button>
        </div>
        {body}
        <p className="shortcuts-hint muted">{t('live.shortcuts')}</p>
      </section>
      <AlertsPanel />
    </div>
  );
}
