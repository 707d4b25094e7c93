// Bring your own model (models.add, the Settings twin of `vigil models add`): the path of an .onnx file on the host
// machine (the console may run elsewhere, so the host's path is what it can honestly name), optionally the I/O facts
// that register it as a new embedder. Shows the installed entry or the refusal (altered, unknown, wrong facts) as
// the host words it; an installed embedder appears in the embedder list above (pushed on embedders.progress).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MethodInput, MethodOutput } from '../../../src-contract/api.ts';
import { api } from '../../app/client.ts';
import { errorText } from '../../ui/error-text.ts';

type Result = MethodOutput<'models.add'>;
type Facts = NonNullable<MethodInput<'models.add'>['facts']>;

const FIELDS = ['id', 'input', 'output', 'dim', 'size', 'colorOrder', 'mean', 'std', 'calibration', 'license', 'source'] as const;
type Field = (typeof FIELDS)[number];
const DEFAULTS: Record<Field, string> = { id: '', input: '', output: '', dim: '', size: '112x112', colorOrder: 'BGR', mean: '127.5', std: '127.5', calibration: '', license: '', source: '' };

/** The form's text fields as contract facts ("FAR:COS,..." calibration, "WxH" size); the host validates the rest. */
function toFacts(f: Record<Field, string>): Facts {
  const [w, h] = f.size.split('x').map(Number);
  return {
    id: f.id.trim(), kind: 'embedder', input: f.input.trim(), output: f.output.trim(), dim: Number(f.dim), width: w, height: h,
    colorOrder: f.colorOrder === 'RGB' ? 'RGB' : 'BGR', mean: Number(f.mean), std: Number(f.std),
    calibration: f.calibration.split(',').filter((p) => p.trim()).map((p) => { const [far, threshold] = p.split(':').map(Number); return { far, threshold }; }),
    license: f.license.trim(), source: f.source.trim(),
  };
}

export function ModelAddPanel() {
  const { t } = useTranslation();
  const [path, setPath] = useState('');
  const [asNew, setAsNew] = useState(false);
  const [facts, setFacts] = useState<Record<Field, string>>(DEFAULTS);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api().call('models.add', { path: path.trim(), ...(asNew ? { facts: toFacts(facts) } : {}) }));
    } catch (err) {
      setError(errorText(err, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="panel panel-wide" aria-labelledby="model-add-h" data-testid="model-add-panel">
      <h2 id="model-add-h">{t('modelAdd.title')}</h2>
      <p className="muted small">{t('modelAdd.help')}</p>
      <form onSubmit={(e) => { e.preventDefault(); void submit(); }} style={{ display: 'flex', flexDirection: 'column', gap: '0.5rem', margin: '0.5rem 0' }}>
        <div style={{ display: 'flex', alignItems: 'center', gap: '0.6rem', flexWrap: 'wrap' }}>
          <label htmlFor="model-add-path">{t('modelAdd.path')}</label>
          <input id="model-add-path" className="mono" style={{ flex: '1 1 24rem' }} value={path} placeholder="/opt/models/sface.onnx" onChange={(e) => setPath(e.target.value)} disabled={busy} />
          <button type="submit" className="btn btn-primary" disabled={busy || !path.trim()}>{busy ? t('modelAdd.checking') : t('modelAdd.install')}</button>
        </div>
        <label><input type="checkbox" checked={asNew} onChange={(e) => setAsNew(e.target.checked)} disabled={busy} /> {t('modelAdd.asNew')}</label>
        {asNew && (
          <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(14rem, 1fr))', gap: '0.4rem 0.8rem' }}>
            {FIELDS.map((k) => (
              <label key={k} className="small" style={{ display: 'flex', flexDirection: 'column' }}>
                {t(`modelAdd.field.${k}`)}
                <input value={facts[k]} onChange={(e) => setFacts({ ...facts, [k]: e.target.value })} disabled={busy} data-field={k} />
              </label>
            ))}
          </div>
        )}
      </form>
      {error && <p style={{ color: 'var(--bad)' }} role="alert" data-testid="model-add-error">{error}</p>}
      {result && !result.ok && (
        <p style={{ color: 'var(--bad)' }} role="alert" data-testid="model-add-refused">{t('modelAdd.refused', { code: result.code })} {result.message}</p>
      )}
      {result?.ok && (
        <div role="status" data-testid="model-add-ok">
          <p>✓ {result.message}</p>
          <dl className="stats">
            <dt>{t('modelAdd.id')}</dt><dd className="mono">{result.id}</dd>
            <dt>{t('modelAdd.file')}</dt><dd className="mono small">{result.dir}/{result.file}</dd>
            <dt>SHA-256</dt><dd className="mono small">{result.sha256}</dd>
          </dl>
          {result.embedder && <p className="muted small">{t('modelAdd.selectable')}</p>}
        </div>
      )}
    </section>
  );
}
