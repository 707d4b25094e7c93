// Translation for keys built at run time from schema field names (a field added to the contract shows up
// humanised until it gets a proper English label).
import type { TFunction } from 'i18next';

export function humanise(key: string): string {
  const s = key.replace(/_ms$/, ' (ms)').replace(/_px$/, ' (px)').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function tDynamic(t: TFunction, key: string, fallback: string): string {
  return (t as unknown as (k: string, o: { defaultValue: string }) => string)(key, { defaultValue: fallback });
}
