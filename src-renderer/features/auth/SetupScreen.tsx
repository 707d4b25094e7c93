// First run: create the administrator account (headless hosts also ask for the one-time token they printed).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../ui/Field.tsx';
import { FormError } from '../../ui/states.tsx';
import { errorField } from '../../ui/error-text.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { useAuth } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

export function SetupScreen() {
  const { t } = useTranslation();
  const { setup, setupTokenRequired } = useAuth();
  const [username, setUsername] = useState('admin');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [token, setToken] = useState('');
  const { busy, error, run } = useSubmit();
  const mismatch = confirm.length > 0 && confirm !== password;
  const tooShort = password.length > 0 && password.length < 10;

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (mismatch || tooShort) return;
    await run(async () => {
      await setup({ username, password, setup_token: token.trim() || undefined });
    });
  }

  const field = errorField(error);
  return (
    <AuthLayout title={t('setup.title')} subtitle={t('setup.subtitle')}>
      <form className="form" onSubmit={submit} aria-label={t('setup.title')}>
        {setupTokenRequired && (
          <Field label={t('setup.token')} hint={t('setup.tokenHint')} error={field === 'setup_token' ? t('setup.tokenInvalid') : null}>
            <input name="setup_token" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="one-time-code" required spellCheck={false} />
          </Field>
        )}
        <Field label={t('auth.username')}>
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" minLength={3} maxLength={64} required />
        </Field>
        <Field label={t('auth.password')} hint={t('setup.passwordHint')} error={tooShort ? t('setup.passwordTooShort') : null}>
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" minLength={10} required />
        </Field>
        <Field label={t('setup.confirm')} error={mismatch ? t('setup.mismatch') : null}>
          <input name="confirm" type="password" value={confirm} onChange={(e) => setConfirm(e.target.value)} autoComplete="new-password" required />
        </Field>
        {field !== 'setup_token' && <FormError error={error} />}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || mismatch || tooShort || !password}>
          {busy ? t('common.working') : t('setup.create')}
        </button>
      </form>
    </AuthLayout>
  );
}
