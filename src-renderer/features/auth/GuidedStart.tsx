// First-run guided start: keep the demo camera or add one, then enrol a first person.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PersonInputSchema } from '../../../src-contract/schemas.ts';
import type { Person } from '../../../src-contract/schemas.ts';
import { navigate } from '../../app/router.ts';
import { api } from '../../app/client.ts';
import { Field } from '../../ui/Field.tsx';
import { ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { CameraEditor } from '../cameras/CameraEditor.tsx';
import { validateForm } from '../cameras/schema-form.ts';
import { StateBadge } from '../cameras/StateBadge.tsx';
import { useCameras } from '../cameras/store.ts';
import { EnrolPhotos } from '../people/EnrolPhotos.tsx';
import { usePeople } from '../people/store.ts';
import { useAuth } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

type Step = 'consent' | 'camera' | 'person' | 'done';

export function GuidedStart() {
  const { t } = useTranslation();
  const finishWelcome = useAuth((s) => s.finishWelcome);
  const [step, setStep] = useState<Step>('consent');
  const finish = () => { finishWelcome(); navigate({ screen: 'live' }); };
  const steps: Step[] = ['consent', 'camera', 'person', 'done'];
  return (
    <div className="page welcome" data-testid="guided-start">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('welcome.title')}</h1>
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-ghost" onClick={finish}>{t('welcome.skipAll')}</button>
      </div>
      <ol className="steps" aria-label={t('welcome.progress')}>
        {steps.map((s, i) => <li key={s} aria-current={s === step ? 'step' : undefined} className={steps.indexOf(step) > i ? 'done' : undefined}>{t(`welcome.step.${s}`)}</li>)}
      </ol>
      {step === 'consent' && <ConsentStep onNext={() => setStep('camera')} />}
      {step === 'camera' && <CameraStep onNext={() => setStep('person')} />}
      {step === 'person' && <PersonStep onNext={() => setStep('done')} />}
      {step === 'done' && (
        <section className="panel welcome-done">
          <h2>{t('welcome.doneTitle')}</h2>
          <p className="muted">{t('welcome.doneHint')}</p>
          <ul className="welcome-next">
            <li><a href="#/people" onClick={() => finishWelcome()}>{t('welcome.nextPeople')}</a></li>
            <li><a href="#/attendance" onClick={() => finishWelcome()}>{t('welcome.nextShifts')}</a></li>
            <li><a href="#/people" onClick={() => finishWelcome()}>{t('welcome.nextConsent')}</a></li>
            <li><a href="#/settings" onClick={() => finishWelcome()}>{t('welcome.nextUsers')}</a></li>
          </ul>
          <button type="button" className="btn btn-primary" onClick={finish}>{t('welcome.openLive')}</button>
        </section>
      )}
    </div>
  );
}

/** The site's consent policy is a decision, not a default: asked first (settings.consent_policy). */
function ConsentStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const [policy, setPolicy] = useState<'block' | 'flag'>('block');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api().call('settings.update', { consent_policy: policy });
      onNext();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form className="panel" onSubmit={(e) => void save(e)} data-testid="consent-step">
      <h2>{t('welcome.consentTitle')}</h2>
      <p className="muted">{t('welcome.consentHint')}</p>
      <label className="radio-card">
        <input type="radio" name="consent_policy" value="block" checked={policy === 'block'} onChange={() => setPolicy('block')} />
        <span><strong>{t('welcome.consentBlock')}</strong><br /><span className="muted small">{t('welcome.consentBlockHint')}</span></span>
      </label>
      <label className="radio-card">
        <input type="radio" name="consent_policy" value="flag" checked={policy === 'flag'} onChange={() => setPolicy('flag')} />
        <span><strong>{t('welcome.consentFlag')}</strong><br /><span className="muted small">{t('welcome.consentFlagHint')}</span></span>
      </label>
      <FormError error={error} />
      <div className="form-actions"><button type="submit" className="btn btn-primary" disabled={busy}>{t('welcome.continue')}</button></div>
    </form>
  );
}

function CameraStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const { cameras, status, error, load } = useCameras();
  const [adding, setAdding] = useState(false);
  useEffect(() => { void load().catch(() => {}); }, [load]);
  if (status === 'loading' || status === 'idle') return <Loading />;
  if (status === 'error') return <ErrorState error={error} onRetry={() => void load(true).catch(() => {})} />;
  if (adding || cameras.length === 0) {
    return (
      <>
        <p className="muted">{cameras.length === 0 ? t('welcome.noCamera') : t('welcome.addCameraHint')}</p>
        <CameraEditor onDone={onNext} onCancel={cameras.length > 0 ? () => setAdding(false) : onNext} />
        <div className="form-actions"><button type="button" className="btn btn-ghost" onClick={onNext}>{t('welcome.skipStep')}</button></div>
      </>
    );
  }
  return (
    <section className="panel">
      <h2>{t('welcome.camerasFound', { count: cameras.length })}</h2>
      <ul className="plain-list">
        {cameras.map((c) => <li key={c.id}><strong>{c.name}</strong> <span className="muted">{c.location}</span> <StateBadge camera={c} /></li>)}
      </ul>
      <div className="form-actions">
        <button type="button" className="btn" onClick={() => setAdding(true)}>{t('welcome.addCamera')}</button>
        <button type="button" className="btn btn-primary" onClick={onNext}>{t('welcome.keepDemo')}</button>
      </div>
    </section>
  );
}

function PersonStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const create = usePeople((s) => s.create);
  const [person, setPerson] = useState<Person | null>(null);
  const [v, setV] = useState({ name: '', employee_id: '', department: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, error, run } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = validateForm(PersonInputSchema, v, t('form.required'));
    if (!parsed.ok) { setErrors(parsed.errors); return; }
    setErrors({});
    await run(async () => {
      setPerson(await create(parsed.data));
    });
  }

  if (person) {
    return (
      <section className="panel">
        <h2>{t('welcome.enrolPhotos', { name: person.name })}</h2>
        <p className="muted">{t('welcome.enrolHint')}</p>
        <EnrolPhotos personId={person.id} />
        <div className="form-actions"><button type="button" className="btn btn-primary" onClick={onNext}>{t('welcome.continue')}</button></div>
      </section>
    );
  }
  return (
    <section className="panel">
      <h2>{t('welcome.firstPerson')}</h2>
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label={t('people.name')} error={errors.name}><input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} required autoFocus /></Field>
          <Field label={t('people.employeeId')} error={errors.employee_id}><input value={v.employee_id} onChange={(e) => setV({ ...v, employee_id: e.target.value })} required /></Field>
          <Field label={t('people.department')}><input value={v.department} onChange={(e) => setV({ ...v, department: e.target.value })} /></Field>
        </div>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onNext}>{t('welcome.skipStep')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('people.create')}</button>
        </div>
      </form>
    </section>
  );
}
