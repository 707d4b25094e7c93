// Models and the execution provider each one actually uses (fallbacks shown), latency, engine, storage, statistics.
import { Fragment, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../ui/error-text.ts';
import { fmtBytes, fmtMs } from '../../ui/format.ts';
import { ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useCameras } from '../cameras/store.ts';
import { useSettings } from './store.ts';
import { EmbedderPanel } from './EmbedderPanel.tsx';
import { ModelAddPanel } from './ModelAddPanel.tsx';

// No topic carries system status, so the open panel refreshes itself at a gentle pace.
const REFRESH_MS = 15_000;

export function SystemPanel() {
  const { t } = useTranslation();
  const { system, stats, loadSystem } = useSettings();
  const cameras = useCameras((s) => s.cameras);
  // Names for the per-camera table even when the console opened straight on Settings (cameras not loaded yet).
  const loadCameras = useCameras((s) => s.load);
  useEffect(() => { void loadCameras().catch(() => {}); }, [loadCameras]);
  useEffect(() => {
    void loadSystem().catch(() => {});
    const timer = setInterval(() => { if (!document.hidden) void loadSystem().catch(() => {}); }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [loadSystem]);

  if (system.status === 'loading' || system.status === 'idle') return <Loading />;
  if (system.status === 'error' || !system.data) return <ErrorState error={system.error} onRetry={() => void loadSystem().catch(() => {})} />;
  const s = system.data;
  const st = stats.data;
  const camName = (id: string) => cameras.find((c) => c.id === id)?.name ?? id;
  return (
    <div className="settings-grid">
      <section className="panel panel-wide" aria-labelledby="models-h">
        <div className="panel-head">
          <h2 id="models-h">{t('system.models')}</h2>
          <button type="button" className="btn btn-small" onClick={() => void loadSystem().then(() => toast.ok(t('system.refreshed'))).catch((err) => toast.error(errorText(err, t)))}>{t('common.refresh')}</button>
        </div>
        <table className="table" data-testid="models-table">
          <thead><tr><th>{t('system.model')}</th><th>{t('system.family')}</th><th>{t('system.provider')}</th><th>{t('system.warmup')}</th><th>{t('system.p50')}</th><th>{t('system.p95')}</th><th>{t('system.runs')}</th><th>{t('system.errors')}</th></tr></thead>
          <tbody>
            {s.models.map((m) => (
              <tr key={m.id}>
                <td><span className="mono">{m.id}</span><br /><span className="muted small">{m.file}</span></td>
                <td>{m.family}</td>
                <td>
                  <span className={`chip ${m.fell_back ? 'chip-warn' : m.provider === 'cpu' ? '' : 'chip-ok'}`} data-testid="model-provider">{m.provider.toUpperCase()}</span>
                  {/* The preferred provider is what matters; the whole chain (cuda → dml → coreml → cpu) is in the tooltip. */}
                  {m.fell_back && <span className="muted small" title={m.requested_providers.join(' → ')}> {t('system.fellBack', { requested: (m.requested_providers[0] ?? '').toUpperCase() })}</span>}
                  {!m.fell_back && m.provider !== 'cpu' && <span className="muted small"> {t('system.gpuActive')}</span>}
                </td>
                <td>{fmtMs(m.warmup_ms)}</td><td>{fmtMs(m.p50_ms)}</td><td>{fmtMs(m.p95_ms)}</td>
                <td>{m.runs.toLocaleString()}</td>
                <td>{m.errors > 0 ? <span className="warn-text" title={m.last_error ?? undefined}>{m.errors}</span> : 0}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <EmbedderPanel />
      <ModelAddPanel />

      <section className="panel" aria-labelledby="engine-h">
        <h2 id="engine-h">{t('system.engine')}</h2>
        <dl className="stats">
          <dt>{t('system.version')}</dt><dd className="mono">{s.version}</dd>
          <dt>{t('system.engineState')}</dt><dd><span className={`chip ${s.engine.ready ? 'chip-ok' : 'chip-warn'}`}>{s.engine.ready ? t('system.ready') : t('system.notReady')}</span></dd>
          <dt>{t('system.restarts')}</dt><dd>{s.engine.restarts}</dd>
          {(s.engine.workers?.length ?? 0) > 1 && (<>
            <dt>{t('system.workers')}</dt>
            <dd>{s.engine.workers!.map((w) => (
              <span key={w.worker} className={`chip ${w.state === 'ready' ? 'chip-ok' : 'chip-warn'}`} title={t('system.workerDetail', { pid: w.pid ?? '—', cameras: w.cameras, restarts: w.restarts, transport: w.transport ?? '—' })}>
                {t('system.worker', { n: w.worker + 1 })}: {w.state === 'ready' ? t('system.ready') : t('system.notReady')}
              </span>))}</dd>
          </>)}
          {Object.entries(s.engine.providers).map(([k, v]) => (<Fragment key={k}><dt>{t('system.providerFor', { stage: k })}</dt><dd>{v}</dd></Fragment>))}
        </dl>
      </section>

      <section className="panel" aria-labelledby="storage-h">
        <h2 id="storage-h">{t('system.storage')}</h2>
        <dl className="stats">
          <dt>{t('system.database')}</dt><dd>{fmtBytes(s.storage.database_bytes)}</dd>
          <dt>{t('system.snapshots')}</dt><dd>{fmtBytes(s.storage.snapshots_bytes)}</dd>
          <dt>{t('system.templateCount')}</dt><dd>{s.storage.templates.toLocaleString()}</dd>
          <dt>{t('system.eventCount')}</dt><dd>{s.storage.events.toLocaleString()}</dd>
        </dl>
      </section>

      <section className="panel panel-wide" aria-labelledby="stats-h">
        <h2 id="stats-h">{t('system.last24h')}</h2>
        {!st ? (stats.status === 'error' ? <ErrorState error={stats.error} /> : <Loading />) : (
          <>
            <div className="summary-cards">
              <div className="card"><span className="card-n">{st.frames_analysed.toLocaleString()}</span><span>{t('system.framesAnalysed')}</span></div>
              <div className="card"><span className="card-n">{st.faces_detected.toLocaleString()}</span><span>{t('system.facesDetected')}</span></div>
              <div className="card card-ok"><span className="card-n">{st.recognized.toLocaleString()}</span><span>{t('decision.recognized')}</span></div>
              <div className="card card-bad"><span className="card-n">{st.unknown.toLocaleString()}</span><span>{t('decision.unknown')}</span></div>
              <div className="card"><span className="card-n">{fmtMs(st.avg_processing_ms)}</span><span>{t('system.avgProcessing')}</span></div>
              <div className="card"><span className="card-n">{st.dropped_frames.toLocaleString()}</span><span>{t('system.dropped')}</span></div>
              <div className="card"><span className="card-n">{(st.skipped_static_frames ?? 0).toLocaleString()}</span><span>{t('system.skippedStatic')}</span></div>
              <div className="card"><span className="card-n">{st.queue_depth}</span><span>{t('system.queue')}</span></div>
            </div>
            {st.per_camera.length > 0 && (
              <table className="table table-compact">
                <thead><tr><th>{t('events.camera')}</th><th>{t('system.framesAnalysed')}</th><th>{t('system.facesDetected')}</th><th>{t('decision.recognized')}</th><th>{t('decision.unknown')}</th><th>{t('cameras.stats.fps')}</th></tr></thead>
                <tbody>{st.per_camera.map((c) => <tr key={c.camera_id}><td>{camName(c.camera_id)}</td><td>{c.frames_analysed.toLocaleString()}</td><td>{c.faces_detected.toLocaleString()}</td><td>{c.recognized}</td><td>{c.unknown}</td><td>{c.fps.toFixed(1)}</td></tr>)}</tbody>
              </table>
            )}
          </>
        )}
      </section>
    </div>
  );
}
