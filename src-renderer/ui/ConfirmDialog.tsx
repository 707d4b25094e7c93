// Confirmation for destructive actions; the action runs inside so failures show in the dialog.
import { useTranslation } from 'react-i18next';
import { Modal } from './Modal.tsx';
import { FormError } from './states.tsx';
import { useSubmit } from './use-submit.ts';

export function ConfirmDialog({ title, message, confirmLabel, danger, onConfirm, onClose }: {
  title: string; message: string; confirmLabel: string; danger?: boolean; onConfirm: () => Promise<void>; onClose: () => void;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useSubmit();
  const confirm = () => run(async () => {
    await onConfirm();
    onClose();
  });
  return (
    <Modal title={title} onClose={onClose} testId="confirm-dialog"
      footer={<>
        <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
        <button type="button" className={`btn ${danger ? 'btn-danger' : 'btn-primary'}`} disabled={busy} onClick={() => void confirm()} autoFocus>{confirmLabel}</button>
      </>}>
      <p>{message}</p>
      <FormError error={error} />
    </Modal>
  );
}
