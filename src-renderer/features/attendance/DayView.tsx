// Who is in today (or any day): check-in/out, late/absent, worked time, with manual correction.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttendanceDay } from '../../../src-contract/schemas.ts';
import { addDays, fmtDate, fmtMinutes, fmtShortTime, localDate } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { CorrectAttendanceDialog } from './CorrectAttendanceDialog.tsx';
import { useAttendance } from './store.ts';
import { inNow } from './attendance-summary.ts';

export function DayView() {
  const { t } = useTranslation();
  const { day, setDay, loadDay } = useAttendance();
  const [correcting, setCorrecting] = useState<AttendanceDay | null>(null);
  useEffect(() => { void loadDay(); }, [loadDay]);
  const counts = useMemo(() => {
    const c = { present: 0, late: 0, absent: 0, in_progress: 0, off: 0, in_now: 0 };
    for (const r of day.rows) {
      c[r.status]++;
      if (inNow(r)) c.in_now++;
    }
    return c;
  }, [day.rows]);
  const today = localDate();

  return (
    <>
      <div className="filters">
        <div className="field">
          <label htmlFor="att-date">{t('attendance.date')}</label>
          <div className="inline-group">
            <button type="button" className="btn btn-small" aria-label={t('attendance.prevDay')} onClick={() => setDay({ date: addDays(day.date, -1) })}>‹</button>
            <input id="att-date" type="date" value={day.date} max={today} onChange={(e) => e.target.value && setDay({ date: e.target.value })} />
            <button type="button" className="btn btn-small" aria-label={t('attendance.nextDay')} disabled={day.date >= today} onClick={() => setDay({ date: addDays(day.date, 1) })}>›</button>
            {day.date !== today && <button type="button" className="btn btn-small btn-ghost" onClick={() => setDay({ date: today })}>{t('attendance.today')}</button>}
          </div>
        </div>
        <div className="field">
          <label htmlFor="att-dept">{t('people.department')}</label>
          <input id="att-dept" value={day.department} onChange={(e) => setDay({ department: e.target.value })} placeholder={t('attendance.allDepartments')} />
        </div>
      </div>
      <div className="summary-cards" aria-label={t('attendance.summaryFor', { date: fmtDate(day.date) })}>
        <div className="card card-in" title={t('attendance.help.in_now')} data-testid="card-in-now"><span className="card-n">{counts.in_now}</span><span>{t('attendance.inNow')}</span></div>
        <div className="card card-ok" title={t('attendance.help.present')}><span className="card-n">{counts.present}</span><span>{t('attendance.status.present')}</span></div>
        <div className="card card-warn" title={t('attendance.help.late')}><span className="card-n">{counts.late}</span><span>{t('attendance.status.late')}</span></div>
        <div className="card" title={t('attendance.help.in_progress')} data-testid="card-not-arrived"><span className="card-n">{counts.in_progress}</span><span>{t('attendance.status.in_progress')}</span></div>
        <div className="card card-bad" title={t('attendance.help.absent')}><span className="card-n">{counts.absent}</span><span>{t('attendance.status.absent')}</span></div>
      </div>
      <dl className="status-legend" aria-label={t('attendance.legend')}>
        {(['in_now', 'present', 'late', 'in_progress', 'absent'] as const).map((k) => (
          <span key={k}><dt>{k === 'in_now' ? t('attendance.inNow') : t(`attendance.status.${k}`)}</dt><dd>{t(`attendance.help.${k}`)}</dd></span>
        ))}
      </dl>
      {day.status === 'loading' || day.status === 'idle' ? <Loading /> : day.status === 'error' ? <ErrorState error={day.error} onRetry={() => void loadDay(true)} /> : day.rows.length === 0 ? (
        <EmptyState icon={<Icon name="attendance" size={40} />} title={t('attendance.noneForDay')} hint={t('attendance.noneHint')} />
      ) : (
        <table className="table" data-testid="attendance-day">
          <thead><tr><th>{t('people.name')}</th><th>{t('people.employeeId')}</th><th>{t('people.department')}</th><th>{t('attendance.checkIn')}</th><th>{t('attendance.checkOut')}</th><th>{t('attendance.statusCol')}</th><th>{t('attendance.worked')}</th><th /></tr></thead>
          <tbody>
            {day.rows.map((r) => (
              <tr key={r.person_id} data-person-id={r.person_id} data-status={r.status}>
                <td><a href={`#/people/${r.person_id}`}>{r.person_name}</a>{r.corrected && <span className="chip" title={t('attendance.correctedHint')}>{t('attendance.correctedChip')}</span>}</td>
                <td className="mono">{r.employee_id}</td>
                <td>{r.department || '—'}</td>
                <td data-testid="check-in">{fmtShortTime(r.check_in)}</td>
                <td data-testid="check-out">{!r.check_out && r.last_seen
                  ? <span className="muted" title={t('attendance.lastSeenHint')}>{t('attendance.lastSeen', { time: fmtShortTime(r.last_seen) })}</span>
                  : fmtShortTime(r.check_out)}</td>
                <td><span className={`chip att-${r.status}`} title={t(`attendance.help.${r.status}`)}>{t(`attendance.status.${r.status}`)}</span>{inNow(r) && <span className="chip card-in" title={t('attendance.help.in_now')}>{t('attendance.inNow')}</span>}{r.late_minutes > 0 && <span className="muted small"> +{r.late_minutes} min</span>}</td>
                <td>{r.worked_minutes > 0 ? fmtMinutes(r.worked_minutes) : '—'}</td>
                <td><button type="button" className="btn btn-small btn-ghost" onClick={() => setCorrecting(r)}>{t('attendance.correct')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {correcting && <CorrectAttendanceDialog row={correcting} onClose={() => setCorrecting(null)} />}
    </>
  );
}
