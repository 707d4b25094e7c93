// Audit log viewer with filters and the hash-chain verification status.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../ui/error-text.ts';
import { fmtDateTime, isoToLocalInput, localInputToIso } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { EmptyState, ErrorState, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useAudit } from './store.ts';
import { contract } from '../../../src-contract/api.ts';

/** Audited actions, grouped by family: the contract's methods that change something (sign-in included). */
const ACTION_GROUPS: Array<[string, string[]]> = (() => {
  const names = Object.keys(contract).filter((m) => !/\.(list|get|status|day|range|verify|me)$/.test(m));
  const by = new Map<string, Set<string>>();
  for (const n of names) {
    const family = n.split('.')[0];
    if (!by.has(family)) by.set(family, new Set());
    by.get(family)!.add(n);
  }
  return [...by].sort(([a], [b]) => a.localeCompare(b)).map(([f, set]) => [f, [...set].sort()]);
})();

export function AuditScreen() {
  const { t } = useTranslation();
  const { filters, items, status, error, nextCursor, loadingMore, verify, setFilters, load, loadMore, runVerify } = useAudit();
  const [user, setUser] = useState(filters.user_id ?? '');
  const [action, setAction] = useState(filters.action ?? '');
  useEffect(() => { void load(); }, [load]);
  useEffect(() => {
    const timer = setTimeout(() => setFilters({ user_id: user.trim() || undefined, action: action.trim() || undefined }), 300);
    return () => clearTimeout(timer);
  }, [user, action, setFilters]);

  return (
    <div className="page">
      <div className="toolbar">
        <h1 className="toolbar-title">{t('nav.audit')}</h1>
        <span className="toolbar-spacer" />
        <VerifyStatus />
        <button type="button" className="btn" disabled={verify.status === 'running'} onClick={() => void runVerify()} data-testid="verify-chain">
          <Icon name="audit" size={18} /> {verify.status === 'running' ? t('audit.verifying') : t('audit.verify')}
        </button>
      </div>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label={t('audit.filters')}>
        <div className="field"><label htmlFor="a-from">{t('events.from')}</label><input id="a-from" type="datetime-local" value={isoToLocalInput(filters.from)} onChange={(e) => setFilters({ from: localInputToIso(e.target.value) })} /></div>
        <div className="field"><label htmlFor="a-to">{t('events.to')}</label><input id="a-to" type="datetime-local" value={isoToLocalInput(filters.to)} onChange={(e) => setFilters({ to: localInputToIso(e.target.value) })} /></div>
        <div className="field"><label htmlFor="a-user">{t('audit.user')}</label><input id="a-user" value={user} onChange={(e) => setUser(e.target.value)} placeholder={t('audit.userPlaceholder')} /></div>
        <div className="field">
          <label htmlFor="a-action">{t('audit.action')}</label>
          {/* Picked from a list: a family ("persons: all") or one action; the host matches both. */}
          <select id="a-action" value={action} onChange={(e) => setAction(e.target.value)} data-testid="audit-action">
            <option value="">{t('audit.allActions')}</option>
            {ACTION_GROUPS.map(([family, actions]) => (
              <optgroup key={family} label={family}>
                <option value={family}>{t('audit.familyAll', { family })}</option>
                {actions.map((a) => <option key={a} value={a}>{a}</option>)}
              </optgroup>
            ))}
          </select>
        </div>
      </form>
      {status === 'loading' || status === 'idle' ? <Loading /> : status === 'error' ? <ErrorState error={error} onRetry={() => void load(true)} /> : items.length === 0 ? (
        <EmptyState icon={<Icon name="audit" size={40} />} title={t('audit.none')} />
      ) : (
        <>
          <table className="table table-compact" data-testid="audit-table">
            <thead><tr><th>#</th><th>{t('audit.time')}</th><th>{t('audit.user')}</th><th>{t('audit.action')}</th><th>{t('audit.resource')}</th><th>{t('audit.result')}</th><th>{t('audit.reason')}</th><th>{t('audit.origin')}</th></tr></thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.id}>
                  {/* The record's hash is for tools (the chain check above uses it), so it is a tooltip, not a column. */}
                  <td className="mono" title={`${t('audit.hash')}: ${r.hash}`}>{r.id}</td>
                  <td className="nowrap">{fmtDateTime(r.at)}</td>
                  <td>{r.username ?? <span className="muted">{t('audit.system')}</span>}</td>
                  <td className="mono">{r.action}</td>
                  <td className="mono cell-clip" title={r.resource}>
                    {/* Ids are long: the resource is clipped (full text on hover) and a person is one link, not the id twice. */}
                    {r.person_id && r.resource === `person:${r.person_id}` ? <a href={`#/people/${r.person_id}`}>{r.resource}</a> : r.resource}
                    {r.person_id && r.resource !== `person:${r.person_id}` && <> · <a href={`#/people/${r.person_id}`}>{t('audit.person')}</a></>}
                  </td>
                  <td><span className={`chip audit-${r.result}`}>{t(`audit.resultValue.${r.result}`)}</span></td>
                  <td>{r.reason ?? '—'}</td>
                  <td className="muted">{r.origin ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {nextCursor && (
            <button type="button" className="btn btn-block" disabled={loadingMore} onClick={() => void loadMore().catch((err) => toast.error(errorText(err, t)))}>
              {loadingMore ? t('common.loading') : t('common.loadMore')}
            </button>
          )}
        </>
      )}
    </div>
  );
}

function VerifyStatus() {
  const { t } = useTranslation();
  const verify = useAudit((s) => s.verify);
  if (verify.status === 'error') return <span className="chip chip-warn" role="status">{errorText(verify.error, t)}</span>;
  if (verify.status !== 'done' || !verify.result) return <span className="muted" role="status">{t('audit.notVerified')}</span>;
  const r = verify.result;
  return r.ok
    ? <span className="chip chip-ok" role="status" data-testid="chain-status" data-ok="true">{t('audit.chainOk', { count: r.checked })}</span>
    : <span className="chip chip-bad" role="status" data-testid="chain-status" data-ok="false">{t('audit.chainBroken', { id: r.first_broken_id ?? '?', count: r.checked })}</span>;
}
