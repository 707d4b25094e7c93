// The USB source's device picker: lists the local cameras the host machine sees (cameras.devices: v4l2 nodes on
// Linux, DirectShow / AVFoundation devices through ffmpeg on Windows / macOS) and fills the source's device field.
// The field stays editable: a device that is unplugged right now, or named by hand, can still be entered.
import { useCallback, useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { VideoDevice } from '../../../src-contract/camera-config.ts';
import { api } from '../../app/client.ts';
import { FormError } from '../../ui/states.tsx';

export function UsbDevicePicker({ value, onPick }: { value: string; onPick: (device: string) => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [devices, setDevices] = useState<VideoDevice[] | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setDevices(await api().call('cameras.devices', {}));
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, []);
  useEffect(() => { void load(); }, [load]);

  const known = devices?.some((d) => d.device === value) ?? false;
  const empty = devices !== null && devices.length === 0;
  const placeholder = loading ? t('cameraForm.usb.searching') : empty ? t('cameraForm.usb.none') : t('cameraForm.usb.choose');
  return (
    <div className="field field-wide usb-picker" data-testid="usb-devices">
      <label htmlFor={id}>{t('cameraForm.usb.label')}</label>
      <div className="usb-picker-row">
        <select id={id} value={known ? value : ''} disabled={loading || empty} aria-describedby={`${id}-hint`}
          onChange={(e) => { if (e.target.value) onPick(e.target.value); }}>
          <option value="">{placeholder}</option>
          {devices?.map((d) => <option key={d.device} value={d.device}>{d.name === d.device ? d.name : `${d.name} — ${d.device}`}</option>)}
        </select>
        <button type="button" className="btn" disabled={loading} onClick={() => void load()} data-testid="usb-refresh">{t('cameraForm.usb.refresh')}</button>
      </div>
      <small id={`${id}-hint`} className="field-hint">{empty ? t('cameraForm.usb.noneHint') : t('cameraForm.usb.hint', { count: devices?.length ?? 0 })}</small>
      {error !== null && <FormError error={error} />}
    </div>
  );
}
