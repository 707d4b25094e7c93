import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/client.ts';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useSubmit } from '../../ui/use-submit.ts';

export function ChangePasswordDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [oldPassword, setOld] = useState('');
  const [newPassword, setNew] = useState('');
  const { busy, error, run } = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      await api().call('auth.changePassword', { old_password: oldPassword, new_password: newPassword });
      toast.ok(t('account.passwordChanged'));
      onClose();
    });
  }
  return (
    <Modal title={t('account.changePassword')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Field label={t('account.oldPassword')}>
          <input type="password" value={oldPassword} onChange={(e) => setOld(e.target.value)} autoComplete="current-password" required />
        </Field>
        <Field label={t('account.newPassword')} hint={t('setup.passwordHint')}>
          <input type="password" value={newPassword} onChange={(e) => setNew(e.target.value)} autoComplete="new-password" minLength={10} required />
        </Field>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy || newPassword.length < 10}>{t('common.save')}</button>
        </div>
      </form>
    </Modal>
  );
}
