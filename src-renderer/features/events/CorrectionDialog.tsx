// "Not this person" (→ unknown) or "This is …" (→ chosen person, optionally learning the face as a template).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { VigilEvent } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { useEvents } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

export function CorrectionDialog({ event, mode, onClose }: { event: VigilEvent; mode: 'not' | 'is'; onClose: () => void }) {
  const { t } = useTranslation();
  const put = useEvents((s) => s.put);
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [reason, setReason] = useState('');
  const [learn, setLearn] = useState(true);
  const { busy, error, run } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (mode === 'is' && !person) return;
    await run(async () => {
      const updated = await api().call('events.correct', {
        id: event.id, person_id: mode === 'is' ? person!.id : null, reason: reason.trim() || undefined, add_template: mode === 'is' && learn,
      });
      put(updated);
      toast.ok(t('events.correctionSaved'));
      onClose();
    });
  }

  return (
    <Modal title={mode === 'not' ? t('events.notThisPersonTitle', { name: event.person_name ?? '' }) : t('events.thisIsTitle')} onClose={onClose} testId="correction-dialog">
      <form className="form" onSubmit={submit}>
        {mode === 'is' && <PersonPicker label={t('events.correctPerson')} value={person} onChange={setPerson} autoFocus />}
        {mode === 'not' && <p className="muted">{t('events.notThisPersonHint')}</p>}
        <Field label={t('events.reason')}>
          <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={500} placeholder={t('events.reasonPlaceholder')} />
        </Field>
        {mode === 'is' && (
          <label className="check">
            <input type="checkbox" checked={learn} onChange={(e) => setLearn(e.target.checked)} /> {t('events.addTemplate')}
          </label>
        )}
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy || (mode === 'is' && !person)}>{t('events.saveCorrection')}</button>
        </div>
      </form>
    </Modal>
  );
}
