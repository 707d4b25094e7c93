// The engine's verdict on one enrolment photo: accepted, or rejected with the reason.
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { EnrolmentVerdict } from '../../../src-contract/schemas.ts';
import { Icon } from '../../ui/icons.tsx';
import { tDynamic } from '../../i18n/dynamic-key.ts';

/**
 * Why a photo was refused: the host's sentence says what happened and what to do; `brief` gives the short
 * title only, so a bulk summary can group photos by reason.
 */
export function verdictReason(v: EnrolmentVerdict, t: TFunction, opts: { brief?: boolean } = {}): string {
  const title = tDynamic(t, `enrol.code.${v.code}`, v.code);
  return opts.brief || !v.reason ? `${title}` : v.reason;
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
