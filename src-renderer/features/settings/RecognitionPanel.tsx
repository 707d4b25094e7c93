// Thresholds, alerts, consent policy, retention, attendance and engine settings (settings.get / settings.update).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SettingsSchema } from '../../../src-contract/schemas.ts';
import type { Settings } from '../../../src-contract/schemas.ts';
import { Field } from '../../ui/Field.tsx';
import { ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { validateForm } from '../cameras/schema-form.ts';
import { useSettings } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

const FAR_PRESETS = [1e-2, 1e-3, 1e-4, 1e-5];
const PROVIDERS = ['cuda', 'dml', 'coreml', 'cpu'] as const;

export function RecognitionPanel() {
  const { settings, loadSettings } = useSettings();
  useEffect(() => { void loadSettings().catch(() => {}); }, [loadSettings]);
  if (settings.status === 'loading' || settings.status === 'idle') return <Loading />;
  if (settings.status === 'error' || !settings.data) return <ErrorState error={settings.error} onRetry={() => void loadSettings(true).catch(() => {})} />;
  return <SettingsForm key={JSON.stringify(settings.data)} initial={settings.data} />;
}

function SettingsForm({ initial }: { initial: Settings }) {
  const { t } = useTranslation();
  const save = useSettings((s) => s.saveSettings);
  const [v, setV] = useState<Settings>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, error, run } = useSubmit();
  const num = (s: string) => (s.trim() === '' ? Number.NaN : Number(s));
  const dirty = JSON.stringify(v) !== JSON.stringify(initial);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = validateForm(SettingsSchema, v, t('form.required'));
    if (!parsed.ok) { setErrors(parsed.errors); return; }
    setErrors({});
    await run(async () => {
      await save(parsed.data);
      toast.ok(t('settings.saved'));
    });
  }

  return (
    <form className="form settings-form" onSubmit={submit} noValidate>
      <section className="panel">
        <h2>{t('settings.recognition')}</h2>
        <div className="form-grid">
          <Field label={t('settings.targetFar')} hint={t('settings.targetFarHint')} error={errors['recognition.target_far']}>
            <select value={String(v.recognition.target_far)} onChange={(e) => setV({ ...v, recognition: { ...v.recognition, target_far: Number(e.target.value) } })}>
              {[...new Set([...FAR_PRESETS, v.recognition.target_far])].sort((a, b) => b - a).map((f) => (
                <option key={f} value={String(f)}>{t('settings.farOption', { one: Math.round(1 / f).toLocaleString() })}</option>
              ))}
            </select>
          </Field>
          <Field label={t('settings.minVotes')} hint={t('settings.minVotesHint')} error={errors['recognition.min_votes']}>
            <input type="number" min={1} max={50} value={v.recognition.min_votes} onChange={(e) => setV({ ...v, recognition: { ...v.recognition, min_votes: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.visitGap')} hint={t('settings.visitGapHint')} error={errors['recognition.visit_gap_seconds']}>
            <input type="number" min={1} max={3600} value={v.recognition.visit_gap_seconds ?? ''} onChange={(e) => setV({ ...v, recognition: { ...v.recognition, visit_gap_seconds: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.clusterWindow')} hint={t('settings.clusterWindowHint')} error={errors['recognition.unknown_cluster_window_days']}>
            <input type="number" min={1} max={365} value={v.recognition.unknown_cluster_window_days ?? ''} onChange={(e) => setV({ ...v, recognition: { ...v.recognition, unknown_cluster_window_days: num(e.target.value) } })} />
          </Field>
          <label className="check check-field"><input type="checkbox" checked={v.recognition.unknown_alerts} onChange={(e) => setV({ ...v, recognition: { ...v.recognition, unknown_alerts: e.target.checked } })} /> {t('settings.unknownAlerts')}</label>
          <label className="check check-field"><input type="checkbox" checked={v.alerts.sound} onChange={(e) => setV({ ...v, alerts: { sound: e.target.checked } })} /> {t('settings.alertSound')}</label>
        </div>
      </section>

      <section className="panel">
        <h2>{t('settings.privacy')}</h2>
        <div className="form-grid">
          <Field label={t('settings.consentPolicy')} hint={t('settings.consentPolicyHint')}>
            <select value={v.consent_policy} onChange={(e) => setV({ ...v, consent_policy: e.target.value as Settings['consent_policy'] })}>
              <option value="block">{t('settings.consentBlock')}</option>
              <option value="flag">{t('settings.consentFlag')}</option>
            </select>
          </Field>
          <Field label={t('settings.erasureEvents')}>
            <select value={v.erasure_events} onChange={(e) => setV({ ...v, erasure_events: e.target.value as Settings['erasure_events'] })}>
              <option value="anonymise">{t('settings.erasureAnonymise')}</option>
              <option value="delete">{t('settings.erasureDelete')}</option>
            </select>
          </Field>
          <Field label={t('settings.retentionEvents')} error={errors['retention_days.events']}>
            <input type="number" min={1} max={3650} value={v.retention_days.events} onChange={(e) => setV({ ...v, retention_days: { ...v.retention_days, events: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.retentionUnknown')} error={errors['retention_days.unknown_snapshots']}>
            <input type="number" min={1} max={3650} value={v.retention_days.unknown_snapshots} onChange={(e) => setV({ ...v, retention_days: { ...v.retention_days, unknown_snapshots: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.retentionAudit')} error={errors['retention_days.audit']}>
            <input type="number" min={30} max={36500} value={v.retention_days.audit} onChange={(e) => setV({ ...v, retention_days: { ...v.retention_days, audit: num(e.target.value) } })} />
          </Field>
        </div>
      </section>

      <section className="panel">
        <h2>{t('settings.general')}</h2>
        <div className="form-grid">
          <Field label={t('settings.timezone')} error={errors.timezone}>
            <input value={v.timezone} onChange={(e) => setV({ ...v, timezone: e.target.value })} list="tz-list" />
          </Field>
          <Field label={t('settings.locale')} hint={t('settings.localeHint')} error={errors.locale}>
            <input value={v.locale} onChange={(e) => setV({ ...v, locale: e.target.value })} placeholder="en-GB" />
          </Field>
          <Field label={t('settings.punchGap')} hint={t('settings.punchGapHint')} error={errors['attendance.min_punch_gap_minutes']}>
            <input type="number" min={0} max={720} value={v.attendance.min_punch_gap_minutes} onChange={(e) => setV({ ...v, attendance: { ...v.attendance, min_punch_gap_minutes: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.anyQuiet')} hint={t('settings.anyQuietHint')} error={errors['attendance.any_camera_quiet_minutes']}>
            <input type="number" min={0} max={720} value={v.attendance.any_camera_quiet_minutes} onChange={(e) => setV({ ...v, attendance: { ...v.attendance, any_camera_quiet_minutes: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.threads')} error={errors['engine.threads']}>
            <input type="number" min={1} max={64} value={v.engine.threads} onChange={(e) => setV({ ...v, engine: { ...v.engine, threads: num(e.target.value) } })} />
          </Field>
          <Field label={t('settings.workers')} hint={t('settings.workersHint')} error={errors['engine.workers']}>
            <select value={String(v.engine.workers ?? 0)} data-testid="engine-workers"
              onChange={(e) => setV({ ...v, engine: { ...v.engine, workers: Number(e.target.value) } })}>
              <option value="0">{t('settings.workersAuto')}</option>
              {[1, 2, 3, 4, 6, 8].map((n) => <option key={n} value={String(n)}>{t('settings.workersN', { count: n })}</option>)}
            </select>
          </Field>
          <Field label={t('settings.apiBind')} hint={t('settings.apiBindHint')} error={errors['api.bind']}>
            <input value={v.api.bind} onChange={(e) => setV({ ...v, api: { bind: e.target.value } })} spellCheck={false} />
          </Field>
        </div>
        <fieldset className="days">
          <legend>{t('settings.providers')}</legend>
          {PROVIDERS.map((p) => (
            <label key={p} className="check">
              <input type="checkbox" checked={v.engine.providers.includes(p)}
                onChange={(e) => setV({ ...v, engine: { ...v.engine, providers: e.target.checked ? PROVIDERS.filter((x) => x === p || v.engine.providers.includes(x)) : v.engine.providers.filter((x) => x !== p) } })} />
              {p.toUpperCase()}
            </label>
          ))}
          <small className="field-hint">{t('settings.providersHint')}</small>
          {errors['engine.providers'] && <small className="field-error">{errors['engine.providers']}</small>}
        </fieldset>
        <datalist id="tz-list">{(Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.('timeZone').map((z) => <option key={z} value={z} />)}</datalist>
      </section>

      {Object.keys(errors).length > 0 && <p className="form-error" role="alert">{t('cameraForm.fixErrors', { count: Object.keys(errors).length })}</p>}
      <FormError error={error} />
      <div className="form-actions sticky-actions">
        <button type="button" className="btn" disabled={!dirty || busy} onClick={() => setV(initial)}>{t('settings.revert')}</button>
        <button type="submit" className="btn btn-primary" disabled={!dirty || busy}>{t('common.save')}</button>
      </div>
    </form>
  );
}
