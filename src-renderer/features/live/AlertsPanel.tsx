// Alerts the guard works through: unknown people (one per visit, grouped by stranger: "Unknown #12 — 3 visits
// today"), watch-list people and cameras gone offline. Persisted by the host (they survive reload, login and
// restart); acknowledge one, all, or all of a camera; "Wrong match" sends a recognition to an admin's review.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';
import { fmtTime } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useLive } from './store.ts';
import type { Alert } from './store.ts';

function title(a: Alert, t: TFunction): string {
  if (a.kind === 'camera_offline') return t('live.alertCameraOffline');
  if (a.kind === 'storage_full') return t('live.alertStorageFull');
  if (a.kind === 'watchlist') return t('live.alertWatchlist', { name: a.event?.person_name ?? t('live.unknown') });
  return a.cluster ? a.cluster.label : t('live.alertUnknown');
}

export function AlertsPanel({ cameraId }: { cameraId?: string }) {
  const { t } = useTranslation();
  const { alerts, acknowledge, acknowledgeAll, dismissAcknowledged, reportWrongMatch } = useLive();
  const shown = cameraId ? alerts.filter((a) => a.alert.camera_id === cameraId || a.alert.event?.camera_id === cameraId) : alerts;
  const open = shown.filter((a) => !a.acknowledged).length;

  const fail = (err: unknown) => toast.error(t('live.ackFailed', { error: errorText(err, t) }));
  const ack = (alertId: string) => acknowledge(alertId).catch(fail);
  const ackAll = () => acknowledgeAll(cameraId).then((n) => toast.ok(t('live.acknowledgedCount', { count: n })), fail);
  const wrong = (eventId: string) => reportWrongMatch(eventId).then(
    () => toast.ok(t('live.wrongMatchSent')),
    (err) => toast.error(t('live.wrongMatchFailed', { error: errorText(err, t) })),
  );

  return (
    <section className="alerts" aria-label={t('live.alerts')} data-testid="alerts-panel">
      <header className="alerts-header">
        <h2><Icon name="bell" size={18} /> {t('live.alerts')} {open > 0 && <span className="count-pill" data-testid="open-alerts">{open}</span>}</h2>
        <span className="alerts-actions">
          {open > 1 && (
            <button type="button" className="btn btn-small" onClick={ackAll} data-testid="ack-all">
              {cameraId ? t('live.acknowledgeCamera') : t('live.acknowledgeAll')}
            </button>
          )}
          {shown.some((a) => a.acknowledged) && (
            <button type="button" className="btn btn-small btn-ghost" onClick={dismissAcknowledged}>{t('live.clearAcknowledged')}</button>
          )}
        </span>
      </header>
      {shown.length === 0 ? (
        <p className="alerts-empty muted">{t('live.noAlerts')}</p>
      ) : (
        <ul className="alerts-list">
          {shown.map(({ alert, acknowledged, acking }) => (
            <li key={alert.id} className={`alert alert-${alert.kind}${acknowledged ? ' alert-acked' : ''}`} data-testid="alert" data-kind={alert.kind}>
              {alert.event?.face_snapshot
                ? <img className="alert-thumb" src={api().mediaUrl(alert.event.face_snapshot)} alt="" />
                : <span className="alert-thumb alert-thumb-empty" aria-hidden="true"><Icon name={alert.kind === 'camera_offline' ? 'cameras' : alert.kind === 'storage_full' ? 'warning' : 'user'} /></span>}
              <div className="alert-text">
                <strong>{title(alert, t)}</strong>
                {alert.cluster && alert.kind === 'unknown_person' && (
                  <span className="alert-cluster" data-testid="alert-cluster">
                    {t('live.alertCluster', { label: alert.cluster.label, count: alert.cluster.visits_today })}
                  </span>
                )}
                <span className="muted">{alert.event?.camera_name ?? alert.camera_name} · {fmtTime(alert.at)}</span>
                {(alert.kind === 'camera_offline' || alert.kind === 'storage_full') && alert.message && <span className="muted alert-message">{alert.message}</span>}
              </div>
              <span className="alert-buttons">
                {alert.kind === 'watchlist' && alert.event && (
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => wrong(alert.event!.id)} data-testid="wrong-match">{t('live.wrongMatch')}</button>
                )}
                {acknowledged
                  ? <span className="muted alert-ack-done"><Icon name="check" size={16} /> {t('live.acknowledged')}</span>
                  : <button type="button" className="btn btn-small" disabled={acking} onClick={() => ack(alert.id)}>{t('live.acknowledge')}</button>}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
