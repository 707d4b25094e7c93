// One form control generated from a schema FieldSpec (see schema-form.ts).
import { useTranslation } from 'react-i18next';
import { Field } from '../../ui/Field.tsx';
import { humanise, tDynamic } from '../../i18n/dynamic-key.ts';
import type { FieldSpec, FormValue } from './schema-form.ts';

/** Fields whose values are long (a URL, a file path) get a whole row. */
const WIDE = new Set(['url', 'path', 'device', 'detect_stream']);

export function SpecField({ spec, value, onChange, error, placeholder }: {
  spec: FieldSpec; value: FormValue | undefined; onChange: (v: FormValue) => void; error?: string; placeholder?: string;
}) {
  const { t } = useTranslation();
  const label = tDynamic(t, `cameraForm.field.${spec.key}`, humanise(spec.key)) + (spec.required ? ' *' : '');
  const hint = tDynamic(t, `cameraForm.hint.${spec.key}`, '') || undefined;
  const name = spec.key;
  const wide = WIDE.has(spec.key);
  switch (spec.kind) {
    case 'boolean':
      return (
        <label className="check check-field">
          <input type="checkbox" name={name} checked={value === true} onChange={(e) => onChange(e.target.checked)} /> {label}
        </label>
      );
    case 'enum':
      return (
        <Field label={label} hint={hint} error={error}>
          <select name={name} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.target.value)}>
            {spec.options.map((o) => <option key={o} value={o}>{tDynamic(t, `cameraForm.option.${o}`, o)}</option>)}
          </select>
        </Field>
      );
    case 'number':
      return (
        <Field label={label} hint={hint ?? (spec.nullable ? t('cameraForm.emptyMeansAuto') : undefined)} error={error}>
          <input name={name} type="number" inputMode="decimal" value={typeof value === 'string' ? value : ''}
            min={spec.min ?? undefined} max={spec.max ?? undefined} step={spec.int ? 1 : 'any'}
            placeholder={spec.nullable ? t('cameraForm.auto') : spec.defaultValue !== undefined && spec.defaultValue !== null ? String(spec.defaultValue) : undefined}
            onChange={(e) => onChange(e.target.value)} />
        </Field>
      );
    case 'record': {
      const rows = Array.isArray(value) ? value : [];
      const set = (i: number, k: 0 | 1, v: string) => onChange(rows.map((r, j) => (j === i ? (k === 0 ? [v, r[1]] : [r[0], v]) : r)));
      return (
        <fieldset className="kv-editor">
          <legend>{label}</legend>
          {rows.map((r, i) => (
            <div key={i} className="kv-row">
              <input aria-label={t('cameraForm.headerName')} value={r[0]} onChange={(e) => set(i, 0, e.target.value)} placeholder={t('cameraForm.headerName')} />
              <input aria-label={t('cameraForm.headerValue')} value={r[1]} onChange={(e) => set(i, 1, e.target.value)} placeholder={t('cameraForm.headerValue')} />
              <button type="button" className="btn-icon" aria-label={t('common.remove')} onClick={() => onChange(rows.filter((_, j) => j !== i))}>×</button>
            </div>
          ))}
          <button type="button" className="btn btn-small" onClick={() => onChange([...rows, ['', '']])}>{t('cameraForm.addHeader')}</button>
          {error && <small className="field-error">{error}</small>}
        </fieldset>
      );
    }
    case 'text':
      return (
        <Field label={label} hint={hint} error={error} wide={wide}>
          <input name={name} type={spec.secret ? 'password' : 'text'} value={typeof value === 'string' ? value : ''}
            maxLength={spec.maxLength ?? undefined} autoComplete={spec.secret ? 'new-password' : 'off'} spellCheck={false}
            placeholder={placeholder ?? (spec.defaultValue !== undefined ? spec.defaultValue : undefined)}
            onChange={(e) => onChange(e.target.value)} />
        </Field>
      );
  }
}
