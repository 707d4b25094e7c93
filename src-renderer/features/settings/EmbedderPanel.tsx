// The face embedder the site runs (embedders.status / embedders.select): installed embedders with their licence
// and provenance warning, and the re-embedding a switch starts (a progress bar: photos done / total, failures).
// The host pushes each step of a switch on the `embedders.progress` topic, so the panel follows it live (no polling);
// it loads the status once on mount and again when the host connection comes back.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../src-contract/api.ts';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';
import { ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useSettings } from './store.ts';

type Status = MethodOutput<'embedders.status'>;

export function EmbedderPanel() {
  const { t } = useTranslation();
  const [s, setS] = useState<Status | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [choice, setChoice] = useState<string>('');
  const [busy, setBusy] = useState(false);
  const load = useCallback(async () => {
    try {
      const next = await api().call('embedders.status', {});
      setS(next);
      setError(null);
    } catch (err) {
      setError(err);
    }
  }, []);
  const running = s !== null && (s.switching || s.job?.state === 'running');
  // When a switch settles, the models table above shows the new engine at once (not at its next refresh).
  const loadSystem = useSettings((st) => st.loadSystem);
  const wasRunning = useRef(false);
  useEffect(() => {
    if (wasRunning.current && !running) void loadSystem().catch(() => {});
    wasRunning.current = running;
  }, [running, loadSystem]);
  useEffect(() => {
    const client = api();
    const off = client.subscribe('embedders.progress', {}, (next) => setS(next));
    const offConn = client.onConnectionChange?.((up) => { if (up) void load(); });
    void load();
    return () => {
      off();
      offConn?.();
    };
  }, [load]);

  if (!s) return error ? <ErrorState error={error} onRetry={() => void load()} /> : <Loading />;
  const picked = choice || s.selected;
  const entry = s.embedders.find((e) => e.id === picked);
  const job = s.job;
  const select = async () => {
    setBusy(true);
    try {
      setS(await api().call('embedders.select', { id: picked }));
      toast.ok(t('embedder.started'));
    } catch (err) {
      toast.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel panel-wide" aria-labelledby="embedder-h" data-testid="embedder-panel">
      <h2 id="embedder-h">{t('embedder.title')}</h2>
      <p className="muted small">{t('embedder.help')}</p>
      <div style={{ display: 'flex', alignItems: 'center', gap: '0.6rem', flexWrap: 'wrap', margin: '0.5rem 0' }}>
        <label htmlFor="embedder-select">{t('embedder.choice')}</label>
        <select id="embedder-select" value={picked} onChange={(e) => setChoice(e.target.value)} disabled={busy}>
          {s.embedders.map((e) => (
            <option key={e.id} value={e.id}>{e.id}{e.dims ? ` (${e.dims}-d)` : ''}{e.id === s.running ? ` — ${t('embedder.running')}` : ''}</option>
          ))}
        </select>
        <button type="button" className="btn btn-primary" disabled={busy || running || picked === s.selected} onClick={() => void select()}>{t('embedder.apply')}</button>
      </div>
      {entry && (
        <dl className="stats">
          <dt>{t('embedder.name')}</dt><dd>{entry.name}</dd>
          <dt>{t('embedder.license')}</dt><dd className="small">{entry.license}</dd>
          <dt>{t('embedder.coverage')}</dt><dd>{t('embedder.coverageText', { ready: entry.coverage.ready, total: entry.coverage.total, failed: entry.coverage.failed })}</dd>
        </dl>
      )}
      {entry?.warning && <p className="warn-text" role="note" data-testid="embedder-warning">⚠ {entry.warning}</p>}
      {s.switching && <p role="status" data-testid="embedder-switching">{t('embedder.switching', { model: s.selected })}</p>}
      {job && (
        <div data-testid="reembed-progress">
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done + job.failed} aria-label={t('embedder.progress')}>
            <div className="progress-bar" style={{ width: `${job.total ? ((job.done + job.failed) / job.total) * 100 : 100}%` }} />
          </div>
          <p role="status">
            {t(`embedder.state.${job.state}`, { model: job.model })}{' '}
            {t('embedder.progressText', { done: job.done, total: job.total, failed: job.failed })}
            {job.error ? ` — ${job.error}` : ''}
          </p>
          {job.state === 'running' && <p className="muted small">{t('embedder.partial')}</p>}
        </div>
      )}
    </section>
  );
}
