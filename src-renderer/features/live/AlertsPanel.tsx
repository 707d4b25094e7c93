// Alerts from the `alerts` topic (unknown person, watch-list person), newest first, each acknowledgeable.
import { useTranslation } from 'react-i18next';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';
import { fmtTime } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useLive } from './store.ts';

export function AlertsPanel({ cameraId }: { cameraId?: string }) {
  const { t } = useTranslation();
  const { alerts, acknowledge, dismissAcknowledged } = useLive();
  const shown = cameraId ? alerts.filter((a) => a.alert.event.camera_id === cameraId) : alerts;
  const open = shown.filter((a) => !a.acknowledged).length;

  const ack = (eventId: string) => acknowledge(eventId).catch((err) => toast.error(t('live.ackFailed', { error: errorText(err, t) })));

  return (
    <section className="alerts" aria-label={t('live.alerts')} data-testid="alerts-panel">
      <header className="alerts-header">
        <h2><Icon name="bell" size={18} /> {t('live.alerts')} {open > 0 && <span className="count-pill" data-testid="open-alerts">{open}</span>}</h2>
        {shown.some((a) => a.acknowledged) && (
          <button type="button" className="btn btn-small btn-ghost" onClick={dismissAcknowledged}>{t('live.clearAcknowledged')}</button>
        )}
      </header>
      {shown.length === 0 ? (
        <p className="alerts-empty muted">{t('live.noAlerts')}</p>
      ) : (
        <ul className="alerts-list">
          {shown.map(({ alert, acknowledged, acking }) => (
            <li key={alert.id} className={`alert alert-${alert.kind}${acknowledged ? ' alert-acked' : ''}`} data-testid="alert">
              {alert.event.face_snapshot
                ? <img className="alert-thumb" src={api().mediaUrl(alert.event.face_snapshot)} alt="" />
                : <span className="alert-thumb alert-thumb-empty" aria-hidden="true"><Icon name="user" /></span>}
              <div className="alert-text">
                <strong>{alert.kind === 'watchlist' ? t('live.alertWatchlist', { name: alert.event.person_name ?? t('live.unknown') }) : t('live.alertUnknown')}</strong>
                <span className="muted">{alert.event.camera_name} · {fmtTime(alert.at)}</span>
              </div>
              {acknowledged
                ? <span className="muted alert-ack-done"><Icon name="check" size={16} /> {t('live.acknowledged')}</span>
                : <button type="button" className="btn btn-small" disabled={acking} onClick={() => ack(alert.event.id)}>{t('live.acknowledge')}</button>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
