// Unknown people: strangers grouped by appearance across visits ("Unknown #12 — 3 visits today") with their best
// face crops. An admin can enrol one as a new person from the crops, merge it into an existing person (its visits
// are relabelled and attendance follows), or dismiss it. Guards see the list.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../src-contract/api.ts';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';
import { fmtDate, fmtTime, localDate } from '../../ui/format.ts';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { Icon } from '../../ui/icons.tsx';
import { toast } from '../../ui/toasts.tsx';
import { PersonPicker } from '../people/PersonPicker.tsx';

type Cluster = MethodOutput<'clusters.list'>[number];

function ClusterCard({ c, isAdmin, onChanged }: { c: Cluster; isAdmin: boolean; onChanged: () => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'none' | 'enrol' | 'merge'>('none');
  const [name, setName] = useState('');
  const [employeeId, setEmployeeId] = useState('');
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);

  async function run(what: () => Promise<{ events_relabelled: number; verdicts: Array<{ accepted: boolean }> } | { ok: true }>) {
    setBusy(true);
    try {
      const r = await what();
      if ('events_relabelled' in r) toast.ok(t('clusters.done', { templates: r.verdicts.filter((v) => v.accepted).length, events: r.events_relabelled }));
      setMode('none');
      onChanged();
    } catch (err) {
      toast.error(t('clusters.failed', { error: errorText(err, t) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className="cluster-card" data-testid="cluster">
      <h3>{c.label}</h3>
      <span className="muted">
        {t('clusters.visits', { count: c.visits })} · {t('clusters.today', { count: c.visits_today })} · {t('clusters.lastSeen', { date: fmtDate(localDate(new Date(c.last_seen))), time: fmtTime(c.last_seen) })}
      </span>
      <div className="cluster-crops">
        {c.crops.length === 0 ? <span className="muted">{t('clusters.noCrops')}</span> : c.crops.map((crop) => (
          <img key={crop.event_id} src={api().mediaUrl(crop.face_snapshot)} alt={t('clusters.cropOf', { label: c.label })} />
        ))}
      </div>
      {isAdmin && mode === 'none' && (
        <div className="cluster-actions">
          <button type="button" className="btn btn-small btn-primary" onClick={() => setMode('enrol')}><Icon name="user" size={16} /> {t('clusters.enrol')}</button>
          <button type="button" className="btn btn-small" onClick={() => setMode('merge')}>{t('clusters.merge')}</button>
          <button type="button" className="btn btn-small btn-ghost" disabled={busy} onClick={() => void run(() => api().call('clusters.dismiss', { id: c.id }))}>{t('clusters.dismiss')}</button>
        </div>
      )}
      {mode === 'enrol' && (
        <form className="cluster-form" onSubmit={(e) => { e.preventDefault(); void run(() => api().call('clusters.enrol', { id: c.id, person: { name, employee_id: employeeId } })); }}>
          <div className="field"><label htmlFor={`n-${c.id}`}>{t('clusters.name')}</label><input id={`n-${c.id}`} value={name} required onChange={(e) => setName(e.target.value)} /></div>
          <div className="field"><label htmlFor={`e-${c.id}`}>{t('clusters.employeeId')}</label><input id={`e-${c.id}`} value={employeeId} required onChange={(e) => setEmployeeId(e.target.value)} /></div>
          <div className="cluster-actions">
            <button type="submit" className="btn btn-small btn-primary" disabled={busy || !name || !employeeId}>{busy ? t('common.working') : t('clusters.enrolConfirm')}</button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setMode('none')}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
      {mode === 'merge' && (
        <form className="cluster-form" onSubmit={(e) => { e.preventDefault(); if (person) void run(() => api().call('clusters.merge', { id: c.id, person_id: person.id })); }}>
          <PersonPicker value={person} onChange={setPerson} label={t('clusters.mergeInto')} autoFocus />
          <div className="cluster-actions">
            <button type="submit" className="btn btn-small btn-primary" disabled={busy || !person}>{busy ? t('common.working') : t('clusters.mergeConfirm')}</button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setMode('none')}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </article>
  );
}

export function UnknownPeople({ isAdmin }: { isAdmin: boolean }) {
  const { t } = useTranslation();
  const [state, setState] = useState<{ status: 'loading' | 'ready' | 'error'; items: Cluster[]; error?: unknown }>({ status: 'loading', items: [] });
  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', items: await api().call('clusters.list', { status: 'open' }) });
    } catch (error) {
      setState({ status: 'error', items: [], error });
    }
  }, []);
  useEffect(() => { void load(); }, [load]);
  // A new unknown visit joins or starts a cluster: refresh when one is reported.
  useEffect(() => api().subscribe('alerts', {}, (a) => { if (a.kind === 'unknown_person') void load(); }), [load]);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={() => void load()} />;
  if (state.items.length === 0) return <EmptyState icon={<Icon name="user" size={40} />} title={t('clusters.none')} hint={t('clusters.noneHint')} />;
  return (
    <div className="clusters-grid" data-testid="clusters">
      {state.items.map((c) => <ClusterCard key={c.id} c={c} isAdmin={isAdmin} onChanged={() => void load()} />)}
    </div>
  );
}
