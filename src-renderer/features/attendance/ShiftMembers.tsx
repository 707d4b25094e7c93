// "People on this shift": the admin ticks people (searched, or a whole department at once) and saves; newly ticked
// people get the shift (also from another shift), unticked members lose it. Sent as explicit person IDs through
// shifts.assign, so what is saved is exactly what the list showed.
import { useEffect, useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Shift } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { Field } from '../../ui/Field.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useSubmit } from '../../ui/use-submit.ts';
import { departmentsOf, membershipChange, searchPeople, type MemberCandidate } from './shift-members.ts';

const PAGE = 500;
const MAX_PEOPLE = 5000;

/** Every person (up to MAX_PEOPLE), page by page. */
export async function loadAllPeople(): Promise<MemberCandidate[]> {
  const out: MemberCandidate[] = [];
  let cursor: string | undefined;
  do {
    const page = await api().call('persons.list', { limit: PAGE, cursor, status: 'all' });
    out.push(...page.items.map((p) => ({ id: p.id, name: p.name, employee_id: p.employee_id, department: p.department, shift_id: p.shift_id })));
    cursor = page.next_cursor ?? undefined;
  } while (cursor && out.length < MAX_PEOPLE);
  return out;
}

export function ShiftMembers({ shift, shifts, onClose, onSaved }: { shift: Shift; shifts: readonly Shift[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation();
  const [people, setPeople] = useState<{ status: 'loading' | 'ready' | 'error'; items: MemberCandidate[]; error?: unknown }>({ status: 'loading', items: [] });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [query, setQuery] = useState('');
  const { busy, error, run } = useSubmit();
  const load = () => {
    setPeople({ status: 'loading', items: [] });
    loadAllPeople().then((items) => {
      setPeople({ status: 'ready', items });
      setSelected(new Set(items.filter((p) => p.shift_id === shift.id).map((p) => p.id)));
    }, (err: unknown) => setPeople({ status: 'error', items: [], error: err }));
  };
  useEffect(load, [shift.id]);
  const departments = useMemo(() => departmentsOf(people.items), [people.items]);
  const shown = useMemo(() => searchPeople(people.items, query), [people.items, query]);
  const shiftName = (id: string | null) => (id ? shifts.find((s) => s.id === id)?.name ?? '—' : t('people.noShift'));
  const change = membershipChange(people.items, shift.id, selected);
  const toggle = (ids: readonly string[], on: boolean) => setSelected((cur) => {
    const next = new Set(cur);
    for (const id of ids) if (on) next.add(id); else next.delete(id);
    return next;
  });
  const allShown = shown.length > 0 && shown.every((p) => selected.has(p.id));

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      if (change.add.length) await api().call('shifts.assign', { shift_id: shift.id, person_ids: change.add });
      if (change.remove.length) await api().call('shifts.assign', { shift_id: null, person_ids: change.remove });
      toast.ok(t('shifts.membersSaved', { added: change.add.length, removed: change.remove.length }));
      onSaved();
      onClose();
    });
  }

  return (
    <Modal title={t('shifts.membersTitle', { name: shift.name })} onClose={onClose} wide testId="shift-members">
      <form className="form" onSubmit={submit}>
        <p className="muted">{t('shifts.membersHint')}</p>
        {people.status === 'loading' ? <Loading /> : people.status === 'error' ? <ErrorState error={people.error} onRetry={load} /> : (
          <>
            {departments.length > 0 && (
              <div className="dept-picks" role="group" aria-label={t('shifts.byDepartment')}>
                <span className="muted small">{t('shifts.byDepartment')}</span>
                {departments.map((d) => {
                  const all = d.ids.every((id) => selected.has(id));
                  return (
                    <button key={d.key} type="button" className="btn btn-small" aria-pressed={all} data-testid="dept-pick" data-department={d.label}
                      title={all ? t('shifts.departmentUntick', { name: d.label }) : t('shifts.departmentTick', { name: d.label })}
                      onClick={() => toggle(d.ids, !all)}>
                      {d.label} <span className="muted">({d.ids.length})</span>
                    </button>
                  );
                })}
              </div>
            )}
            <Field label={t('shifts.searchPeople')}>
              <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder={t('people.searchPlaceholder')} data-testid="member-search" />
            </Field>
            <div className="table-scroll">
              <table className="table table-compact" data-testid="member-table">
                <thead>
                  <tr>
                    <th><input type="checkbox" aria-label={t('shifts.tickShown')} checked={allShown} onChange={(e) => toggle(shown.map((p) => p.id), e.target.checked)} /></th>
                    <th>{t('people.name')}</th><th>{t('people.employeeId')}</th><th>{t('people.department')}</th><th>{t('shifts.currentShift')}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((p) => (
                    <tr key={p.id} data-person-id={p.id}>
                      <td><input type="checkbox" aria-label={p.name} checked={selected.has(p.id)} onChange={(e) => toggle([p.id], e.target.checked)} /></td>
                      <td>{p.name}</td><td className="mono">{p.employee_id}</td><td>{p.department || '—'}</td>
                      <td className={p.shift_id && p.shift_id !== shift.id ? 'warn-text' : undefined}>{shiftName(p.shift_id)}</td>
                    </tr>
                  ))}
                  {shown.length === 0 && <tr><td colSpan={5} className="muted">{people.items.length === 0 ? t('shifts.noPeople') : t('people.noMatch')}</td></tr>}
                </tbody>
              </table>
            </div>
          </>
        )}
        <FormError error={error} />
        <div className="form-actions">
          <span className="muted small" data-testid="member-summary">
            {t('shifts.membersSummary', { count: selected.size, added: change.add.length, removed: change.remove.length })}
          </span>
          <span className="toolbar-spacer" />
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy || people.status !== 'ready' || (change.add.length === 0 && change.remove.length === 0)}>{t('common.save')}</button>
        </div>
      </form>
    </Modal>
  );
}
