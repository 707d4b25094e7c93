// Users and roles: add, change role, disable, reset password.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role, User } from '../../../src-contract/schemas.ts';
import { errorText } from '../../ui/error-text.ts';
import { Field } from '../../ui/Field.tsx';
import { fmtDateTime } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { Modal } from '../../ui/Modal.tsx';
import { EmptyState, ErrorState, FormError, Loading } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { useAuth } from '../auth/store.ts';
import { useSettings } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

const ROLES: Role[] = ['admin', 'guard', 'auditor'];

export function UsersPanel() {
  const { t } = useTranslation();
  const { users, loadUsers, updateUser } = useSettings();
  const me = useAuth((s) => s.user);
  const [dialog, setDialog] = useState<null | 'add' | User>(null);
  useEffect(() => { void loadUsers().catch(() => {}); }, [loadUsers]);

  const change = (input: Parameters<typeof updateUser>[0], ok: string) =>
    updateUser(input).then(() => toast.ok(ok)).catch((err) => toast.error(errorText(err, t)));

  return (
    <>
      <div className="toolbar toolbar-sub">
        <p className="muted">{t('users.intro')}</p>
        <span className="toolbar-spacer" />
        <button type="button" className="btn btn-primary" onClick={() => setDialog('add')}><Icon name="plus" size={18} /> {t('users.add')}</button>
      </div>
      {users.status === 'loading' || users.status === 'idle' ? <Loading /> : users.status === 'error' ? <ErrorState error={users.error} onRetry={() => void loadUsers(true).catch(() => {})} /> : !users.data?.length ? <EmptyState title={t('users.none')} /> : (
        <table className="table" data-testid="users-table">
          <thead><tr><th>{t('auth.username')}</th><th>{t('users.role')}</th><th>{t('users.state')}</th><th>{t('users.lastLogin')}</th><th>{t('users.created')}</th><th /></tr></thead>
          <tbody>
            {users.data.map((u) => {
              const self = u.id === me?.id;
              return (
                <tr key={u.id} className={u.disabled ? 'row-muted' : undefined}>
                  <td>{u.username}{self && <span className="chip">{t('users.you')}</span>}</td>
                  <td>
                    <label className="sr-only" htmlFor={`role-${u.id}`}>{t('users.roleOf', { name: u.username })}</label>
                    <select id={`role-${u.id}`} value={u.role} disabled={self} onChange={(e) => void change({ id: u.id, role: e.target.value as Role }, t('users.roleChanged', { name: u.username }))}>
                      {ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}
                    </select>
                  </td>
                  <td>{u.disabled ? <span className="chip chip-warn">{t('users.disabled')}</span> : <span className="chip chip-ok">{t('users.active')}</span>}</td>
                  <td>{fmtDateTime(u.last_login_at)}</td>
                  <td>{fmtDateTime(u.created_at)}</td>
                  <td className="row-actions">
                    <button type="button" className="btn btn-small" onClick={() => setDialog(u)}>{t('users.resetPassword')}</button>
                    {!self && (
                      <button type="button" className="btn btn-small btn-ghost" onClick={() => void change({ id: u.id, disabled: !u.disabled }, u.disabled ? t('users.enabledToast', { name: u.username }) : t('users.disabledToast', { name: u.username }))}>
                        {u.disabled ? t('users.enable') : t('users.disable')}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {dialog === 'add' && <UserDialog onClose={() => setDialog(null)} />}
      {dialog && dialog !== 'add' && <UserDialog user={dialog} onClose={() => setDialog(null)} />}
    </>
  );
}

function UserDialog({ user, onClose }: { user?: User; onClose: () => void }) {
  const { t } = useTranslation();
  const { createUser, updateUser } = useSettings();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('guard');
  const { busy, error, run } = useSubmit();
  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(async () => {
      if (user) await updateUser({ id: user.id, password });
      else await createUser({ username: username.trim(), password, role });
      toast.ok(user ? t('users.passwordReset', { name: user.username }) : t('users.addedToast', { name: username.trim() }));
      onClose();
    });
  }
  return (
    <Modal title={user ? t('users.resetPasswordFor', { name: user.username }) : t('users.add')} onClose={onClose} testId="user-dialog">
      <form className="form" onSubmit={submit}>
        {!user && (
          <Field label={t('auth.username')}><input value={username} onChange={(e) => setUsername(e.target.value)} minLength={3} maxLength={64} required autoFocus autoComplete="off" /></Field>
        )}
        <Field label={user ? t('account.newPassword') : t('auth.password')} hint={t('setup.passwordHint')}>
          <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} minLength={10} required autoComplete="new-password" />
        </Field>
        {!user && (
          <Field label={t('users.role')}>
            <select value={role} onChange={(e) => setRole(e.target.value as Role)}>{ROLES.map((r) => <option key={r} value={r}>{t(`roles.${r}`)}</option>)}</select>
          </Field>
        )}
        {!user && <p className="muted small">{t(`users.roleHelp.${role}`)}</p>}
        <FormError error={error} />
        <div className="form-actions">
          <button type="button" className="btn" onClick={onClose}>{t('common.cancel')}</button>
          <button type="submit" className="btn btn-primary" disabled={busy || password.length < 10 || (!user && username.trim().length < 3)}>{user ? t('common.save') : t('users.add')}</button>
        </div>
      </form>
    </Modal>
  );
}
