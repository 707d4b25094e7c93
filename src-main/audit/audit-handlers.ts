// Contract handlers for the audit trail (admin and auditor only, enforced by the Dispatcher's role table).
import type { z } from 'zod';
import type { AuditRecordSchema } from '../../src-contract/schemas.ts';
import type { Handlers } from '../core/dispatcher.ts';
import type { AuditLog, AuditRow } from './audit-log.ts';

export function toAuditRecord(r: AuditRow): z.output<typeof AuditRecordSchema> {
  return {
    id: r.id, at: new Date(r.at).toISOString(), user_id: r.user_id, username: r.username, action: r.action, resource: r.resource,
    person_id: r.person_id, origin: r.origin, result: r.result, reason: r.reason, hash: r.hash, audit_type: r.audit_type,
    details: r.details_json ? (JSON.parse(r.details_json) as Record<string, unknown>) : null,
  };
}

const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

export function auditHandlers(log: AuditLog): Handlers {
  return {
    'audit.list': (q) => {
      const page = log.list({ from: ms(q.from), to: ms(q.to), userId: q.user_id, action: q.action, personId: q.person_id, limit: q.limit, cursor: q.cursor });
      return { items: page.items.map(toAuditRecord), next_cursor: page.nextCursor };
    },
    'audit.verify': () => log.verify(),
  };
}
