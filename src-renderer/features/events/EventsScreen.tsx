// Events timeline: filters, snapshots grouped by day, live additions, export; the detail opens beside it.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VigilEvent } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { errorText } from '../../ui/error-text.ts';
import { fmtDate, fmtPercent, fmtTime, isoToLocalInput, localDate, localInputToIso } from '../../ui/format.ts';
import { downloadBase64 } from '../../ui/files.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useAuth } from '../auth/store.ts';
import { useCameras } from '../cameras/store.ts';
import { PersonPicker } from '../people/PersonPicker.tsx';
import { EventDetail } from './EventDetail.tsx';
import { UnknownPeople } from './UnknownPeople.tsx';
import { ReviewQueue } from './ReviewQueue.tsx';
import { toQuery, useEvents } from './store.ts';
import { decisionLabel, isAnonymised } from './decision-label.ts';

export function EventsScreen({ id }: { id?: string }) {
  const { t } = useTranslation();
  const role = useAuth((s) => s.user?.role);
  const isAdmin = role === 'admin';
  const { filters, items, status, error, nextCursor, loadingMore, load, loadMore, setFilters, clearFilters, applyTrack } = useEvents();
  const cameras = useCameras((s) => s.cameras);
  const loadCameras = useCameras((s) => s.load);
  const [format, setFormat] = useState<'csv' | 'xlsx' | 'pdf' | 'json'>('csv');
  const [exporting, setExporting] = useState(false);
  const [view, setView] = useState<'events' | 'unknown' | 'reviews'>('events');

  useEffect(() => { void load(); void loadCameras().catch(() => {}); }, [load, loadCameras]);
  useEffect(() => api().subscribe('events.track', { camera_id: filters.camera_id }, applyTrack), [filters.camera_id, applyTrack]);

  const groups = useMemo(() => {
    const out: { day: string; events: VigilEvent[] }[] = [];
    for (const e of items) {
      const day = localDate(new Date(e.started_at));
      const last = out[out.length - 1];
      if (last && last.day === day) last.events.push(e);
      else out.push({ day, events: [e] });
    }
    return out;
  }, [items]);

  async function exportSelection() {
    setExporting(true);
    try {
      const q = toQuery(filters);
      downloadBase64(await api().call('events.export', { camera_id: q.camera_id, person_id: q.person_id, decision: q.decision, from: q.from, to: q.to, format }));
      toast.ok(t('events.exported'));
    } catch (err) {
      toast.error(t('events.exportFailed', { error: errorText(err, t) }));
    } finally {
      setExporting(false);
    }
  }

  const active = Object.values(filters).some((v) => v !== undefined);
  return (
    <div className={`events-layout${id ? ' with-detail' : ''}`}>
      <section className="events-main" aria-label={t('nav.events')}>
        <div className="toolbar">
          <h1 className="toolbar-title">{t('nav.events')}</h1>
          <div className="segmented" role="group" aria-label={t('clusters.view')}>
            <button type="button" className="seg" aria-pressed={view === 'events'} onClick={() => setView('events')}>{t('clusters.viewEvents')}</button>
            <button type="button" className="seg" aria-pressed={view === 'unknown'} onClick={() => setView('unknown')} data-testid="view-unknown">{t('clusters.viewUnknown')}</button>
            {isAdmin && <button type="button" className="seg" aria-pressed={view === 'reviews'} onClick={() => setView('reviews')} data-testid="view-reviews">{t('clusters.viewReviews')}</button>}
          </div>
          <span className="toolbar-spacer" />
          {isAdmin && view === 'events' && (
            <div className="inline-group">
              <label className="sr-only" htmlFor="export-format">{t('events.exportFormat')}</label>
              <select id="export-format" value={format} onChange={(e) => setFormat(e.target.value as typeof format)}>
                <option value="csv">CSV</option><option value="xlsx">XLSX</option><option value="pdf">PDF</option><option value="json">JSON</option>
              </select>
              <button type="button" className="btn" disabled={exporting || items.length === 0} onClick={exportSelection}>
                <Icon name="download" size={18} /> {exporting ? t('common.working') : t('events.export')}
              </button>
            </div>
          )}
        </div>
        {view === 'reviews' ? <ReviewQueue /> : view === 'unknown' ? <UnknownPeople isAdmin={isAdmin} /> : <>
        <form className="filters" aria-label={t('events.filters')} onSubmit={(e) => e.preventDefault()}>
          <div className="field">
            <label htmlFor="f-camera">{t('events.camera')}</label>
            <select id="f-camera" value={filters.camera_id ?? ''} onChange={(e) => setFilters({ camera_id: e.target.value || undefined })}>
              <option value="">{t('events.allCameras')}</option>
              {cameras.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-decision">{t('events.decision')}</label>
            <select id="f-decision" value={filters.decision ?? ''} onChange={(e) => setFilters({ decision: (e.target.value || undefined) as typeof filters.decision })}>
              <option value="">{t('events.anyDecision')}</option>
              <option value="recognized">{t('decision.recognized')}</option>
              <option value="unknown">{t('decision.unknown')}</option>
              <option value="pending">{t('decision.pending')}</option>
            </select>
          </div>
          {isAdmin && (
            <div className="field">
              <PersonPicker label={t('events.person')} value={filters.person ?? null} onChange={(p) => setFilters({ person: p ?? undefined })} />
            </div>
          )}
          <div className="field">
            <label htmlFor="f-from">{t('events.from')}</label>
            <input id="f-from" type="datetime-local" value={isoToLocalInput(filters.from)} onChange={(e) => setFilters({ from: localInputToIso(e.target.value) })} />
          </div>
          <div className="field">
            <label htmlFor="f-to">{t('events.to')}</label>
            <input id="f-to" type="datetime-local" value={isoToLocalInput(filters.to)} onChange={(e) => setFilters({ to: localInputToIso(e.target.value) })} />
          </div>
          <div className="field">
            <label htmlFor="f-conf">{t('events.minConfidence', { value: fmtPercent(filters.min_confidence ?? 0) })}</label>
            <input id="f-conf" type="range" min={0} max={1} step={0.05} value={filters.min_confidence ?? 0}
              onChange={(e) => setFilters({ min_confidence: Number(e.target.value) || undefined })} />
          </div>
          {active && <button type="button" className="btn btn-ghost" onClick={clearFilters}>{t('events.clearFilters')}</button>}
        </form>

        {status === 'loading' || status === 'idle' ? <Loading /> : status === 'error' ? <ErrorState error={error} onRetry={() => void load(true)} /> : items.length === 0 ? (
          <EmptyState icon={<Icon name="events" size={40} />} title={active ? t('events.noMatch') : t('events.none')} hint={active ? t('events.noMatchHint') : t('events.noneHint')} />
        ) : (
          <div className="timeline" data-testid="events-timeline">
            {groups.map((g) => (
              <section key={g.day} className="timeline-day">
                <h2 className="timeline-date">{fmtDate(g.day)}</h2>
                <ul className="event-list">
                  {g.events.map((e) => (
                    <li key={e.id}>
                      <button type="button" className={`event-row decision-${e.decision}${id === e.id ? ' selected' : ''}`} onClick={() => navigate({ screen: 'events', id: e.id })} data-testid="event-row" data-decision={e.decision}>
                        {e.face_snapshot ? <img className="event-thumb" src={api().mediaUrl(e.face_snapshot)} alt="" loading="lazy" /> : <span className="event-thumb event-thumb-empty"><Icon name="user" /></span>}
                        <span className="event-who">
                          <strong>{e.person_name ?? (isAnonymised(e) ? t('events.erasedPerson') : e.decision === 'pending' ? t('live.identifying') : t('live.unknown'))}</strong>
                          <span className="muted">{e.camera_name}</span>
                        </span>
                        <span className="event-flags">
                          {e.flags.map((f) => <span key={f} className={`chip chip-${f}`}>{t(`events.flag.${f}`)}</span>)}
                          {e.corrected_by && <span className="chip">{t('events.corrected')}</span>}
                        </span>
                        <span className={`chip decision-chip-${e.decision}`}>{decisionLabel(e, t)}</span>
                        <span className="event-conf">{fmtPercent(e.confidence)}</span>
                        <time className="event-time" dateTime={e.started_at}>{fmtTime(e.started_at)}</time>
                      </button>
                    </li>
                  ))}
                </ul>
              </section>
            ))}
            {nextCursor && (
              <button type="button" className="btn btn-block" disabled={loadingMore} onClick={() => void loadMore().catch((err) => toast.error(errorText(err, t)))}>
                {loadingMore ? t('common.loading') : t('common.loadMore')}
              </button>
            )}
          </div>
        )}
        </>}
      </section>
      {id && <EventDetail id={id} onClose={() => navigate({ screen: 'events' })} />}
    </div>
  );
}
