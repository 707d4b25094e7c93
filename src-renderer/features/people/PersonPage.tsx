// A person: details, enrolment (photos or live capture), templates with quality, consent, attendance, events.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Template, VigilEvent } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { errorText } from '../../ui/error-text.ts';
import { downloadBase64 } from '../../ui/files.ts';
import { fmtDate, fmtDateTime, fmtMinutes, fmtPercent, fmtShortTime } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { clockOf, personSummary } from '../attendance/attendance-summary.ts';
import { CaptureEnrol } from './CaptureEnrol.tsx';
import { ConsentPanel } from './ConsentPanel.tsx';
import { EnrolPhotos } from './EnrolPhotos.tsx';
import { EraseDialog } from './EraseDialog.tsx';
import { PersonForm } from './PersonForm.tsx';
import { usePeople } from './store.ts';

export function PersonPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const { persons, loadPerson, attendance, loadAttendance, removeTemplate } = usePeople();
  const entry = persons[id];
  const [dialog, setDialog] = useState<null | 'edit' | 'erase' | 'capture'>(null);
  const [dropping, setDropping] = useState<Template | null>(null);
  const [events, setEvents] = useState<{ status: 'loading' | 'ready' | 'error'; items: VigilEvent[]; error?: unknown }>({ status: 'loading', items: [] });

  useEffect(() => {
    void loadPerson(id);
    void loadAttendance(id);
    let cancelled = false;
    api().call('events.list', { person_id: id, limit: 8 })
      .then((p) => { if (!cancelled) setEvents({ status: 'ready', items: p.items }); })
      .catch((err) => { if (!cancelled) setEvents({ status: 'error', items: [], error: err }); });
    return () => { cancelled = true; };
  }, [id, loadPerson, loadAttendance]);

  if (!entry || entry.status === 'loading') return <Loading />;
  if (entry.status === 'error' || !entry.data) return <ErrorState error={entry.error} onRetry={() => void loadPerson(id)} />;
  const p = entry.data;

  async function exportData() {
    try {
      downloadBase64(await api().call('persons.exportData', { id }));
    } catch (err) {
      toast.error(errorText(err, t));
    }
  }

  const att = attendance[id];
  const summary = att?.data ? personSummary(att.data) : null;
  return (
    <div className="page person-page" data-testid="person-page">
      <div className="toolbar">
        <button type="button" className="btn btn-small" onClick={() => navigate({ screen: 'people' })}><Icon name="back" size={18} /> {t('people.backToList')}</button>
        <span className="toolbar-spacer" />
        <button type="button" className="btn" onClick={() => setDialog('edit')}>{t('people.edit')}</button>
        <button type="button" className="btn" onClick={() => void exportData()}><Icon name="download" size={18} /> {t('people.exportData')}</button>
        <button type="button" className="btn btn-danger" onClick={() => setDialog('erase')}>{t('people.erase')}</button>
      </div>
      <header className="person-header">
        {p.thumbnail ? <img className="avatar-lg" src={api().mediaUrl(p.thumbnail)} alt="" /> : <span className="avatar-lg avatar-empty"><Icon name="user" size={40} /></span>}
        <div>
          <h1>{p.name}</h1>
          <p className="muted">{p.employee_id}{p.department && ` · ${p.department}`}</p>
          <p>
            <span className={`chip status-${p.status}`}>{t(p.status === 'active' ? 'people.statusActive' : 'people.statusInactive')}</span>
            {p.watchlist && <span className="chip chip-watchlist">{t('people.watchlist')}</span>}
            <span className="chip">{t('people.templatesN', { count: p.template_count })}</span>
          </p>
        </div>
      </header>

      <div className="person-grid">
        <section className="panel panel-wide" aria-labelledby="enrol-h">
          <div className="panel-head">
            <h2 id="enrol-h">{t('enrol.title')}</h2>
            <button type="button" className="btn" onClick={() => setDialog('capture')}><Icon name="cameras" size={18} /> {t('enrol.fromCamera')}</button>
          </div>
          <EnrolPhotos personId={id} />
        </section>

        <section className="panel panel-wide" aria-labelledby="tpl-h">
          <h2 id="tpl-h">{t('people.templates')}</h2>
          {p.templates.length === 0 ? <EmptyState title={t('people.noTemplates')} hint={t('people.noTemplatesHint')} /> : (
            <ul className="template-grid">
              {p.templates.map((tpl) => (
                <li key={tpl.id} className={`template${tpl.outlier ? ' template-outlier' : ''}`} data-testid="template">
                  {tpl.image ? <img src={api().mediaUrl(tpl.image)} alt={t('people.templateAlt', { name: p.name })} /> : <span className="template-noimg"><Icon name="user" size={32} /></span>}
                  <div className="template-meta">
                    <span className={`chip ${tpl.quality.passed ? 'chip-ok' : 'chip-warn'}`}>{tpl.quality.passed ? t('enrol.qualityOk') : tpl.quality.reason ?? t('enrol.qualityPoor')}</span>
                    <dl className="mini-kv">
                      <dt>{t('quality.sharpness')}</dt><dd>{tpl.quality.sharpness.toFixed(2)}</dd>
                      <dt>{t('quality.brightness')}</dt><dd>{tpl.quality.brightness.toFixed(2)}</dd>
                      <dt>{t('quality.size')}</dt><dd>{Math.round(tpl.quality.size)} px</dd>
                      <dt>{t('quality.pose')}</dt><dd>{Math.round(tpl.quality.yaw)}° / {Math.round(tpl.quality.pitch)}°</dd>
                    </dl>
                    <span className="muted small">{t(`people.source.${tpl.source}`)} · {fmtDateTime(tpl.created_at)}</span>
                    {tpl.outlier && <span className="warn-text small">{t('people.outlier')}</span>}
                    <button type="button" className="btn btn-small btn-ghost" onClick={() => setDropping(tpl)}>{t('people.removeTemplate')}</button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>

        <ConsentPanel key={`${p.id}-${p.updated_at}`} person={p} />

        <section className="panel" aria-labelledby="att-h">
          <h2 id="att-h">{t('people.attendance30')}</h2>
          {!att || (att.status === 'loading' && !att.data) ? <Loading /> : att.status === 'error' ? <ErrorState error={att.error} onRetry={() => void loadAttendance(id)} /> : summary && (
            <>
              <dl className="stats">
                <dt>{t('attendance.daysPresent')}</dt><dd>{summary.attended}</dd>
                <dt>{t('attendance.late')}</dt><dd>{summary.late}</dd>
                <dt>{t('attendance.absent')}</dt><dd>{summary.absent}</dd>
                <dt>{t('attendance.worked')}</dt><dd>{fmtMinutes(summary.worked_minutes)}</dd>
                <dt>{t('attendance.avgCheckIn')}</dt><dd>{summary.avg_check_in_minutes === null ? '—' : clockOf(summary.avg_check_in_minutes)}</dd>
              </dl>
              <ul className="mini-days">
                {att.data!.slice(-7).reverse().map((d) => (
                  <li key={d.date}><span>{fmtDate(d.date)}</span><span className={`chip att-${d.status}`}>{t(`attendance.status.${d.status}`)}</span><span className="muted">{fmtShortTime(d.check_in)}–{fmtShortTime(d.check_out)}</span></li>
                ))}
              </ul>
            </>
          )}
        </section>

        <section className="panel" aria-labelledby="ev-h">
          <h2 id="ev-h">{t('people.recentEvents')}</h2>
          {events.status === 'loading' ? <Loading /> : events.status === 'error' ? <ErrorState error={events.error} /> : events.items.length === 0 ? <p className="muted">{t('people.noEvents')}</p> : (
            <ul className="mini-events">
              {events.items.map((e) => (
                <li key={e.id}><a href={`#/events/${e.id}`}>{fmtDateTime(e.started_at)}</a> <span className="muted">{e.camera_name} · {fmtPercent(e.confidence)}</span></li>
              ))}
            </ul>
          )}
        </section>
      </div>

      {dialog === 'edit' && <PersonForm person={p} onClose={() => setDialog(null)} />}
      {dialog === 'erase' && <EraseDialog person={p} onClose={() => setDialog(null)} onErased={() => navigate({ screen: 'people' })} />}
      {dropping && (
        <ConfirmDialog title={t('people.removeTemplate')} message={t('people.removeTemplateConfirm')} confirmLabel={t('people.removeTemplate')} danger
          onClose={() => setDropping(null)} onConfirm={async () => { await removeTemplate(id, dropping.id); toast.ok(t('people.templateRemoved')); }} />
      )}
      {dialog === 'capture' && <CaptureEnrol personId={id} personName={p.name} onClose={() => setDialog(null)} />}
    </div>
  );
}
