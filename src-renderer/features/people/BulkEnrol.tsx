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
          employee_id: r.employee_id.trim(), name: r.name.trim(), department: r.department.trim(), watchlist: r.watchlist,
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
    const rejectedFiles: Array<{ employee_id: string; file: string; why: string }> = [];
    for (const r of results) for (const v of r.verdicts) {
      if (v.accepted) accepted++;
      else {
        rejected++;
        const k = verdictReason(v, t, { brief: true });
        reasons.set(k, (reasons.get(k) ?? 0) + 1);
        rejectedFiles.push({ employee_id: r.employee_id, file: v.name, why: verdictReason(v, t) });
      }
    }
    return { people: results.filter((r) => r.person_id && !r.error).length, failed: results.filter((r) => r.error).length, accepted, rejected, reasons: [...reasons], rejectedFiles };
  }, [results, t]);

  const total = plan?.rows.length ?? 0;
  const planValid = plan ? new Set(plan.rows.map((r) => r.employee_id.trim())).size === plan.rows.length && plan.rows.every((r) => r.employee_id.trim() && r.name.trim()) : false;
  /** The admin fixes a parsed row before import. */
  const editRow = (i: number, patch: Partial<BulkPlan<PickedFile>['rows'][number]>) =>
    setPlan((cur) => (cur ? { ...cur, rows: cur.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) } : cur));
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
            <>
              <p className="muted small">{t('bulk.fixHint')}</p>
              <div className="table-scroll">
                <table className="table table-compact" data-testid="bulk-preview">
                  <thead><tr>{plan.source === 'folder' && <th>{t('bulk.folderCol')}</th>}<th>{t('people.employeeId')}</th><th>{t('people.name')}</th><th>{t('people.department')}</th><th>{t('bulk.photos')}</th></tr></thead>
                  <tbody>{plan.rows.slice(0, 200).map((r, i) => {
                    const dup = plan.rows.some((o, j) => j !== i && o.employee_id.trim() === r.employee_id.trim());
                    const idProblem = !r.employee_id.trim() ? t('bulk.idMissing') : dup ? t('bulk.idTwice') : r.idGuessed ? t('bulk.idGuessed') : null;
                    return (
                      <tr key={i} data-row={i}>
                        {plan.source === 'folder' && <td className="muted small">{r.folder}</td>}
                        <td>
                          <input className={`input-compact mono${idProblem ? ' input-warn' : ''}`} aria-label={t('people.employeeId')} value={r.employee_id} data-testid="bulk-id"
                            onChange={(e) => editRow(i, { employee_id: e.target.value, idGuessed: false })} title={idProblem ?? undefined} />
                          {idProblem && <div className="warn-text small">{idProblem}</div>}
                        </td>
                        <td><input className="input-compact" aria-label={t('people.name')} value={r.name} data-testid="bulk-name" onChange={(e) => editRow(i, { name: e.target.value })} /></td>
                        <td><input className="input-compact" aria-label={t('people.department')} value={r.department} onChange={(e) => editRow(i, { department: e.target.value })} /></td>
                        <td>{r.photos.length}</td>
                      </tr>
                    );
                  })}</tbody>
                </table>
              </div>
            </>
          )}
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => { setPlan(null); setPhase('pick'); }}>{t('bulk.pickAgain')}</button>
            <button type="button" className="btn btn-primary" disabled={total === 0 || !planValid} onClick={() => void run()}>{t('bulk.start', { count: total })}</button>
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
              {totals.rejectedFiles.length > 0 && (
                <>
                  <h3>{t('bulk.rejectedFiles')}</h3>
                  <table className="table table-compact" data-testid="bulk-rejected">
                    <thead><tr><th>{t('people.employeeId')}</th><th>{t('bulk.file')}</th><th>{t('bulk.whatToDo')}</th></tr></thead>
                    <tbody>{totals.rejectedFiles.map((f, i) => <tr key={i}><td className="mono">{f.employee_id}</td><td className="mono small">{f.file}</td><td>{f.why}</td></tr>)}</tbody>
                  </table>
                </>
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
