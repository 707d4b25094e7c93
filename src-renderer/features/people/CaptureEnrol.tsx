// Enrol from a live camera: freeze the camera's current frame, pick the face, enrol it.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrolmentVerdict } from '../../../src-contract/schemas.ts';
import type { MethodOutput } from '../../../src-contract/api.ts';
import { api } from '../../app/client.ts';
import { Modal } from '../../ui/Modal.tsx';
import { FormError } from '../../ui/states.tsx';
import { useCameras } from '../cameras/store.ts';
import { FacePicker } from './FacePicker.tsx';
import { usePeople } from './store.ts';
import { VerdictLine } from './VerdictLine.tsx';

export function CaptureEnrol({ personId, personName, onClose }: { personId: string; personName: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { cameras, load } = useCameras();
  const enrolCapture = usePeople((s) => s.enrolCapture);
  const live = cameras.filter((c) => c.state === 'live');
  const [cameraId, setCameraId] = useState('');
  const [capture, setCapture] = useState<MethodOutput<'cameras.capture'> | null>(null);
  const [verdict, setVerdict] = useState<EnrolmentVerdict | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => { void load().catch(() => {}); }, [load]);
  useEffect(() => { if (!cameraId && live[0]) setCameraId(live[0].id); }, [cameraId, live]);

  async function grab() {
    setBusy(true);
    setError(null);
    setVerdict(null);
    try {
      setCapture(await api().call('cameras.capture', { id: cameraId }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  async function pick(index: number) {
    if (!capture) return;
    setBusy(true);
    setError(null);
    try {
      const [v] = await enrolCapture(personId, capture.capture_id, index);
      setVerdict(v ?? null);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={t('enrol.captureTitle', { name: personName })} onClose={onClose} wide testId="capture-dialog">
      <div className="form-row">
        <div className="field">
          <label htmlFor="capture-camera">{t('enrol.camera')}</label>
          <select id="capture-camera" value={cameraId} onChange={(e) => { setCameraId(e.target.value); setCapture(null); }} disabled={live.length === 0}>
            {live.length === 0 && <option value="">{t('enrol.noLiveCamera')}</option>}
            {live.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </div>
        <button type="button" className="btn btn-primary" disabled={busy || !cameraId} onClick={() => void grab()}>
          {capture ? t('enrol.captureAgain') : t('enrol.capture')}
        </button>
      </div>
      {capture && (
        <>
          <p className="muted">{capture.faces.length > 0 ? t('enrol.pickHint') : t('enrol.noFacesInFrame')}</p>
          <FacePicker src={capture.image} width={capture.width} height={capture.height} faces={capture.faces} onPick={(i) => void pick(i)} disabled={busy} />
        </>
      )}
      {verdict && <p><VerdictLine verdict={verdict} /></p>}
      <FormError error={error} />
    </Modal>
  );
}
