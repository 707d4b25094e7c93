// Turns the Dispatcher's audit hook calls into audit rows: personal-data reads become `data_access`, anything that
// changes state `data_modification`, session methods `authentication`. Only identifiers and a few non-secret
// facts are kept from the input (never passwords, photos or names of people).
import type { MethodName } from '../../src-contract/api.ts';
import type { AuditHook, Caller } from '../core/dispatcher.ts';
import type { AuditEntry, AuditSink, AuditType } from './audit-log.ts';

/** Methods whose handlers write their own, richer record (login outcome, consent fields, erasure reason);
 * the hook still records it when the Dispatcher denies them. */
const SELF_AUDITED = new Set<MethodName>(['auth.status', 'auth.setup', 'auth.login', 'persons.setConsent', 'persons.erase']);

type Input = Record<string, unknown> | undefined;
type Output = Record<string, unknown> | undefined;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function typeOf(method: MethodName, personal: boolean): AuditType {
  if (method.startsWith('auth.')) return 'authentication';
  if (method === 'clusters.enrol' || method === 'clusters.merge') return 'data_modification';
  return personal ? 'data_access' : 'data_modification';
}

/** resource ("person:per_1") and person_id for the record. */
function subject(method: MethodName, input: Input, output: Output): { resource: string; personId: string | null; details?: Record<string, unknown> } {
  const id = str(input?.id);
  const [area] = method.split('.');
  switch (method) {
    case 'events.get':
      return { resource: `detection:${id}`, personId: str(output?.person_id) };
    case 'events.correct':
      return {
        resource: `detection:${id}`,
        personId: str(input?.person_id) ?? str((output?.correction as Output)?.from_person_id),
        details: { to_person_id: input?.person_id ?? null, add_template: input?.add_template ?? false },
      };
    case 'events.export':
    case 'attendance.export':
      return { resource: area, personId: str(input?.person_id), details: pick(input, ['from', 'to', 'camera_id', 'department', 'decision', 'format']) };
    case 'attendance.correct':
      return { resource: `attendance:${str(input?.person_id)}:${str(input?.date)}`, personId: str(input?.person_id) };
    case 'persons.create':
      return { resource: `person:${str(output?.id)}`, personId: str(output?.id) };
    case 'persons.removeTemplate':
      return { resource: `template:${str(input?.template_id)}`, personId: id };
    case 'persons.enrolPhotos':
    case 'persons.enrolCapture': {
      // The row commits with the call's FIRST stored template (audit-scope.ts), before the other photos are done:
      // then only the input is known, and a count of accepted photos would be false. After the call (nothing
      // stored) the verdicts are there.
      const verdicts = output?.verdicts as Array<{ accepted: boolean }> | undefined;
      const photos = Array.isArray(input?.photos) ? input.photos.length : method === 'persons.enrolCapture' ? 1 : verdicts?.length ?? null;
      return { resource: `person:${id}`, personId: id, details: { photos, ...(verdicts ? { accepted: verdicts.filter((v) => v.accepted).length } : {}) } };
    }
    case 'clusters.enrol':
    case 'clusters.merge': {
      // A stranger's face crops became someone's templates and their visits were relabelled (issue 12). The row
      // commits with the call's first write: for clusters.enrol that creates the person (its record is the
      // output then), for clusters.merge the person is in the input; counts are known only after the call.
      const person = output?.person as Output;
      const verdicts = output?.verdicts as Array<{ accepted: boolean }> | undefined;
      const created = method === 'clusters.enrol' && !person ? str(output?.id) : null;
      return {
        resource: `cluster:${id}`, personId: str(person?.id) ?? str(input?.person_id) ?? created,
        details: verdicts ? { templates: verdicts.filter((v) => v.accepted).length, events_relabelled: output?.events_relabelled ?? null } : {},
      };
    }
    case 'events.reportWrongMatch':
      return { resource: `detection:${id}`, personId: null };
    case 'reviews.resolve':
    case 'reviews.dismiss':
      return {
        resource: `detection:${str(input?.event_id)}`,
        personId: str(input?.person_id) ?? str((output?.correction as Output)?.from_person_id) ?? str(output?.person_id),
        details: { action: input?.action ?? 'dismiss' },
      };
    case 'live.acknowledge':
      return { resource: `detection:${str(input?.event_id)}`, personId: null };
    case 'settings.update':
      return { resource: 'settings', personId: null, details: { sections: Object.keys(input ?? {}) } };
    case 'users.create':
      return { resource: `user:${str(output?.id)}`, personId: null, details: { username: input?.username, role: input?.role } };
    case 'users.update':
      return { resource: `user:${id}`, personId: null, details: { ...pick(input, ['role', 'disabled']), password_changed: input?.password !== undefined } };
    case 'tokens.create':
      return { resource: `token:${str(output?.id)}`, personId: null, details: pick(input, ['name', 'scopes']) };
    case 'cameras.create':
      return { resource: `camera:${str(output?.id)}`, personId: null };
    case 'cameras.test':
      return { resource: `camera:${str(input?.camera_id) ?? 'new'}`, personId: null };
    case 'cameras.setDetection':
      return { resource: `camera:${id}`, personId: null, details: { running: input?.running } };
    default:
      if (area === 'persons') return { resource: `person:${id}`, personId: id };
      if (area === 'cameras') return { resource: `camera:${id}`, personId: null };
      return { resource: id ? `${area}:${id}` : area, personId: null };
  }
}

function pick(o: Input, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o && o[k] !== undefined) out[k] = o[k];
  return out;
}

export function callerFields(caller: Caller): Pick<AuditEntry, 'userId' | 'username' | 'origin'> {
  return { userId: caller.user?.id ?? null, username: caller.user?.username ?? null, origin: caller.origin };
}

export function createDispatchAuditHook(sink: AuditSink, isPersonal: (m: MethodName) => boolean): AuditHook {
  return ({ caller, method, input, result, reason, output }) => {
    if (result !== 'denied' && SELF_AUDITED.has(method)) return;
    if (method === 'persons.enrolBulk' && result === 'success') {
      // One row per person touched, so a person's access request finds every enrolment of them.
      for (const r of (output as { results?: Array<{ person_id: string | null; verdicts: Array<{ accepted: boolean }> }> }).results ?? []) {
        if (!r.person_id) continue;
        sink.record({ type: 'data_modification', ...callerFields(caller), action: method, resource: `person:${r.person_id}`, personId: r.person_id, result,
          details: { photos: r.verdicts.length, accepted: r.verdicts.filter((v) => v.accepted).length } });
      }
      return;
    }
    const s = result === 'denied' ? { resource: method.split('.')[0], personId: null } : subject(method, input as Input, output as Output);
    sink.record({
      type: typeOf(method, isPersonal(method)), ...callerFields(caller), action: method, resource: s.resource, personId: s.personId,
      result, reason: reason ?? str((input as Input)?.reason) ?? null, details: 'details' in s ? s.details : undefined,
    });
  };
}
