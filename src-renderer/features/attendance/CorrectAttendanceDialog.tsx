// Manual attendance correction (check-in/out times on that date) with a mandatory reason for the audit log.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttendanceDay } from '../../../src-contract/schemas.ts';
import { fmtDate } from '../../ui/format.ts';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useAttendance } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

const hhmm = (iso: string | null) => {
  if (!iso) return '';
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};
const toIso = (date: string, time: string) => (time ? new Date(`${date}T${time}:00`).toISOString() : null);

export function CorrectAttendanceDialog({ row, onClose }: { row: AttendanceDay; onClose: () => void }) {
  const { t } = useTranslation();
  const correct = useAttendance((s) => s.correct);
  const [checkIn, setIn] = useState(hhmm(row.check_in));
  const [checkOut, setOut] = useState(hhmm(row.check_out));
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmit();
  const badOrder = Boolean(checkIn && checkOut && checkOut <= checkIn);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (badOrder || reason.trim().length < 3) return;
    await run(async () => {
      await correct({ person_id: row.person_id, date: row.date, check_in: toIso(row.date, checkIn), check_out: toIso(row.date, checkOut), reason: reason.trim() });
      toast.ok(t('attendance.corrected'));
      onClose();
    });
  }

  return (
    <Modal title={t('attendance.correctTitle', { name: row.person_name, date: fmtDate(row.date) })} onClose={onClose} testId="attendance-correction">
      <form className="form" onSubmit={submit}>
        <div className="form-row">
          <Field label={t('attendance.checkIn')}><input type="time" value={checkIn} onChange={(e) => setIn(e.target.value)} /></Field>
          <Field label={t('attendance.checkOut')} error={badOrder ? t('attendance.outBeforeIn') : null}><input type="time" value={checkOut} onChange={(e) => setOut(e.target.value)} /></Field>
        </div>
        <Field label={t('attendance.reason')} hint={t('attendance.reasonHint')}>
          <input value={reason} onChange={(e) => setReason(e.target.value)} minLength={3} maxLength={500} required />
        </Field>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy || badOrder || reason.trim().length < 3}>{t('common.save')}</button>
        </div>
      </form>
    </Modal>
  );
}
