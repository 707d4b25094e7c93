// Erase a person and their biometric data (admin only): a reason for the audit log and the name typed to confirm.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Person } from '../../../src-contract/schemas.ts';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { usePeople } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

export function EraseDialog({ person, onClose, onErased }: { person: Person; onClose: () => void; onErased: () => void }) {
  const { t } = useTranslation();
  const erase = usePeople((s) => s.erase);
  const [reason, setReason] = useState('');
  const [confirm, setConfirm] = useState('');
  const { busy, error, run } = useSubmit();
  const ready = reason.trim().length >= 3 && confirm.trim() === person.name;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    await run(async () => {
      const files = await erase(person.id, reason.trim());
      toast.ok(t('people.erased', { name: person.name, files }));
      onErased();
    });
  }

  return (
    <Modal title={t('people.eraseTitle', { name: person.name })} onClose={onClose} testId="erase-dialog">
      <form className="form" onSubmit={submit}>
        <p className="warn-text">{t('people.eraseWarning')}</p>
        <Field label={t('people.eraseReason')} hint={t('people.eraseReasonHint')}>
          <textarea value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} maxLength={500} required rows={3} />
        </Field>
        <Field label={t('people.eraseConfirm', { name: person.name })}>
          <input value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="off" />
        </Field>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-danger" disabled={!ready || busy}>{t('people.eraseButton')}</button>
        </div>
      </form>
    </Modal>
  );
}
