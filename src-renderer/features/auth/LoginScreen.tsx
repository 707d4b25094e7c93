import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Field } from '../../ui/Field.tsx';
import { VigilError } from '../../../src-contract/errors.ts';
import { errorText } from '../../ui/error-text.ts';
import { AuthLayout } from './AuthLayout.tsx';
import { useAuth } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

export function LoginScreen() {
  const { t } = useTranslation();
  const { login, expired } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useSubmit();

  async function submit(e: FormEvent) {
    e.preventDefault();
    await run(() => login(username, password), { onError: () => setPassword('') });
  }

  return (
    <AuthLayout title={t('login.title')} subtitle={expired ? t('login.expired') : t('login.subtitle')}>
      <form className="form" onSubmit={submit} aria-label={t('login.title')}>
        <Field label={t('auth.username')}>
          <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" autoFocus required />
        </Field>
        <Field label={t('auth.password')}>
          <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" required />
        </Field>
        {error !== null && (
          <p className="form-error" role="alert">
            {error instanceof VigilError && error.code === 'UNAUTHENTICATED' ? t('login.failed') : errorText(error, t)}
          </p>
        )}
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !username || !password}>
          {busy ? t('login.signingIn') : t('login.signIn')}
        </button>
      </form>
    </AuthLayout>
  );
}
