// Loading, empty and error states shared by every screen.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from './error-text.ts';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function EmptyState({ title, hint, action, icon }: { title: string; hint?: string; action?: ReactNode; icon?: ReactNode }) {
  return (
    <div className="state state-empty" data-testid="empty-state">
      {icon && <div className="state-icon" aria-hidden="true">{icon}</div>}
      <p className="state-title">{title}</p>
      {hint && <p className="state-hint">{hint}</p>}
      {action && <div className="state-action">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-error" role="alert">
      <p className="state-title">{title ?? t('common.loadFailed')}</p>
      <p className="state-hint">{errorText(error, t)}</p>
      {onRetry && <button type="button" className="btn" onClick={onRetry}>{t('common.retry')}</button>}
    </div>
  );
}

/** Inline error line under a form. */
export function FormError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <p className="form-error" role="alert">{errorText(error, t)}</p>;
}
