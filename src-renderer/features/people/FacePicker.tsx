// An image with a button over each detected face, to choose which face to enrol (frozen camera frame, or a
// photo with several faces).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnrolmentVerdict } from '../../../src-contract/schemas.ts';
import { fmtPercent } from '../../ui/format.ts';

export function FacePicker({ src, width, height, faces, onPick, disabled }: {
  src: string; width?: number; height?: number; faces: EnrolmentVerdict['faces']; onPick: (index: number) => void; disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [natural, setNatural] = useState<[number, number] | null>(width && height ? [width, height] : null);
  return (
    <div className="face-picker" style={natural ? { aspectRatio: `${natural[0]} / ${natural[1]}`, width: `min(100%, calc(68vh * ${natural[0] / natural[1]}))` } : undefined}>
      <img src={src} alt={t('enrol.frozenFrame')} onLoad={(e) => { if (!natural) setNatural([e.currentTarget.naturalWidth, e.currentTarget.naturalHeight]); }} />
      {natural && faces.map((f, i) => (
        <button
          key={i}
          type="button"
          disabled={disabled}
          className={`face-pick${f.quality.passed ? '' : ' face-pick-poor'}`}
          style={{
            left: `${(f.box[0] / natural[0]) * 100}%`, top: `${(f.box[1] / natural[1]) * 100}%`,
            width: `${(f.box[2] / natural[0]) * 100}%`, height: `${(f.box[3] / natural[1]) * 100}%`,
          }}
          aria-label={t('enrol.pickFace', { n: i + 1, quality: f.quality.passed ? t('enrol.qualityOk') : f.quality.reason ?? t('enrol.qualityPoor') })}
          title={`${t('enrol.faceN', { n: i + 1 })} · ${fmtPercent(f.score)}`}
          onClick={() => onPick(i)}
          data-testid="pick-face"
        >
          <span>{i + 1}</span>
        </button>
      ))}
      {natural && faces.length === 0 && <p className="face-picker-none">{t('enrol.noFacesInFrame')}</p>}
    </div>
  );
}
