// Privacy controls behind the contract: persons.setConsent, persons.erase and persons.exportData, plus the
// consent question the recognition pipeline asks. The host builds it once over its store:
//   const privacy = createPrivacy(store, { audit, personView });
//   dispatcher.register(privacy.handlers);
//   pipeline: if (!privacy.consents.consentAllows(personId, now)) → treat as unknown; decision 'flagged' → flag no_consent
import type { Person } from '../../src-contract/schemas.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { AuditSink } from '../audit/audit-log.ts';
import { callerFields } from '../audit/dispatch-audit.ts';
import type { Handlers } from '../core/dispatcher.ts';
import type { HostStore } from '../storage/host-store.ts';
import { ConsentStore, type ConsentPolicy } from './consent.ts';
import { Erasure } from './erasure.ts';
import { exportPersonData } from './person-export.ts';

export interface PrivacyOptions {
  audit: AuditSink;
  /** The contract's view of a person (the host's persons handlers build the same one). */
  personView: (id: string) => Person;
  onErased?: (personId: string) => void;
  now?: () => number;
}

export interface Privacy {
  consents: ConsentStore;
  erasure: Erasure;
  handlers: Handlers;
}

type Store = Pick<HostStore, 'db' | 'write' | 'fileDeletions' | 'retention' | 'settings' | 'dataDir'>;

export function createPrivacy(store: Store, opts: PrivacyOptions): Privacy {
  const now = opts.now ?? Date.now;
  // Settings are read from the database on each call; the policy is asked per decided track, not per frame,
  // but cache it for a second anyway.
  let policy: { value: ConsentPolicy; at: number } | null = null;
  const currentPolicy = (): ConsentPolicy => {
    const t = now();
    if (!policy || t - policy.at > 1000) policy = { value: store.settings.get().consent_policy, at: t };
    return policy.value;
  };
  const conn = { writer: store.db.writer, reader: store.db.reader };
  const consents = new ConsentStore(conn, currentPolicy);
  const erasure = new Erasure({
    store, audit: opts.audit, consents, onErased: opts.onErased, now,
    eventsPolicy: () => store.settings.get().erasure_events,
  });

  const handlers: Handlers = {
    'persons.setConsent': async ({ id, consent }, caller) => {
      if (consent.status === 'granted' && !consent.granted_at) consent = { ...consent, granted_at: new Date(now()).toISOString() };
      if (consent.expires_at && consent.granted_at && Date.parse(consent.expires_at) <= Date.parse(consent.granted_at)) {
        throw new VigilError('INVALID_REQUEST', 'consent.expires_at: must be after granted_at', { field: 'consent.expires_at' });
      }
      await store.write(() => {
        if (!store.db.writer.prepare('SELECT 1 FROM persons WHERE id = ?').get(id)) throw new VigilError('NOT_FOUND', `person ${id} not found`);
        const saved = consents.set(id, consent, caller.user?.id ?? null, now());
        opts.audit.record({
          type: 'consent', ...callerFields(caller), action: 'persons.setConsent', resource: `person:${id}`, personId: id, result: 'success',
          details: { consent_type: saved.type, status: saved.status, granted_at: saved.granted_at, expires_at: saved.expires_at, document_version: saved.document_version },
        });
      });
      return opts.personView(id);
    },

    'persons.erase': async ({ id, reason }, caller) => {
      const r = await erasure.erase(id, reason, caller);
      return { ok: true as const, files_removed: r.filesRemoved };
    },

    'persons.exportData': async ({ id }) => {
      const out = await exportPersonData(store.db.reader, store.dataDir, id, now());
      return { filename: out.filename, mime: out.mime, data_base64: out.data.toString('base64') };
    },
  };

  return { consents, erasure, handlers };
}
