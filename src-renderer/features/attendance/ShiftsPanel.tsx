// Shifts (start/end, grace, week days) that define late and absent, and who is on each (ShiftMembers).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ShiftSchema } from '../../../src-contract/schemas.ts';
import type { Shift } from '../../../src-contract/schemas.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { Icon } from '../../ui/icons.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { EmptyState, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { validateForm } from '../cameras/schema-form.ts';
import { useAttendance } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';
import { loadAllPeople, ShiftMembers } from './ShiftMembers.tsx';
import { countByShift } from './shift-members.ts';

const DAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export function ShiftsPanel() {
  const { t } = useTranslation();
  const { shifts, loadShifts, removeShift } = useAttendance();
  const [editing, setEditing] = useState<Shift | 'new' | null>(null);
  const [removing, setRemoving] = useState<Shift | null>(null);
  const [members, setMembers] = useState<Shift | null>(null);
  const [counts, setCounts] = useState<Map<string, number> | null>(null);
  const loadCounts = () => { loadAllPeople().then((p) => setCounts(countByShift(p)), () => setCounts(null)); };
  useEffect(() => { void loadShifts(); }, [loadShifts]);
  useEffect(loadCounts, []);
  return (
    <>
      <div className="toolbar toolbar-sub">
        <p className="muted">{t('shifts.intro')}</p>
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setEditing('new')}><Icon name="plus" size={18} /> {t('shifts.add')}</button>
      </div>
      {shifts.status === 'loading' || shifts.status === 'idle' ? <Loading /> : shifts.status === 'error' ? <ErrorState error={shifts.error} onRetry={() => void loadShifts(true)} /> : shifts.items.length === 0 ? (
        <EmptyState title={t('shifts.none')} hint={t('shifts.noneHint')} />
      ) : (
        <table className="table">
          <thead><tr><th>{t('shifts.name')}</th><th>{t('shifts.hours')}</th><th>{t('shifts.grace')}</th><th>{t('shifts.days')}</th><th>{t('shifts.people')}</th><th /></tr></thead>
          <tbody>
            {shifts.items.map((s) => (
              <tr key={s.id} data-shift-id={s.id}>
                <td>{s.name}</td><td>{s.start}–{s.end}</td><td>{t('shifts.graceN', { count: s.grace_minutes })}</td>
                <td>{s.days.map((d) => t(`shifts.day.${d as 1 | 2 | 3 | 4 | 5 | 6 | 7}`)).join(', ')}</td>
                <td data-testid="shift-people">{counts ? t('shifts.peopleN', { count: counts.get(s.id) ?? 0 }) : '…'}</td>
                <td className="row-actions">
                  <button type="button" className="btn btn-small btn-primary" data-testid="shift-assign" onClick={() => setMembers(s)}>{t('shifts.assign')}</button>
                  <button type="button" className="btn btn-small" onClick={() => setEditing(s)}>{t('common.edit')}</button>
                  <button type="button" className="btn btn-small btn-ghost" onClick={() => setRemoving(s)}>{t('common.remove')}</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {members && <ShiftMembers shift={members} shifts={shifts.items} onClose={() => setMembers(null)} onSaved={loadCounts} />}
      {editing && <ShiftForm shift={editing === 'new' ? null : editing} onClose={() => setEditing(null)} />}
      {removing && <ConfirmDialog title={t('shifts.removeTitle', { name: removing.name })} message={t('shifts.removeMessage')} confirmLabel={t('common.remove')} danger
        onClose={() => setRemoving(null)} onConfirm={async () => { await removeShift(removing.id); toast.ok(t('shifts.removed')); }} />}
    </>
  );
}

function ShiftForm({ shift, onClose }: { shift: Shift | null; onClose: () => void }) {
  const { t } = useTranslation();
  const save = useAttendance((s) => s.saveShift);
  const [v, setV] = useState({ name: shift?.name ?? '', start: shift?.start ?? '09:00', end: shift?.end ?? '17:00', grace: String(shift?.grace_minutes ?? 10), days: shift?.days ?? [1, 2, 3, 4, 5] });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, error, run } = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    const input = { id: shift?.id, name: v.name.trim(), start: v.start, end: v.end, grace_minutes: Number(v.grace), days: [...v.days].sort() };
    const parsed = validateForm(ShiftSchema.omit({ id: true }), input, t('form.required'));
    if (!parsed.ok) { setErrors(parsed.errors); return; }
    await run(async () => {
      await save(input);
      toast.ok(t('shifts.saved'));
      onClose();
    });
  }
  return (
    <Modal title={shift ? t('shifts.edit') : t('shifts.add')} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <Field label={t('shifts.name')} error={errors.name}><input value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} required autoFocus /></Field>
        <div className="form-row">
          <Field label={t('shifts.start')} error={errors.start}><input type="time" value={v.start} onChange={(e) => setV({ ...v, start: e.target.value })} required /></Field>
          <Field label={t('shifts.end')} error={errors.end}><input type="time" value={v.end} onChange={(e) => setV({ ...v, end: e.target.value })} required /></Field>
          <Field label={t('shifts.grace')} error={errors.grace_minutes}><input type="number" min={0} max={240} value={v.grace} onChange={(e) => setV({ ...v, grace: e.target.value })} /></Field>
        </div>
        <fieldset className="days">
          <legend>{t('shifts.days')}</legend>
          {DAYS.map((d) => (
            <label key={d} className="check">
              <input type="checkbox" checked={v.days.includes(d)} onChange={(e) => setV({ ...v, days: e.target.checked ? [...v.days, d] : v.days.filter((x) => x !== d) })} />
              {t(`shifts.day.${d}`)}
            </label>
          ))}
          {errors.days && <small className="field-error">{errors.days}</small>}
        </fieldset>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>{t('common.save')}</button>
        </div>
      </form>
    </Modal>
  );
}
