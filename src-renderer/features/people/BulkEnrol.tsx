// Bulk enrolment: pick a folder (one sub-folder per person) or a CSV plus photos, review the plan, run it in
// batches with a progress bar, then read the per-person result summary.
import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodOutput } from '../../../src-contract/api.ts';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';
import { readAsBase64 } from '../../ui/files.ts';
import { Icon } from '../../ui/icons.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { batches, planBulk } from './bulk-plan.ts';
import type { BulkPlan, PlanFile } from './bulk-plan.ts';
import { usePeople } from './store.ts';
import { verdictReason } from './VerdictLine.tsx';

interface PickedFile extends PlanFile { file: File }
type RowResult = MethodOutput<'persons.enrolBulk'>['results'][number];

export function BulkEnrol({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const invalidateList = usePeople((s) => s.invalidateList);
  const [plan, setPlan] = useState<BulkPlan<PickedFile> | null>(null);
  const [phase, setPhase] = useState<'pick' | 'review' | 'running' | 'done'>('pick');
  const [done, setDone] = useState(0);
  const [results, setResults] = useState<RowResult[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const cancel = useRef(false);

  async function onFiles(list: FileList | null) {
    if (!list || list.length === 0) return;
    const files: PickedFile[] = [...list].map((file) => ({ file, path: file.webkitRelativePath || file.name, size: file.size }));
    const csv = files.find((f) => /\.csv$/i.test(f.path));
    setPlan(planBulk(files, csv ? await csv.file.text() : null));
    setPhase('review');
  }

  async function run() {
    if (!plan) return;
    cancel.current = false;
    setPhase('running');
    setDone(0);
    setResults([]);
    setFailure(null);
    try {
      for (const batch of batches(plan.rows)) {
        if (cancel.current) break;
        const rows = await Promise.all(batch.map(async (r) => ({
          employee_id: r.employee_id, name: r.name, department: r.department, watchlist: r.watchlist,
          photos: await Promise.all(r.photos.map(async (p) => ({ name: p.path.split('/').pop()!.slice(0, 255), data_base64: await readAsBase64(p.file) }))),
        })));
        const res = await api().call('persons.enrolBulk', { rows });
        setResults((cur) => [...cur, ...res.results]);
        setDone((n) => n + batch.length);
      }
    } catch (err) {
      setFailure(err);
    }
    invalidateList();
    setPhase('done');
  }

  const totals = useMemo(() => {
    let accepted = 0;
    let rejected = 0;
    const reasons = new Map<string, number>();
    for (const r of results) for (const v of r.verdicts) {
      if (v.accepted) accepted++;
      else { rejected++; const k = verdictReason(v, t, { brief: true }); reasons.set(k, (reasons.get(k) ?? 0) + 1); }
    }
    return { people: results.filter((r) => r.person_id && !r.error).length, failed: results.filter((r) => r.error).length, accepted, rejected, reasons: [...reasons] };
  }, [results, t]);

  const total = plan?.rows.length ?? 0;
  const photos = plan?.rows.reduce((n, r) => n + r.photos.length, 0) ?? 0;
  return (
    <Modal title={t('bulk.title')} onClose={phase === 'running' ? () => { cancel.current = true; } : onClose} wide testId="bulk-dialog">
      {phase === 'pick' && (
        <div className="bulk-pick">
          <p className="muted">{t('bulk.intro')}</p>
          <div className="bulk-options">
            <label className="bulk-option">
              <Icon name="upload" size={28} />
              <strong>{t('bulk.folder')}</strong>
              <span className="muted small">{t('bulk.folderHint')}</span>
              <input type="file" multiple className="sr-only" data-testid="bulk-folder-input"
                ref={(el) => { el?.setAttribute('webkitdirectory', ''); }} onChange={(e) => void onFiles(e.target.files)} />
            </label>
            <label className="bulk-option">
              <Icon name="people" size={28} />
              <strong>{t('bulk.csv')}</strong>
              <span className="muted small">{t('bulk.csvHint')}</span>
              <input type="file" multiple accept=".csv,image/*" className="sr-only" data-testid="bulk-csv-input" onChange={(e) => void onFiles(e.target.files)} />
            </label>
          </div>
        </div>
      )}

      {phase === 'review' && plan && (
        <div>
          <p role="status">{t('bulk.planSummary', { people: total, photos, source: plan.source === 'csv' ? 'CSV' : t('bulk.folderWord') })}</p>
          {plan.problems.length > 0 && (
            <div className="problems">
              <h3>{t('bulk.problems', { count: plan.problems.length })}</h3>
              <ul>{plan.problems.slice(0, 50).map((p, i) => <li key={i}><strong>{p.where}</strong>: {t(`bulk.problem.${p.code}`, { detail: p.detail ?? '' })}</li>)}</ul>
            </div>
          )}
          {total > 0 && (
            <table className="table table-compact">
              <thead><tr><th>{t('people.employeeId')}</th><th>{t('people.name')}</th><th>{t('people.department')}</th><th>{t('bulk.photos')}</th></tr></thead>
              <tbody>{plan.rows.slice(0, 100).map((r) => <tr key={r.employee_id}><td className="mono">{r.employee_id}</td><td>{r.name}</td><td>{r.department || '—'}</td><td>{r.photos.length}</td></tr>)}</tbody>
            </table>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => { setPlan(null); setPhase('pick'); }}>{t('bulk.pickAgain')}</button>
            <button type="button" className="btn btn-primary" disabled={total === 0} onClick={() => void run()}>{t('bulk.start', { count: total })}</button>
          </div>
        </div>
      )}

      {(phase === 'running' || phase === 'done') && (
        <div>
          <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={total} aria-valuenow={done} aria-label={t('bulk.progress')}>
            <div className="progress-bar" style={{ width: `${total ? (done / total) * 100 : 0}%` }} />
          </div>
          <p role="status">{t('bulk.progressText', { done, total })}</p>
          {phase === 'running' && <div className="form-actions"><button type="button" className="btn" onClick={() => { cancel.current = true; }}>{t('bulk.stop')}</button></div>}
          {failure !== null && <p className="form-error" role="alert">{errorText(failure, t)}</p>}
          {phase === 'done' && (
            <div className="bulk-summary" data-testid="bulk-summary">
              <dl className="stats">
                <dt>{t('bulk.enrolledPeople')}</dt><dd>{totals.people}</dd>
                <dt>{t('bulk.failedPeople')}</dt><dd>{totals.failed}</dd>
                <dt>{t('bulk.acceptedPhotos')}</dt><dd>{totals.accepted}</dd>
                <dt>{t('bulk.rejectedPhotos')}</dt><dd>{totals.rejected}</dd>
              </dl>
              {totals.reasons.length > 0 && (
                <ul className="reasons">{totals.reasons.map(([reason, n]) => <li key={reason}>{reason}: {n}</li>)}</ul>
              )}
              <table className="table table-compact">
                <thead><tr><th>{t('people.employeeId')}</th><th>{t('bulk.result')}</th></tr></thead>
                <tbody>
                  {results.map((r) => (
                    <tr key={r.employee_id}>
                      <td className="mono">{r.person_id ? <a href={`#/people/${r.person_id}`} onClick={onClose}>{r.employee_id}</a> : r.employee_id}</td>
                      <td>{r.error ? <span className="warn-text">{r.error}</span> : t('bulk.rowResult', { accepted: r.verdicts.filter((v) => v.accepted).length, total: r.verdicts.length })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <div className="form-actions"><button type="button" className="btn btn-primary" onClick={onClose}>{t('common.close')}</button></div>
            </div>
          )}
        </div>
      )}
    </Modal>
  );
}
