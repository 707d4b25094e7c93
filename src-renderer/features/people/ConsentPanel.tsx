// Consent to biometric recognition: current status and a form to record a change.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../../src-contract/schemas.ts';
import { errorText } from '../../ui/error-text.ts';
import { fmtDateTime } from '../../ui/format.ts';
import { Field } from '../../ui/Field.tsx';
import { toast } from '../../ui/toasts.tsx';
import { usePeople } from './store.ts';

export function ConsentPanel({ person }: { person: Person }) {
  const { t } = useTranslation();
  const setConsent = usePeople((s) => s.setConsent);
  const c = person.consent;
  const [status, setStatus] = useState<'granted' | 'withdrawn' | 'pending'>(c?.status ?? 'pending');
  const [version, setVersion] = useState(c?.document_version ?? '');
  const [expires, setExpires] = useState(c?.expires_at ? c.expires_at.slice(0, 10) : '');
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      await setConsent(person.id, {
        type: c?.type ?? 'biometric_recognition', status,
        granted_at: status === 'granted' ? (c?.status === 'granted' && c.granted_at ? c.granted_at : new Date().toISOString()) : null,
        expires_at: expires ? new Date(`${expires}T23:59:59`).toISOString() : null,
        document_version: version.trim() || null,
      });
      toast.ok(t('consent.saved'));
    } catch (err) {
      toast.error(errorText(err, t));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="panel" aria-labelledby="consent-h">
      <h2 id="consent-h">{t('consent.title')}</h2>
      <p>
        <span className={`chip consent-${c?.status ?? 'none'}`} data-testid="consent-status">{t(`consent.status.${c?.status ?? 'none'}`)}</span>
        {c?.granted_at && <span className="muted"> {t('consent.grantedAt', { at: fmtDateTime(c.granted_at) })}</span>}
        {c?.expires_at && <span className="muted"> · {t('consent.expiresAt', { at: fmtDateTime(c.expires_at) })}</span>}
      </p>
      <form className="form form-compact" onSubmit={submit}>
        <div className="form-row">
          <Field label={t('consent.newStatus')}>
            <select value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
              <option value="granted">{t('consent.status.granted')}</option>
              <option value="withdrawn">{t('consent.status.withdrawn')}</option>
              <option value="pending">{t('consent.status.pending')}</option>
            </select>
          </Field>
          <Field label={t('consent.document')}>
            <input value={version} onChange={(e) => setVersion(e.target.value)} maxLength={64} placeholder="v1" />
          </Field>
          <Field label={t('consent.expires')}>
            <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Field>
        </div>
        <div className="form-actions"><button type="submit" className="btn" disabled={busy}>{t('consent.record')}</button></div>
      </form>
    </section>
  );
}
