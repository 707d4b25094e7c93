// The audit log's own retention rule (settings.retention_days.audit, at least 30 days), run by the storage
// retention job with the other data kinds. It goes through AuditLog.prune, which records the prune in the chain:
// the log is never shortened silently.
import type { RetentionTask } from '../storage/retention.ts';
import type { AuditLog } from './audit-log.ts';

const DAY_MS = 86_400_000;

export function auditRetentionTask(log: AuditLog): RetentionTask {
  return {
    name: 'audit',
    runBatch: ({ now, settings }) => log.prune(now - settings.retention_days.audit * DAY_MS).removed,
  };
}
