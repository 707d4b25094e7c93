// Add / edit a camera: a form per source type generated from the contract's schema, validated before it is sent,
// with "Test connection" (first frame + result) and the detection and live-view settings.
import { useMemo, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { z } from 'zod';
import { CameraConfigSchema, CameraSourceSchema } from '../../../src-contract/camera-config.ts';
import type { CameraSourceType } from '../../../src-contract/camera-config.ts';
import type { MethodOutput } from '../../../src-contract/api.ts';
import type { CameraView } from '../../../src-contract/schemas.ts';
import { api } from '../../app/client.ts';
import { navigate } from '../../app/router.ts';
import { errorField } from '../../ui/error-text.ts';
import { fmtMs } from '../../ui/format.ts';
import { Icon } from '../../ui/icons.tsx';
import { FormError } from '../../ui/states.tsx';
import { toast } from '../../ui/toasts.tsx';
import { tDynamic } from '../../i18n/dynamic-key.ts';
import { SOURCE_TYPES, describeObject, detectionFields, fromFormValues, liveViewFields, sourceFields, toFormValues, validateForm } from './schema-form.ts';
import type { FormValue, FormValues } from './schema-form.ts';
import { SpecField } from './SpecField.tsx';
import { MotionMaskEditor } from './MotionMaskEditor.tsx';
import type { MotionMask } from '../../../src-contract/camera-config.ts';
import { UsbDevicePicker } from './UsbDevicePicker.tsx';
import { useCameras } from './store.ts';
import { useSubmit } from '../../ui/use-submit.ts';

const ADVANCED = new Set(['stall_timeout_ms', 'max_retries']);
type TestResult = MethodOutput<'cameras.test'>;

export function CameraEditor({ camera, onDone, onCancel }: { camera?: CameraView; onDone?: (cam: CameraView) => void; onCancel?: () => void }) {
  const { t } = useTranslation();
  const { create, update } = useCameras();
  // The id is fixed once created; on creation it is optional (the host derives one from the name), so it comes
  // after the name and location rather than first.
  const topSpecs = useMemo(() => {
    const specs = describeObject(CameraConfigSchema as unknown as z.ZodObject).filter((f) => !(camera && f.key === 'id'));
    const id = specs.findIndex((f) => f.key === 'id');
    if (id < 0) return specs;
    const [spec] = specs.splice(id, 1);
    specs.splice(specs.findIndex((f) => f.key === 'location') + 1, 0, { ...spec, required: false });
    return specs;
  }, [camera]);
  const detSpecs = useMemo(detectionFields, []);
  const lvSpecs = useMemo(liveViewFields, []);
  const [general, setGeneral] = useState<FormValues>(() => toFormValues(topSpecs, camera ?? {}));
  const [type, setType] = useState<CameraSourceType>(camera?.source.type ?? 'rtsp');
  const [sources, setSources] = useState<Partial<Record<CameraSourceType, FormValues>>>(() => (camera ? { [camera.source.type]: toFormValues(sourceFields(camera.source.type), camera.source) } : {}));
  const [detection, setDetection] = useState<FormValues>(() => toFormValues(detSpecs, camera?.detection ?? {}));
  const [liveView, setLiveView] = useState<FormValues>(() => toFormValues(lvSpecs, camera?.live_view ?? {}));
  // Not a generated field (a list of rectangles): its own editor, drawn over a picture of the camera.
  const [masks, setMasks] = useState<MotionMask[]>(() => camera?.detection?.motion_masks ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, error, run } = useSubmit();
  const [testing, setTesting] = useState(false);
  const [test, setTest] = useState<TestResult | null>(null);
  const [testError, setTestError] = useState<unknown>(null);
  /** The source (as JSON) the last Test ran against: a result only counts for the source it tested. */
  const [testedSource, setTestedSource] = useState<string | null>(null);
  /** Set when Save was pressed on a source that failed its Test or was never tested: asks to confirm. */
  const [confirm, setConfirm] = useState<'failed' | 'untested' | null>(null);

  const srcSpecs = useMemo(() => sourceFields(type), [type]);
  const srcValues = sources[type] ?? toFormValues(srcSpecs);
  const hasSavedPassword = Boolean(camera && camera.source.type === type && camera.source.has_password);

  const source = () => ({ type, ...fromFormValues(srcSpecs, srcValues) });
  // The saved camera's source as first shown: saving other settings of a camera does not ask for a Test.
  const [savedSource] = useState<string | null>(() => (camera ? JSON.stringify(source()) : null));
  function build() {
    const top = fromFormValues(topSpecs, general);
    return { ...top, source: source(), detection: { ...fromFormValues(detSpecs, detection), motion_masks: masks }, live_view: fromFormValues(lvSpecs, liveView) };
  }

  async function runTest() {
    setTest(null);
    setTestError(null);
    const parsed = validateForm(CameraSourceSchema, source(), t('form.required'));
    if (!parsed.ok) {
      setErrors(Object.fromEntries(Object.entries(parsed.errors).map(([k, v]) => [`source.${k}`, v])));
      return;
    }
    setErrors({});
    setTesting(true);
    setConfirm(null);
    try {
      setTestedSource(JSON.stringify(source()));
      setTest(await api().call('cameras.test', { config: parsed.data, seconds: 4, camera_id: camera?.id }));
    } catch (err) {
      setTestError(err);
    } finally {
      setTesting(false);
    }
  }

  async function submit(e: FormEvent) {
    e.preventDefault();
    const config = build() as Record<string, unknown>;
    const parsed = validateForm(CameraConfigSchema, { ...config, id: config.id ?? camera?.id ?? 'new-camera' }, t('form.required'));
    if (!parsed.ok) { setErrors(parsed.errors); return; }
    setErrors({});
    const current = JSON.stringify(source());
    if (current !== savedSource) {
      const tested = testedSource === current && test !== null;
      if (!tested || !test?.ok) { setConfirm(tested ? 'failed' : 'untested'); return; }
    }
    await save(config);
  }

  async function save(config: Record<string, unknown>) {
    setConfirm(null);
    await run(async () => {
      const saved = camera
        ? await update(camera.id, config as Parameters<typeof update>[1])
        : await create(config as Parameters<typeof create>[0]);
      toast.ok(camera ? t('cameras.saved', { name: saved.name }) : t('cameras.created', { name: saved.name }));
      if (onDone) onDone(saved);
      else navigate({ screen: 'cameras' });
    }, {
      onError: (err) => {
        const field = errorField(err);
        if (field) setErrors({ [field]: (err as Error).message });
      },
    });
  }

  const fieldsOf = (specs: typeof topSpecs, values: FormValues, set: (v: FormValues) => void, prefix: string, only?: (k: string) => boolean) =>
    specs.filter((s) => !only || only(s.key)).map((s) => (
      <SpecField key={s.key} spec={s} value={values[s.key]} error={errors[prefix + s.key]}
        placeholder={s.kind === 'text' && s.secret && hasSavedPassword ? t('cameraForm.passwordKept') : s.key === 'id' ? t('cameraForm.idAuto') : undefined}
        onChange={(v: FormValue) => set({ ...values, [s.key]: v })} />
    ));

  return (
    <form className="form camera-form" onSubmit={submit} noValidate aria-label={camera ? t('cameras.editTitle', { name: camera.name }) : t('cameras.addTitle')}>
      <section className="panel">
        <h2>{t('cameraForm.general')}</h2>
        <div className="form-grid">{fieldsOf(topSpecs, general, setGeneral, '', (k) => !ADVANCED.has(k))}</div>
      </section>

      <section className="panel">
        <h2>{t('cameraForm.source')}</h2>
        <div className="field">
          <label htmlFor="source-type">{t('cameraForm.sourceType')}</label>
          <select id="source-type" name="source.type" value={type} onChange={(e) => { setType(e.target.value as CameraSourceType); setTest(null); }}>
            {SOURCE_TYPES.map((st) => <option key={st} value={st}>{tDynamic(t, `cameraForm.type.${st}`, st)}</option>)}
          </select>
        </div>
        <div className="form-grid">
          {type === 'usb' && (
            <UsbDevicePicker value={typeof srcValues.device === 'string' ? srcValues.device : ''}
              onPick={(device) => { setSources({ ...sources, usb: { ...srcValues, device } }); setTest(null); }} />
          )}
          {fieldsOf(srcSpecs, srcValues, (v) => setSources({ ...sources, [type]: v }), 'source.')}
        </div>
        <div className="test-row">
          <button type="button" className="btn" disabled={testing} onClick={() => void runTest()} data-testid="test-connection">
            {testing ? t('cameras.testing') : t('cameras.test')}
          </button>
          {test && <TestResultView result={test} />}
          {testError !== null && <FormError error={testError} />}
        </div>
      </section>

      <section className="panel">
        <h2>{t('cameraForm.detection')}</h2>
        <div className="form-grid">{fieldsOf(detSpecs, detection, setDetection, 'detection.')}</div>
        <h3>{t('cameraForm.masks.title')}</h3>
        <MotionMaskEditor masks={masks} onChange={setMasks}
          picture={test?.ok && test.preview ? test.preview : camera ? api().liveUrl(camera.id, 'mjpeg') : null}
          error={Object.entries(errors).find(([k]) => k.startsWith('detection.motion_masks'))?.[1]} />
      </section>

      <section className="panel">
        <h2>{t('cameraForm.liveView')}</h2>
        <div className="form-grid">{fieldsOf(lvSpecs, liveView, setLiveView, 'live_view.')}</div>
        <h3>{t('cameraForm.advanced')}</h3>
        <div className="form-grid">{fieldsOf(topSpecs, general, setGeneral, '', (k) => ADVANCED.has(k))}</div>
      </section>

      {Object.keys(errors).length > 0 && <p className="form-error" role="alert">{t('cameraForm.fixErrors', { count: Object.keys(errors).length })}</p>}
      <FormError error={error} />
      {confirm && (
        <div className="confirm-save test-result test-bad" role="alertdialog" aria-labelledby="confirm-save-title" data-testid="confirm-save" data-reason={confirm}>
          <p id="confirm-save-title"><Icon name="warning" /> <strong>{confirm === 'failed' ? t('cameraForm.confirmFailed') : t('cameraForm.confirmUntested')}</strong></p>
          <p className="muted">{t('cameraForm.confirmHint')}</p>
          <div className="form-actions">
            <button type="button" className="btn" onClick={() => setConfirm(null)}>{t('common.cancel')}</button>
            <button type="button" className="btn" disabled={testing} onClick={() => void runTest()}>{t('cameras.test')}</button>
            <button type="button" className="btn btn-primary" disabled={busy} data-testid="save-anyway" onClick={() => void save(build() as Record<string, unknown>)}>{t('cameraForm.saveAnyway')}</button>
          </div>
        </div>
      )}
      <div className="form-actions sticky-actions">
        <button type="button" className="btn" onClick={onCancel ?? (() => navigate({ screen: 'cameras' }))}>{t('common.cancel')}</button>
        <button type="submit" className="btn btn-primary" disabled={busy}>{camera ? t('common.save') : t('cameras.addButton')}</button>
      </div>
    </form>
  );
}

function TestResultView({ result }: { result: TestResult }) {
  const { t } = useTranslation();
  if (!result.ok) {
    return (
      <div className="test-result test-bad" role="alert" data-testid="test-result" data-ok="false">
        <Icon name="warning" /> <strong>{t(`errors.${result.error.code}`)}</strong> <span>{result.error.message}</span>
      </div>
    );
  }
  return (
    <div className="test-result test-ok" role="status" data-testid="test-result" data-ok="true">
      {result.preview && <img src={result.preview} alt={t('cameras.previewAlt')} data-testid="test-preview" />}
      <div>
        <strong><Icon name="check" /> {t('cameras.testOk')}</strong>
        <p>{t('cameras.testDetails', { width: result.width, height: result.height, codec: result.codec, fps: result.fps.toFixed(1), frames: result.frames })}</p>
        <p data-testid="test-fps">{t('cameras.testFps', {
          source: result.source_fps ? result.source_fps.toFixed(1) : t('cameras.sourceFpsUnknown'),
          analysed: (result.analysed_fps ?? result.fps).toFixed(1),
        })}</p>
        <p className="muted">{t('cameras.firstFrame', { ms: fmtMs(result.first_frame_ms) })}</p>
      </div>
    </div>
  );
}
