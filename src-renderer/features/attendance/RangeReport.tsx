// Range report: daily presence chart, totals per person (worked hours), exports to CSV / XLSX / PDF.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';
import { downloadBase64 } from '../../ui/files.ts';
import { fmtDate, fmtMinutes, localDate } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { dailyPresence, totalsPerPerson } from './attendance-summary.ts';
import { useAttendance } from './store.ts';

export function RangeReport() {
  const { t } = useTranslation();
  const { range, setRange, loadRange } = useAttendance();
  const [exporting, setExporting] = useState<string | null>(null);
  useEffect(() => { void loadRange(); }, [loadRange]);
  const series = useMemo(() => dailyPresence(range.rows, range.from, range.to), [range.rows, range.from, range.to]);
  const totals = useMemo(() => totalsPerPerson(range.rows), [range.rows]);
  const badRange = range.from > range.to;

  async function exportAs(format: 'csv' | 'xlsx' | 'pdf') {
    setExporting(format);
    try {
      downloadBase64(await api().call('attendance.export', { from: range.from, to: range.to, department: range.department.trim() || undefined, format }));
      toast.ok(t('attendance.exported', { format: format.toUpperCase() }));
    } catch (err) {
      toast.error(t('attendance.exportFailed', { error: errorText(err, t) }));
    } finally {
      setExporting(null);
    }
  }

  return (
    <>
      <div className="filters">
        <div className="field"><label htmlFor="r-from">{t('attendance.from')}</label><input id="r-from" type="date" value={range.from} max={localDate()} onChange={(e) => e.target.value && setRange({ from: e.target.value })} /></div>
        <div className="field"><label htmlFor="r-to">{t('attendance.to')}</label><input id="r-to" type="date" value={range.to} max={localDate()} onChange={(e) => e.target.value && setRange({ to: e.target.value })} /></div>
        <div className="field"><label htmlFor="r-dept">{t('people.department')}</label><input id="r-dept" value={range.department} onChange={(e) => setRange({ department: e.target.value })} placeholder={t('attendance.allDepartments')} /></div>
        <div className="field"><PersonPicker label={t('attendance.person')} value={range.person} onChange={(p) => setRange({ person: p })} /></div>
        <span className="toolbar-spacer" />
        <div className="inline-group" role="group" aria-label={t('attendance.export')}>
          {(['csv', 'xlsx', 'pdf'] as const).map((f) => (
            <button key={f} type="button" className="btn" disabled={exporting !== null || badRange} onClick={() => void exportAs(f)} data-testid={`export-${f}`}>
              <Icon name="download" size={16} /> {exporting === f ? t('common.working') : f.toUpperCase()}
            </button>
          ))}
        </div>
      </div>
      {badRange ? <p className="form-error" role="alert">{t('attendance.badRange')}</p>
        : range.status === 'loading' || range.status === 'idle' ? <Loading /> : range.status === 'error' ? <ErrorState error={range.error} onRetry={() => void loadRange(true)} /> : range.rows.length === 0 ? (
          <EmptyState icon={<Icon name="attendance" size={40} />} title={t('attendance.noneForRange')} />
        ) : (
          <>
            <section className="panel chart-panel" aria-label={t('attendance.chartTitle')}>
              <h2>{t('attendance.chartTitle')}</h2>
              <div className="chart">
                <ResponsiveContainer width="100%" height={260}>
                  <BarChart data={series} margin={{ top: 8, right: 16, bottom: 0, left: -16 }}>
                    <CartesianGrid stroke="#243047" vertical={false} />
                    <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} stroke="#8da2c0" fontSize={12} />
                    <YAxis allowDecimals={false} stroke="#8da2c0" fontSize={12} />
                    <Tooltip contentStyle={{ background: '#111a2b', border: '1px solid #2b3a55', color: '#e6edf7' }} labelFormatter={(d) => fmtDate(String(d))} cursor={{ fill: 'rgba(255,255,255,0.04)' }} />
                    <Legend />
                    <Bar dataKey="present" stackId="a" fill="#34d399" name={t('attendance.status.present')} />
                    <Bar dataKey="late" stackId="a" fill="#fbbf24" name={t('attendance.status.late')} />
                    <Bar dataKey="absent" stackId="a" fill="#f87171" name={t('attendance.status.absent')} />
                  </BarChart>
                </ResponsiveContainer>
              </div>
            </section>
            <table className="table" data-testid="attendance-report">
              <thead><tr><th>{t('people.name')}</th><th>{t('people.employeeId')}</th><th>{t('people.department')}</th><th>{t('attendance.daysPresent')}</th><th>{t('attendance.late')}</th><th>{t('attendance.absent')}</th><th>{t('attendance.worked')}</th></tr></thead>
              <tbody>
                {totals.map((r) => (
                  <tr key={r.person_id}>
                    <td><a href={`#/people/${r.person_id}`}>{r.person_name}</a></td>
                    <td className="mono">{r.employee_id}</td>
                    <td>{r.department || '—'}</td>
                    <td>{r.days_present}</td>
                    <td>{r.late > 0 ? t('attendance.lateN', { count: r.late, minutes: r.late_minutes }) : 0}</td>
                    <td>{r.absent}</td>
                    <td>{fmtMinutes(r.worked_minutes)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
    </>
  );
}
