// Camera state badge: live / reconnecting (with a countdown to the next attempt) / error / stopped / disabled.
// The host reports a failed camera as `error` with `next_retry_at` while it keeps retrying: that is shown as
// reconnecting (with the error as the tooltip); "Error" is only for a camera the host gave up on.
// While the contract connection to the host is down every state is stale: the badge says "Host offline".
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { secondsUntil } from '../../ui/format.ts';
import { useConnection } from '../../app/connection.ts';

export function StateBadge({ camera }: { camera: Pick<CameraView, 'state' | 'next_retry_at' | 'stats'> }) {
  const { t } = useTranslation();
  const { state, next_retry_at: retryAt } = camera;
  const [now, setNow] = useState(() => Date.now());
  const hostDown = useConnection((s) => s.connected === false);
  const retrying = (state === 'connecting' || state === 'error') && retryAt !== null;
  useEffect(() => {
    if (!retrying) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [retrying]);

  let label: string;
  let tone: string;
  switch (state) {
    case 'live': label = t('camera.state.live'); tone = 'ok'; break;
    case 'connecting':
    case 'error': {
      if (state === 'error' && !retrying) { label = t('camera.state.error'); tone = 'bad'; break; }
      const reconnecting = retrying || camera.stats.reconnections > 0;
      const secs = secondsUntil(retryAt, now);
      label = !reconnecting ? t('camera.state.connecting') : secs > 0 ? t('camera.state.reconnectingIn', { seconds: secs }) : t('camera.state.reconnecting');
      tone = 'warn';
      break;
    }
    case 'stopped': label = t('camera.state.stopped'); tone = 'idle'; break;
    default: label = t('camera.state.disabled'); tone = 'idle';
  }
  if (hostDown) {
    return (
      <span className="badge badge-idle" data-testid="camera-state" data-state={state} data-stale="true" title={t('camera.state.hostOfflineHint', { state: label })}>
        <span className="badge-dot" aria-hidden="true" />
        {t('camera.state.hostOffline')}
      </span>
    );
  }
  return (
    <span className={`badge badge-${tone}`} data-testid="camera-state" data-state={state} data-reconnecting={retrying || undefined} title={camera.stats.last_error ?? undefined}>
      <span className="badge-dot" aria-hidden="true" />
      {label}
    </span>
  );
}
