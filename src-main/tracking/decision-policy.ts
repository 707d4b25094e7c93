// The site's consent and watchlist rules applied to a tracker decision: what is recorded, shown and alerted.
// Pure given its lookups (person, consent, settings), so the tracker can own the whole decision and tests can
// drive it with fakes.
//   - consent "blocked" (policy "do not recognise" and no valid consent): recorded as unknown with no person,
//     but it is a known face: no "unknown person" alert and never grouped with strangers;
//   - consent "flagged": recognised and flagged no_consent;
//   - a watchlist person raises a watchlist alert; a stranger an unknown_person alert when the site wants them
//     (not a track without a single usable face: nothing says it is a stranger).
import type { DecisionPolicy, DecisionResult, PolicyFlag, PolicyOutcome } from './types.ts';

export type ConsentDecision = 'allowed' | 'blocked' | 'flagged';

export interface PolicyLookups {
  person: (personId: string) => { watchlist: boolean } | null;
  consent: (personId: string, at: number) => ConsentDecision;
  unknownAlerts: () => boolean;
}

export function consentPolicy(l: PolicyLookups): DecisionPolicy {
  return (d: DecisionResult, at: number): PolicyOutcome => {
    if (d.decision !== 'recognized' || !d.personId) {
      // A face never seen well enough to compare (no usable vote) is no evidence of a stranger: recorded, not alerted.
      const evidence = d.reason !== 'no_usable_faces';
      return { decision: 'unknown', personId: null, confidence: null, flags: [], alert: l.unknownAlerts() && evidence ? 'unknown_person' : null, cluster: evidence };
    }
    const c = l.consent(d.personId, at);
    if (c === 'blocked') return { decision: 'unknown', personId: null, confidence: null, flags: [], alert: null, cluster: false };
    const flags: PolicyFlag[] = [];
    if (c === 'flagged') flags.push('no_consent');
    const watch = l.person(d.personId)?.watchlist ?? false;
    if (watch) flags.push('watchlist');
    return { decision: 'recognized', personId: d.personId, confidence: d.confidence, flags, alert: watch ? 'watchlist' : null, cluster: false };
  };
}

/** Everyone allowed, unknown alerts on (tests, tools without a consent store). */
export const openPolicy: DecisionPolicy = consentPolicy({ person: () => null, consent: () => 'allowed', unknownAlerts: () => true });
