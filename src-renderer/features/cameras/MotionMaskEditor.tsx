// Motion masks of a camera (detection.motion_masks): rectangles drawn with the mouse over a picture of the
// camera (the Test connection preview, or its live picture), or typed in as percentages. Changes inside a mask
// (a clock, a tree, a screen) are not motion for the motion gate; faces there are still found by its full checks.
import { useRef, useState } from 'react';
import type { PointerEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MotionMask } from '../../../src-contract/camera-config.ts';

const MAX_MASKS = 16;
const MIN_SIDE = 0.01;
const r3 = (v: number) => Math.round(v * 1000) / 1000;
const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** A rectangle from two corners, clipped to the frame, rounded to 0.1 %. */
export function maskFromCorners(ax: number, ay: number, bx: number, by: number): MotionMask {
  const x0 = clamp01(Math.min(ax, bx));
  const y0 = clamp01(Math.min(ay, by));
  const x1 = clamp01(Math.max(ax, bx));
  const y1 = clamp01(Math.max(ay, by));
  return { x: r3(x0), y: r3(y0), width: r3(x1 - x0), height: r3(y1 - y0) };
}

export function MotionMaskEditor({ masks, onChange, picture, error }: {
  masks: MotionMask[];
  onChange: (masks: MotionMask[]) => void;
  /** An image of the camera to draw over (data: URL or live picture URL); none: a plain frame. */
  picture: string | null;
  error?: string;
}) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const [drag, setDrag] = useState<{ ax: number; ay: number; bx: number; by: number } | null>(null);
  const [failedPicture, setFailedPicture] = useState<string | null>(null);

  const at = (e: PointerEvent) => {
    const r = box.current!.getBoundingClientRect();
    return { x: clamp01((e.clientX - r.left) / r.width), y: clamp01((e.clientY - r.top) / r.height) };
  };
  const down = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0 || masks.length >= MAX_MASKS || (e.target as HTMLElement).closest('button')) return;
    const p = at(e);
    box.current!.setPointerCapture(e.pointerId);
    setDrag({ ax: p.x, ay: p.y, bx: p.x, by: p.y });
  };
  const move = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag) return;
    const p = at(e);
    setDrag({ ...drag, bx: p.x, by: p.y });
  };
  const up = () => {
    if (!drag) return;
    const m = maskFromCorners(drag.ax, drag.ay, drag.bx, drag.by);
    setDrag(null);
    if (m.width >= MIN_SIDE && m.height >= MIN_SIDE) onChange([...masks, m]);
  };
  const edit = (i: number, key: keyof MotionMask, percent: string) => {
    const v = Number(percent) / 100;
    if (!Number.isFinite(v)) return;
    onChange(masks.map((m, j) => (j === i ? { ...m, [key]: r3(clamp01(v)) } : m)));
  };
  const pct = (v: number) => String(Math.round(v * 1000) / 10);
  const showPicture = picture && failedPicture !== picture; // a live picture that failed does not hide a later test preview
  const drawing = drag ? maskFromCorners(drag.ax, drag.ay, drag.bx, drag.by) : null;

  return (
    <div className="mask-editor" data-testid="mask-editor">
      <p className="muted">{t('cameraForm.masks.hint')}</p>
      <div
        ref={box} role="application" aria-label={t('cameraForm.masks.area')} data-testid="mask-area"
        onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={() => setDrag(null)}
        style={{ position: 'relative', width: '100%', maxWidth: 640, aspectRatio: '16 / 9', background: '#1d2430', borderRadius: 6, overflow: 'hidden', cursor: masks.length < MAX_MASKS ? 'crosshair' : 'default', touchAction: 'none', userSelect: 'none' }}
      >
        {showPicture
          ? <img src={picture} alt="" draggable={false} onError={() => setFailedPicture(picture)} style={{ position: 'absolute', inset: 0, width: '100%', height: '100%', objectFit: 'fill', pointerEvents: 'none' }} />
          : <span className="muted" style={{ position: 'absolute', inset: 0, display: 'grid', placeItems: 'center', padding: '1rem', textAlign: 'center', color: '#9aa4b2' }}>{t('cameraForm.masks.noPicture')}</span>}
        {masks.map((m, i) => (
          <div key={i} data-testid="mask-rect" style={{ position: 'absolute', left: `${m.x * 100}%`, top: `${m.y * 100}%`, width: `${m.width * 100}%`, height: `${m.height * 100}%`, background: 'rgba(220, 38, 38, 0.35)', outline: '2px solid rgba(220, 38, 38, 0.9)' }}>
            <span style={{ position: 'absolute', left: 4, top: 2, color: '#fff', fontSize: 12, fontWeight: 600, textShadow: '0 0 2px #000' }}>{i + 1}</span>
            <button type="button" className="btn btn-small" aria-label={t('cameraForm.masks.remove', { n: i + 1 })} onClick={() => onChange(masks.filter((_, j) => j !== i))}
              style={{ position: 'absolute', right: 2, top: 2, padding: '0 6px', lineHeight: '18px', minHeight: 0 }}>×</button>
          </div>
        ))}
        {drawing && <div style={{ position: 'absolute', left: `${drawing.x * 100}%`, top: `${drawing.y * 100}%`, width: `${drawing.width * 100}%`, height: `${drawing.height * 100}%`, outline: '2px dashed #fbbf24', background: 'rgba(251, 191, 36, 0.2)' }} />}
      </div>
      {masks.length > 0 && (
        <table className="table mask-table" style={{ maxWidth: 640, marginTop: '0.6rem' }}>
          <thead><tr><th>#</th><th>{t('cameraForm.masks.left')}</th><th>{t('cameraForm.masks.top')}</th><th>{t('cameraForm.masks.width')}</th><th>{t('cameraForm.masks.height')}</th><th /></tr></thead>
          <tbody>
            {masks.map((m, i) => (
              <tr key={i}>
                <td>{i + 1}</td>
                {(['x', 'y', 'width', 'height'] as const).map((k) => (
                  <td key={k}><input type="number" min={0} max={100} step={0.1} value={pct(m[k])} aria-label={`${t(`cameraForm.masks.${k === 'x' ? 'left' : k === 'y' ? 'top' : k}`)} ${i + 1} (%)`} onChange={(e) => edit(i, k, e.target.value)} style={{ width: '5.5rem' }} /></td>
                ))}
                <td><button type="button" className="btn btn-small" onClick={() => onChange(masks.filter((_, j) => j !== i))}>{t('cameraForm.masks.removeShort')}</button></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      <div className="form-actions" style={{ justifyContent: 'flex-start', marginTop: '0.5rem' }}>
        <button type="button" className="btn" disabled={masks.length >= MAX_MASKS} onClick={() => onChange([...masks, { x: 0.4, y: 0.4, width: 0.2, height: 0.2 }])}>{t('cameraForm.masks.add')}</button>
        {masks.length > 0 && <button type="button" className="btn" onClick={() => onChange([])}>{t('cameraForm.masks.clear')}</button>}
        <span className="muted">{t('cameraForm.masks.count', { count: masks.length, max: MAX_MASKS })}</span>
      </div>
    </div>
  );
}
