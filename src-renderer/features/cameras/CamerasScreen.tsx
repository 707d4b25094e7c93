// Cameras: list with live statistics and actions; #/cameras/new and #/cameras/<id> open the editor.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { navigate } from '../../app/router.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { errorText } from '../../ui/error-text.ts';
import { fmtMs } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { tDynamic } from '../../i18n/dynamic-key.ts';
import { CameraEditor } from './CameraEditor.tsx';
import { StateBadge } from './StateBadge.tsx';
import { useCameras } from './store.ts';

export function CamerasScreen({ id }: { id?: string }) {
  const { t } = useTranslation();
  const { cameras, status, error, load } = useCameras();
  useEffect(() => { void load().catch(() => {}); }, [load]);
  if (id) {
    if (id === 'new') return <div className="page"><EditorHeader title={t('cameras.addTitle')} /><CameraEditor /></div>;
    if (status === 'loading' || status === 'idle') return <Loading />;
    if (status === 'error') return <ErrorState error={error} onRetry={() => void load(true).catch(() => {})} />;
    const cam = cameras.find((c) => c.id === id);
    if (!cam) return <EmptyState title={t('cameras.notFound')} action={<button type="button" className="btn" onClick={() => navigate({ screen: 'cameras' })}>{t('cameras.backToList')}</button>} />;
    return <div className="page"><EditorHeader title={t('cameras.editTitle', { name: cam.name })} /><CameraEditor key={cam.id} camera={cam} /></div>;
  }
  return <CameraList />;
}

function EditorHeader({ title }: { title: string }) {
  const { t } = useTranslation();
  return (
    <div className="toolbar">
      <button type="button" className="btn btn-small" onClick={() => navigate({ screen: 'cameras' })}><Icon name="back" size={18} /> {t('cameras.backToList')}</button>
      <h1 className="toolbar-title">{title}</h1>
    </div>
  );
}

function CameraList() {
  const { t } = useTranslation();
  const { cameras, status, error, load, update, setDetection, remove } = useCameras();
  const [busy, setBusy] = useState<string | null>(null);
  const [removing, setRemoving] = useState<CameraView | null>(null);

  async function act(id: string, fn: () => Promise<unknown>, ok: string) {
    setBusy(id);
    try {
      await fn();
      toast.ok(ok);
    } catch (err) {
      toast.error(errorText(err, t));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="page">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('nav.cameras')}</h1>
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-primary" onClick={() => navigate({ screen: 'cameras', id: 'new' })}><Icon name="plus" size={18} /> {t('cameras.add')}</button>
      </div>
      {status === 'loading' || status === 'idle' ? <Loading /> : status === 'error' ? <ErrorState error={error} onRetry={() => void load(true).catch(() => {})} /> : cameras.length === 0 ? (
        <EmptyState icon={<Icon name="cameras" size={40} />} title={t('cameras.none')} hint={t('cameras.noneHint')}
          action={<button type="button" className="btn btn-primary" onClick={() => navigate({ screen: 'cameras', id: 'new' })}>{t('cameras.add')}</button>} />
      ) : (
        <ul className="camera-cards">
          {cameras.map((c) => {
            const s = c.stats;
            return (
              <li key={c.id} className="camera-card" data-testid="camera-card" data-camera-id={c.id}>
                <header>
                  <div>
                    <h2>{c.name}</h2>
                    <p className="muted">{c.location || t('cameras.noLocation')} · {tDynamic(t, `cameraForm.type.${c.source.type}`, c.source.type)} · {t(`cameras.role.${c.role}`)}</p>
                  </div>
                  <StateBadge camera={c} />
                </header>
                {c.state === 'error' && s.last_error && <p className="form-error">{s.last_error}</p>}
                <dl className="stats stats-row" aria-label={t('live.statistics')}>
                  <div><dt>{t('cameras.stats.fps')}</dt><dd>{s.fps.toFixed(1)}</dd></div>
                  <div><dt>{t('cameras.stats.processed')}</dt><dd>{s.frames_processed.toLocaleString()}</dd></div>
                  <div><dt>{t('cameras.stats.dropped')}</dt><dd>{s.frames_dropped.toLocaleString()}</dd></div>
                  <div><dt>{t('cameras.stats.skipped')}</dt><dd>{(s.frames_skipped_static ?? 0).toLocaleString()}</dd></div>
                  <div><dt>{t('cameras.stats.latency')}</dt><dd title={s.avg_latency_ms === null ? t('cameras.stats.latencyUnknownHint') : undefined}>{s.avg_latency_ms === null ? t('cameras.stats.latencyUnknown') : fmtMs(s.avg_latency_ms)}</dd></div>
                  <div><dt>{t('cameras.stats.reconnections')}</dt><dd>{s.reconnections}</dd></div>
                  <div><dt>{t('cameras.stats.bandwidth')}</dt><dd>{s.bandwidth_kbps === null ? '—' : `${Math.round(s.bandwidth_kbps)} kb/s`}</dd></div>
                </dl>
                <div className="card-actions">
                  <button type="button" className="btn btn-small" onClick={() => navigate({ screen: 'cameras', id: c.id })}>{t('common.edit')}</button>
                  <label className="switch">
                    <input type="checkbox" role="switch" checked={c.enabled} disabled={busy === c.id}
                      onChange={(e) => void act(c.id, () => update(c.id, { enabled: e.target.checked }), e.target.checked ? t('cameras.enabledToast', { name: c.name }) : t('cameras.disabledToast', { name: c.name }))} />
                    {t('cameras.enabled')}
                  </label>
                  {c.enabled && (
                    <button type="button" className="btn btn-small" disabled={busy === c.id}
                      onClick={() => void act(c.id, () => setDetection(c.id, c.state === 'stopped'), c.state === 'stopped' ? t('cameras.detectionStarted') : t('cameras.detectionStopped'))}>
                      {c.state === 'stopped' ? t('cameras.startDetection') : t('cameras.stopDetection')}
                    </button>
                  )}
                  {c.enabled && <button type="button" className="btn btn-small btn-ghost" onClick={() => navigate({ screen: 'live', id: c.id })}>{t('cameras.viewLive')}</button>}
                  <span className="toolbar-spacer" />
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => setRemoving(c)}>{t('common.remove')}</button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
      {removing && <ConfirmDialog title={t('cameras.removeTitle', { name: removing.name })} message={t('cameras.removeMessage')} confirmLabel={t('common.remove')} danger
        onClose={() => setRemoving(null)} onConfirm={async () => { await remove(removing.id); toast.ok(t('cameras.removed', { name: removing.name })); }} />}
    </div>
  );
}
