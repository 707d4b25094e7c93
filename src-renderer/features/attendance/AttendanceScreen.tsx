// Attendance: day view, range report with chart and exports, shifts. Tabs are routes (#/attendance/report).
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { ATTENDANCE_TABS } from '../../app/routes.ts';
import type { AttendanceTab } from '../../app/routes.ts';
import { DayView } from './DayView.tsx';
import { RangeReport } from './RangeReport.tsx';
import { ShiftsPanel } from './ShiftsPanel.tsx';
import { useAttendance } from './store.ts';

export function AttendanceScreen({ id }: { id?: string }) {
  const { t } = useTranslation();
  const tab: AttendanceTab = (ATTENDANCE_TABS as readonly string[]).includes(id ?? '') ? (id as AttendanceTab) : 'day';
  const onPunch = useAttendance((s) => s.onPunch);
  useEffect(() => api().subscribe('attendance.punch', {}, (p) => onPunch(p.date)), [onPunch]);
  return (
    <div className="page">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('nav.attendance')}</h1>
        <div className="tabs" role="tablist" aria-label={t('nav.attendance')}>
          {ATTENDANCE_TABS.map((x) => (
            <button key={x} type="button" role="tab" aria-selected={tab === x} className="tab" onClick={() => navigate({ screen: 'attendance', id: x })}>
              {t(`attendance.tab.${x}`)}
            </button>
          ))}
        </div>
      </div>
      <div role="tabpanel">
        {tab === 'day' && <DayView />}
        {tab === 'report' && <RangeReport />}
        {tab === 'shifts' && <ShiftsPanel />}
      </div>
    </div>
  );
}
