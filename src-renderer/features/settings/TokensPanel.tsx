// API tokens for integrations: created with scopes, the secret shown once, revocable.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Token } from '../../../src-contract/schemas.ts';
import { ConfirmDialog } from '../../ui/ConfirmDialog.tsx';
import { Field } from '../../ui/Field.tsx';
import { fmtDateTime } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { EmptyState, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useSettings } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

const SCOPES = ['read', 'write', 'frames'] as const;

export function TokensPanel() {
  const { t } = useTranslation();
  const { tokens, loadTokens, revokeToken } = useSettings();
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<Token | null>(null);
  useEffect(() => { void loadTokens().catch(() => {}); }, [loadTokens]);
  return (
    <>
      <div className="toolbar toolbar-sub">
        <p className="muted">{t('tokens.intro')}</p>
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}><Icon name="plus" size={18} /> {t('tokens.create')}</button>
      </div>
      {tokens.status === 'loading' || tokens.status === 'idle' ? <Loading /> : tokens.status === 'error' ? <ErrorState error={tokens.error} onRetry={() => void loadTokens(true).catch(() => {})} /> : !tokens.data?.length ? (
        <EmptyState title={t('tokens.none')} hint={t('tokens.noneHint')} />
      ) : (
        <table className="table">
          <thead><tr><th>{t('tokens.name')}</th><th>{t('tokens.scopes')}</th><th>{t('tokens.created')}</th><th>{t('tokens.lastUsed')}</th><th>{t('users.state')}</th><th /></tr></thead>
          <tbody>
            {tokens.data.map((tok) => (
              <tr key={tok.id} className={tok.revoked ? 'row-muted' : undefined}>
                <td>{tok.name}</td>
                <td>{tok.scopes.map((s) => <span key={s} className="chip">{t(`tokens.scope.${s}`)}</span>)}</td>
                <td>{fmtDateTime(tok.created_at)}</td>
                <td>{fmtDateTime(tok.last_used_at)}</td>
                <td>{tok.revoked ? <span className="chip chip-warn">{t('tokens.revoked')}</span> : <span className="chip chip-ok">{t('users.active')}</span>}</td>
                <td className="row-actions">{!tok.revoked && <button type="button" className="btn btn-small btn-ghost" onClick={() => setRevoking(tok)}>{t('tokens.revoke')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {creating && <CreateTokenDialog onClose={() => setCreating(false)} />}
      {revoking && <ConfirmDialog title={t('tokens.revokeTitle', { name: revoking.name })} message={t('tokens.revokeMessage')} confirmLabel={t('tokens.revoke')} danger
        onClose={() => setRevoking(null)} onConfirm={async () => { await revokeToken(revoking.id); toast.ok(t('tokens.revokedToast', { name: revoking.name })); }} />}
    </>
  );
}

function CreateTokenDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const createToken = useSettings((s) => s.createToken);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<(typeof SCOPES)[number][]>(['read']);
  const [secret, setSecret] = useState<string | null>(null);
  const { busy, error, run } = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      setSecret(await createToken({ name: name.trim(), scopes }));
    });
  }
  if (secret) {
    return (
      <Modal title={t('tokens.createdTitle')} onClose={onClose} testId="token-secret">
        <p className="warn-text">{t('tokens.showOnce')}</p>
        <div className="secret-box">
          <code data-testid="token-secret-value">{secret}</code>
          <button type="button" className="btn btn-small" onClick={() => void navigator.clipboard.writeText(secret).then(() => toast.ok(t('tokens.copied')), () => toast.error(t('tokens.copyFailed')))}>{t('tokens.copy')}</button>
        </div>
        <div className="form-actions"><button type="button" className="btn btn-primary" onClick={onClose}>{t('tokens.done')}</button></div>
      </Modal>
    );
  }
  return (
    <Modal title={t('tokens.create')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <Field label={t('tokens.name')}><input value={name} onChange={(e) => setName(e.target.value)} maxLength={80} required autoFocus /></Field>
        <fieldset className="days">
          <legend>{t('tokens.scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="check">
              <input type="checkbox" checked={scopes.includes(s)} onChange={(e) => setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))} />
              {t(`tokens.scope.${s}`)}
            </label>
          ))}
        </fieldset>
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy || !name.trim() || scopes.length === 0}>{t('tokens.create')}</button>
        </div>
      </form>
    </Modal>
  );
}
