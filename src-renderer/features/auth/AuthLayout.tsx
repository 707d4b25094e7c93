import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/** Centered card used by the setup, login and "host unreachable" screens. */
export function AuthLayout({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <main className="auth-page">
      <div className="auth-card">
        <div className="brand brand-large"><span className="brand-mark" aria-hidden="true" />{t('app.name')}</div>
        <h1>{title}</h1>
        {subtitle && <p className="muted">{subtitle}</p>}
        {children}
      </div>
    </main>
  );
}
