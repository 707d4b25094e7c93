// Wires accounts, the audit trail and privacy controls onto an open store and the Dispatcher, in the order the
// host needs at start-up:
//   const store = await openStore(dataDir, { keyProvider, migrations: ACCESS_MIGRATIONS });
//   const access = await createAccessControl(store, dispatcher, { personView, onErased });
//   if (access.auth.setupToken()) console.log(`setup token: ${access.auth.setupToken()}`);
//   createApiServer({ ..., authenticate: access.auth.authenticate });
import { join } from 'node:path';
import { contract, type MethodName } from '../../src-contract/api.ts';
import { auditHandlers } from '../audit/audit-handlers.ts';
import { AuditLog } from '../audit/audit-log.ts';
import { auditMigrations } from '../audit/migrations.ts';
import { auditRetentionTask } from '../audit/audit-retention.ts';
import { createDispatchAuditHook } from '../audit/dispatch-audit.ts';
import { createAuth, type Auth, type AuthOptions } from '../auth/auth-service.ts';
import { authMigrations } from '../auth/migrations.ts';
import type { Dispatcher } from '../core/dispatcher.ts';
import { privacyMigrations } from '../privacy/migrations.ts';
import { createPrivacy, type Privacy, type PrivacyOptions } from '../privacy/privacy-service.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { MigrationSet } from '../storage/migration-runner.ts';

/** Pass to openStore({ migrations }) so the tables exist before createAccessControl runs. */
export const ACCESS_MIGRATIONS: readonly MigrationSet[] = [authMigrations, auditMigrations, privacyMigrations];

/** File beside the database that remembers the newest audit row (detects a truncated log). */
export const AUDIT_HEAD_FILE = 'audit.head';

export interface AccessControl {
  auth: Auth;
  audit: AuditLog;
  privacy: Privacy;
}

export interface AccessControlOptions extends Pick<PrivacyOptions, 'personView' | 'onErased'> {
  now?: () => number;
  auth?: Omit<AuthOptions, 'audit' | 'now'>;
}

export const isPersonalMethod = (m: MethodName): boolean => contract[m].personal;

export async function createAccessControl(store: HostStore, dispatcher: Dispatcher, opts: AccessControlOptions): Promise<AccessControl> {
  const conn = { writer: store.db.writer, reader: store.db.reader };
  const audit = new AuditLog(conn, { now: opts.now, headPath: join(store.dataDir, AUDIT_HEAD_FILE), keys: store.keyProvider });
  audit.ensureKey();
  dispatcher.setAuditHook(createDispatchAuditHook(audit, isPersonalMethod));
  store.retention.register(auditRetentionTask(audit));
  const auth = createAuth(conn, { ...opts.auth, audit, now: opts.now });
  const privacy = createPrivacy(store, { audit, personView: opts.personView, onErased: opts.onErased, now: opts.now });
  // Erasures a crash interrupted: openStore already unlinked their queued files; close the jobs.
  await privacy.erasure.resume();
  dispatcher.register({ ...auth.handlers, ...auditHandlers(audit), ...privacy.handlers });
  return { auth, audit, privacy };
}
