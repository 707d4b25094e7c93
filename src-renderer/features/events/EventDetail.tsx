// One event: the full frame with the face box, the decision and its numbers, and (admins) corrections.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VigilEvent } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { fmtDateTime, fmtPercent } from '../../ui/format.ts';
import { ErrorState, Loading } from '../../ui/states.tsx';
import { errorText } from '../../ui/error-text.ts';
import { toast } from '../../ui/toasts.tsx';
import { useAuth } from '../auth/store.ts';
import { CorrectionDialog } from './CorrectionDialog.tsx';
import { useEvents } from './store.ts';
import { decisionLabel, isAnonymised } from './decision-label.ts';

export function EventDetail({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { detail, open } = useEvents();
  const isAdmin = useAuth((s) => s.user?.role === 'admin');
  const [correcting, setCorrecting] = useState<null | 'not' | 'is'>(null);
  useEffect(() => { void open(id); }, [id, open]);

  let body;
  if (!detail || detail.id !== id || detail.status === 'loading') body = <Loading />;
  else if (detail.status === 'error' || !detail.event) body = <ErrorState error={detail.error} onRetry={() => void open(id)} />;
  else body = renderBody(detail.event);

  // A plain function, not a component: a component declared here would remount (and reset its dialog) on every render.
  function renderBody(e: VigilEvent) {
    return (
      <>
        <Frame e={e} />
        <dl className="kv">
          <dt>{t('events.decision')}</dt><dd><span className={`chip decision-chip-${e.decision}`}>{decisionLabel(e, t)}</span></dd>
          <dt>{t('events.person')}</dt>
          <dd>{e.person_id && isAdmin ? <a href={`#/people/${e.person_id}`}>{e.person_name}</a> : e.person_name ?? (isAnonymised(e) ? t('events.erasedPerson') : t('live.unknown'))}</dd>
          <dt>{t('events.camera')}</dt><dd>{e.camera_name}</dd>
          <dt>{t('events.time')}</dt><dd>{fmtDateTime(e.started_at)}</dd>
          <dt>{t('events.confidence')}</dt><dd>{fmtPercent(e.confidence)}</dd>
          {e.margin !== null && (<><dt>{t('events.margin')}</dt><dd>{e.margin.toFixed(3)}</dd></>)}
          {e.quality && (<><dt>{t('events.quality')}</dt><dd>{e.quality.passed ? t('events.qualityOk') : e.quality.reason ?? t('events.qualityLow')}</dd></>)}
          {e.model && (<><dt>{t('events.model')}</dt><dd className="mono">{e.model}</dd></>)}
          {e.acknowledged_by && (<><dt>{t('events.acknowledgedBy')}</dt><dd>{e.acknowledged_by}</dd></>)}
          {e.correction && (<><dt>{t('events.correctedBy')}</dt><dd>{e.corrected_by}{e.correction.reason ? ` — ${e.correction.reason}` : ''}</dd></>)}
        </dl>
        {e.flags.length > 0 && <p>{e.flags.map((f) => <span key={f} className={`chip chip-${f}`}>{t(`events.flag.${f}`)}</span>)}</p>}
        {isAdmin && (
          <div className="form-actions">
            {e.person_id && <button type="button" className="btn btn-danger" onClick={() => setCorrecting('not')}>{t('events.notThisPerson')}</button>}
            <button type="button" className="btn" onClick={() => setCorrecting('is')}>{t('events.thisIs')}</button>
          </div>
        )}
        {!isAdmin && e.decision === 'recognized' && (
          // Guards cannot correct; they send a doubtful recognition to an administrator's review queue.
          <div className="form-actions">
            <button type="button" className="btn" data-testid="report-wrong-match" onClick={() => void api().call('events.reportWrongMatch', { id: e.id }).then(
              () => toast.ok(t('live.wrongMatchSent')), (err) => toast.error(t('live.wrongMatchFailed', { error: errorText(err, t) })),
            )}>{t('live.wrongMatch')}</button>
          </div>
        )}
        {correcting && <CorrectionDialog event={e} mode={correcting} onClose={() => setCorrecting(null)} />}
      </>
    );
  }

  return (
    <aside className="detail-panel" aria-label={t('events.detail')} data-testid="event-detail">
      <header className="detail-header">
        <h2>{t('events.detail')}</h2>
        <button type="button" className="btn-icon" aria-label={t('common.close')} onClick={onClose}>×</button>
      </header>
      {body}
      <button type="button" className="btn btn-ghost btn-block" onClick={() => navigate({ screen: 'live', id: detail?.event?.camera_id ?? '' })} hidden={!detail?.event}>
        {t('events.openCamera')}
      </button>
    </aside>
  );
}

/** Full frame with the face box (SVG in frame pixel coordinates, so it scales with the image). */
function Frame({ e }: { e: VigilEvent }) {
  const { t } = useTranslation();
  const src = e.frame_snapshot ?? e.face_snapshot;
  if (!src) return <div className="frame frame-empty">{t('events.noSnapshot')}</div>;
  const full = Boolean(e.frame_snapshot);
  return (
    <figure className="frame">
      <div className="frame-box" style={full ? { aspectRatio: `${e.frame_width} / ${e.frame_height}` } : undefined}>
        <img src={api().mediaUrl(src)} alt={t('events.frameAlt', { camera: e.camera_name })} />
        {full && (
          <svg viewBox={`0 0 ${e.frame_width} ${e.frame_height}`} preserveAspectRatio="none" aria-hidden="true">
            <rect x={e.box[0]} y={e.box[1]} width={e.box[2]} height={e.box[3]} className={`frame-rect decision-${e.decision}`} vectorEffect="non-scaling-stroke" />
          </svg>
        )}
      </div>
    </figure>
  );
}
