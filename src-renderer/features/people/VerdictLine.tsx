// The engine's verdict on one enrolment photo: accepted, or rejected with the reason.
import { useTranslation } from 'react-i18next';
import type { EnrolmentVerdict } from '../../../src-contract/schemas.ts';
import { Icon } from '../../ui/icons.tsx';

/**
 * Why a photo was refused, in the UI's words first, then the host's detail; except for several faces, where the
 * host's detail speaks API ("choose one (face_index)"): the count is what a person needs (`brief`: not even that,
 * so a bulk summary groups all such photos together).
 */
export function verdictReason(v: EnrolmentVerdict, t: ReturnType<typeof useTranslation>['t'], opts: { brief?: boolean } = {}): string {
  const title = t(`enrol.code.${v.code}`);
  if (v.code === 'MULTIPLE_FACES') return opts.brief || v.faces.length < 2 ? title : `${title} (${t('enrol.facesFound', { count: v.faces.length })})`;
  return v.reason && v.reason.toLowerCase() !== title.toLowerCase() ? `${title}: ${v.reason}` : title;
}

export function VerdictLine({ verdict }: { verdict: EnrolmentVerdict }) {
  const { t } = useTranslation();
  return verdict.accepted ? (
    <span className="verdict verdict-ok" data-testid="verdict" data-accepted="true" data-code={verdict.code}>
      <Icon name="check" size={16} /> {t('enrol.accepted')}
    </span>
  ) : (
    <span className="verdict verdict-bad" data-testid="verdict" data-accepted="false" data-code={verdict.code}>
      <Icon name="warning" size={16} /> {t('enrol.rejected')} — {verdictReason(verdict, t)}
    </span>
  );
}
