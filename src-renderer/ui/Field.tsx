import { useId } from 'react';
import type { ReactElement, ReactNode } from 'react';
import { cloneElement } from 'react';

/** Label + control + hint + error, wired with ids so the label and messages are announced with the control. */
export function Field({ label, hint, error, children, inline, wide }: {
  label: string; hint?: ReactNode; error?: string | null; children: ReactElement<Record<string, unknown>>; inline?: boolean;
  /** Takes a whole row of a form grid (URLs and paths are long). */
  wide?: boolean;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errId = error ? `${id}-err` : undefined;
  const control = cloneElement(children, {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [hintId, errId].filter(Boolean).join(' ') || undefined,
  });
  return (
    <div className={`field${inline ? ' field-inline' : ''}${wide ? ' field-wide' : ''}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {control}
      {hint && <small id={hintId} className="field-hint">{hint}</small>}
      {error && <small id={errId} className="field-error">{error}</small>}
    </div>
  );
}
