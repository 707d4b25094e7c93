// Create or edit a person's details (validated with the contract's PersonInputSchema).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { PersonInputSchema } from '../../../src-contract/schemas.ts';
import type { Person } from '../../../src-contract/schemas.ts';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { localDate } from '../../ui/format.ts';
import { toast } from '../../ui/toasts.tsx';
import { validateForm } from '../cameras/schema-form.ts';
import { usePeople } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

export function PersonForm({ person, onClose, onSaved }: { person?: Person; onClose: () => void; onSaved?: (p: Person) => void }) {
  const { t } = useTranslation();
  const { create, update, shifts, loadShifts } = usePeople();
  const [v, setV] = useState({
    employee_id: person?.employee_id ?? '', name: person?.name ?? '', department: person?.department ?? '',
    status: person?.status ?? 'active', watchlist: person?.watchlist ?? false, shift_id: person?.shift_id ?? '',
    start_date: person?.start_date ?? '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, error, run } = useSubmit();
  useEffect(() => { void loadShifts(); }, [loadShifts]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = validateForm(PersonInputSchema, { ...v, shift_id: v.shift_id || null, start_date: v.start_date || null }, t('form.required'));
    if (!parsed.ok) { setErrors(parsed.errors); return; }
    setErrors({});
    await run(async () => {
      const saved = person ? await update(person.id, parsed.data) : await create(parsed.data);
      toast.ok(person ? t('people.saved') : t('people.created', { name: saved.name }));
      onSaved?.(saved);
      onClose();
    });
  }

  return (
    <Modal title={person ? t('people.edit') : t('people.add')} onClose={onClose} testId="person-form">
      <form className="form" onSubmit={submit} noValidate>
        <div className="form-row">
          <Field label={t('people.name')} error={errors.name}>
            <input name="name" value={v.name} onChange={(e) => setV({ ...v, name: e.target.value })} required autoFocus />
          </Field>
          <Field label={t('people.employeeId')} error={errors.employee_id}>
            <input name="employee_id" value={v.employee_id} onChange={(e) => setV({ ...v, employee_id: e.target.value })} required />
          </Field>
        </div>
        <div className="form-row">
          <Field label={t('people.department')} error={errors.department}>
            <input name="department" value={v.department} onChange={(e) => setV({ ...v, department: e.target.value })} />
          </Field>
          <Field label={t('people.shift')}>
            <select value={v.shift_id} onChange={(e) => setV({ ...v, shift_id: e.target.value })}>
              <option value="">{t('people.noShift')}</option>
              {shifts?.data?.map((s) => <option key={s.id} value={s.id}>{s.name} ({s.start}–{s.end})</option>)}
            </select>
          </Field>
        </div>
        <div className="form-row">
          {/* Attendance counts from this day (no absences before it); empty = the day the person was added. */}
          <Field label={t('people.startDate')} error={errors.start_date}
            hint={person ? t('people.startDateHintEdit', { date: localDate(new Date(person.created_at)) }) : t('people.startDateHint')}>
            <input type="date" name="start_date" value={v.start_date} onChange={(e) => setV({ ...v, start_date: e.target.value })} />
          </Field>
        </div>
        <div className="form-row">
          <Field label={t('people.status')}>
            <select value={v.status} onChange={(e) => setV({ ...v, status: e.target.value as 'active' | 'inactive' })}>
              <option value="active">{t('people.statusActive')}</option>
              <option value="inactive">{t('people.statusInactive')}</option>
            </select>
          </Field>
          <label className="check check-field">
            <input type="checkbox" checked={v.watchlist} onChange={(e) => setV({ ...v, watchlist: e.target.checked })} /> {t('people.watchlist')}
          </label>
        </div>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy}>{person ? t('common.save') : t('people.create')}</button>
        </div>
      </form>
    </Modal>
  );
}
