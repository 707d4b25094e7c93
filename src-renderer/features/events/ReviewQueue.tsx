// Wrong-match review queue (admins): events a guard reported as a wrong match, each with the event's face and the
// person it was matched to side by side. Resolve: the match was right (confirm), it was someone else (reassign to
// a person: the event is corrected and attendance follows), or nobody enrolled (mark as unknown); or dismiss the
// report. Every resolution is audited by the host (reviews.resolve / reviews.dismiss).
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

type Review = MethodOutput<'reviews.list'>[number];

function MatchedPerson({ personId, name }: { personId: string | null; name: string | null }) {
  const { t } = useTranslation();
  const [thumb, setThumb] = useState<string | null>(null);
  useEffect(() => {
    if (!personId) return;
    let live = true;
    api().call('persons.get', { id: personId }).then((p) => {
      const ref = p.thumbnail ?? p.templates.find((x) => x.image)?.image ?? null;
      if (live) setThumb(ref ? api().mediaUrl(ref) : null);
    }).catch(() => {});
    return () => { live = false; };
  }, [personId]);
  return (
    <figure className="review-face">
      {thumb ? <img src={thumb} alt={t('reviews.enrolledPhotoOf', { name: name ?? '' })} /> : <div className="review-noface"><Icon name="user" size={32} /></div>}
      <figcaption>{personId ? <><span className="muted">{t('reviews.matchedTo')}</span> <strong>{name ?? personId}</strong></> : <span className="muted">{t('reviews.noMatch')}</span>}</figcaption>
    </figure>
  );
}

function ReviewCard({ r, onDone }: { r: Review; onDone: () => void }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'none' | 'reassign'>('none');
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const e = r.event;

  async function run(what: () => Promise<unknown>, done: string) {
    setBusy(true);
    try {
      await what();
      toast.ok(done);
      onDone();
    } catch (err) {
      toast.error(t('reviews.failed', { error: errorText(err, t) }));
    } finally {
      setBusy(false);
    }
  }
  const resolve = (action: 'confirm' | 'reassign' | 'unknown', person_id?: string) =>
    run(() => api().call('reviews.resolve', { event_id: e.id, action, ...(person_id ? { person_id } : {}) }), t(`reviews.done_${action}`));

  return (
    <article className="review-card" data-testid="review">
      <header>
        <strong>{e.camera_name}</strong>
        <span className="muted">{fmtDate(localDate(new Date(e.started_at)))} {fmtTime(e.started_at)}</span>
      </header>
      <div className="review-pair">
        <figure className="review-face">
          {e.face_snapshot ? <img src={api().mediaUrl(e.face_snapshot)} alt={t('reviews.seenFace')} /> : <div className="review-noface"><Icon name="user" size={32} /></div>}
          <figcaption><span className="muted">{t('reviews.seen')}</span>{e.confidence !== null && <> · {t('reviews.similarity', { value: e.confidence.toFixed(2) })}</>}</figcaption>
        </figure>
        <MatchedPerson personId={e.person_id} name={e.person_name} />
      </div>
      <p className="review-report">
        {t('reviews.reportedBy', { who: r.reported_by, time: fmtTime(r.reported_at) })}
        {r.note && <> — “{r.note}”</>}
      </p>
      {mode === 'none' ? (
        <div className="cluster-actions">
          <button type="button" className="btn btn-small btn-primary" disabled={busy || !e.person_id} onClick={() => void resolve('confirm')}>{t('reviews.confirm')}</button>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => setMode('reassign')}>{t('reviews.reassign')}</button>
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void resolve('unknown')}>{t('reviews.markUnknown')}</button>
          <button type="button" className="btn btn-small btn-ghost" disabled={busy}
            onClick={() => void run(() => api().call('reviews.dismiss', { event_id: e.id }), t('reviews.done_dismiss'))}>{t('reviews.dismiss')}</button>
        </div>
      ) : (
        <form className="cluster-form" onSubmit={(ev) => { ev.preventDefault(); if (person) void resolve('reassign', person.id); }}>
          <PersonPicker value={person} onChange={setPerson} label={t('reviews.reassignTo')} autoFocus />
          <div className="cluster-actions">
            <button type="submit" className="btn btn-small btn-primary" disabled={busy || !person}>{busy ? t('common.working') : t('reviews.reassignConfirm')}</button>
            <button type="button" className="btn btn-small btn-ghost" onClick={() => setMode('none')}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </article>
  );
}

export function ReviewQueue() {
  const { t } = useTranslation();
  const [state, setState] = useState<{ status: 'loading' | 'ready' | 'error'; items: Review[]; error?: unknown }>({ status: 'loading', items: [] });
  const load = useCallback(async () => {
    try {
      setState({ status: 'ready', items: await api().call('reviews.list', { state: 'open' }) });
    } catch (error) {
      setState({ status: 'error', items: [], error });
    }
  }, []);
  useEffect(() => { void load(); }, [load]);

  if (state.status === 'loading') return <Loading />;
  if (state.status === 'error') return <ErrorState error={state.error} onRetry={() => void load()} />;
  if (state.items.length === 0) return <EmptyState icon={<Icon name="check" size={40} />} title={t('reviews.none')} hint={t('reviews.noneHint')} />;
  return (
    <div className="reviews-grid" data-testid="reviews">
      {state.items.map((r) => <ReviewCard key={r.event.id} r={r} onDone={() => void load()} />)}
    </div>
  );
}
