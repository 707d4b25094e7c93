// How an event's decision reads. An event of an erased person is kept anonymised (recognized, no person):
// it says so, instead of "Recognized" beside "Person: Unknown", which reads as a contradiction.
import type { TFunction } from 'i18next';
import type { VigilEvent } from '../../../src-contract/schemas.ts';

export const isAnonymised = (e: Pick<VigilEvent, 'decision' | 'person_id'>): boolean => e.decision === 'recognized' && e.person_id === null;

export function decisionLabel(e: Pick<VigilEvent, 'decision' | 'person_id'>, t: TFunction): string {
  if (isAnonymised(e)) return t('decision.recognizedAnonymised');
  return e.decision === 'recognized' ? t('decision.recognized') : e.decision === 'unknown' ? t('decision.unknown') : t('decision.pending');
}
