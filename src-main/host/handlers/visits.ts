// alerts.*, clusters.*, reviews.* and events.reportWrongMatch (issue 12): persisted alerts a guard works through,
// strangers grouped into clusters an admin can enrol or merge into a person, and the "wrong match" review queue.
// Cluster enrol/merge and the review queue carry personal data: the dispatcher audits these methods (ADMIN /
// personal), and the handlers log what they changed.
import { VigilError } from '../../../src-contract/errors.ts';
import type { Handlers } from '../../core/dispatcher.ts';
import type { HostContext } from '../host-context.ts';
import { personViewOf } from '../host-context.ts';
import type { VisitsStore } from '../../storage/repositories/visits.ts';
import { eventView, iso } from '../../storage/views.ts';
import { alertView, clusterView } from '../../pipeline/visit-views.ts';
import type { StorageAlert } from '../storage-alert.ts';
import { storageFullError, storageHealth } from '../../storage/storage-health.ts';
import { correctEvent } from './events.ts';

/** `storageAlert`: the in-memory disk-full alert (it cannot be stored while the disk is full), listed first. */
export function visitHandlers(ctx: HostContext, visits: VisitsStore, storageAlert?: StorageAlert): Handlers {
  const by = (caller: { user?: { username: string } | null; origin: string }) => caller.user?.username ?? caller.origin;
  const cluster = (id: string) => {
    const c = visits.clusters.get(id);
    if (!c) throw new VigilError('NOT_FOUND', `cluster ${id} not found`);
    return c;
  };

  /** Relabels a cluster's visits to `personId` (as events.correct does: attendance follows), returns how many. */
  const relabel = async (clusterId: string, personId: string, who: string): Promise<number> => {
    const list = visits.clusters.visits(clusterId, 500);
    let n = 0;
    for (const v of list) {
      const before = ctx.store.events.get(v.eventId);
      if (!before || before.personId === personId) continue;
      const rec = await ctx.store.write(() => {
        const r = ctx.store.events.correct(v.eventId, { personId, by: who, reason: `cluster ${clusterId} enrolled` });
        const cam = before.cameraId ? ctx.cameras.config(before.cameraId) : null;
        const to = before.cameraId ? { personId, at: before.decidedAt ?? before.startedAt, role: cam?.role ?? 'any', cameraId: before.cameraId } : null;
        ctx.attendance.reassignEvent({ eventId: v.eventId, to, by: who, reason: `cluster ${clusterId} enrolled` });
        visits.alerts.resolveForEvent(v.eventId, 'unknown_person', 'enrolled as a known person', Date.now());
        return r;
      });
      ctx.bus.publish('events.track', { kind: 'corrected', event: eventView(rec) });
      n++;
    }
    return n;
  };

  /** The cluster's best crops as templates of `personId` (through the enrolment service's checks). */
  const enrolCrops = async (clusterId: string, personId: string, max: number, who: string) => {
    const crops = clusterView(visits, cluster(clusterId)).crops.slice(0, max);
    const verdicts = [];
    for (const c of crops) verdicts.push(await ctx.enrolment.enrolFromEvent(personId, c.event_id, who));
    return verdicts;
  };

  return {
    'alerts.list': ({ state, camera_id, limit }) => [
      ...(storageAlert?.list({ state, camera_id }) ?? []),
      ...visits.alerts.list({ state, cameraId: camera_id, limit }).map((a) => alertView(ctx.store, visits, a)),
    ].slice(0, limit),
    'alerts.acknowledge': async ({ ids, camera_id, all }, caller) => {
      const given = [ids?.length ? 1 : 0, camera_id ? 1 : 0, all ? 1 : 0].reduce((a, b) => a + b, 0);
      if (given !== 1) throw new VigilError('INVALID_REQUEST', 'give exactly one of ids, camera_id or all');
      // Neither the acknowledgement nor its audit row can be stored on a full disk: say so before changing anything.
      if (storageHealth.full) throw storageFullError();
      const changed = await ctx.store.write(() => visits.alerts.acknowledge({ ids, cameraId: camera_id, all }, by(caller), Date.now()));
      for (const a of changed) ctx.bus.publish('alerts', alertView(ctx.store, visits, a));
      return { acknowledged: changed.length, ids: changed.map((a) => a.id) };
    },
    'events.reportWrongMatch': async ({ id, note }, caller) => {
      if (!ctx.store.events.get(id)) throw new VigilError('NOT_FOUND', `event ${id} not found`);
      await ctx.store.write(() => visits.reviews.report(id, by(caller), note ?? null, Date.now()));
      ctx.logger.info({ event_type: 'wrong_match_reported', event_id: id, by: by(caller) }, 'event queued for review');
      return { ok: true as const };
    },
    'reviews.list': ({ state }) => visits.reviews.list(state).flatMap((r) => {
      const e = ctx.store.events.get(r.eventId);
      return e ? [{ event: eventView(e), reported_by: r.reportedBy, reported_at: iso(r.reportedAt), note: r.note, state: r.state }] : [];
    }),
    'reviews.resolve': async ({ event_id, action, person_id, reason }, caller) => {
      if ((action === 'reassign') !== (person_id !== undefined)) {
        throw new VigilError('INVALID_REQUEST', 'person_id is needed to reassign, and only then', { field: 'person_id' });
      }
      if (!visits.reviews.list('open').some((r) => r.eventId === event_id)) throw new VigilError('NOT_FOUND', `no open review for event ${event_id}`);
      const event = ctx.store.events.get(event_id);
      if (!event) throw new VigilError('NOT_FOUND', `event ${event_id} not found`);
      const rec = action === 'confirm' ? event
        : await correctEvent(ctx, { id: event_id, personId: action === 'reassign' ? person_id! : null, reason: reason ?? `wrong-match review: ${action}`, by: by(caller) });
      await ctx.store.write(() => visits.reviews.resolve(event_id, 'resolved', by(caller), Date.now()));
      ctx.logger.info({ event_type: 'wrong_match_resolved', event_id, action, by: by(caller) }, 'wrong-match review resolved');
      return eventView(rec);
    },
    'reviews.dismiss': async ({ event_id }, caller) => {
      await ctx.store.write(() => visits.reviews.resolve(event_id, 'dismissed', by(caller), Date.now()));
      return { ok: true as const };
    },
    'clusters.list': ({ status, limit }) => visits.clusters.list({ status, limit }).map((c) => clusterView(visits, c)),
    'clusters.get': ({ id }) => {
      const c = cluster(id);
      const list = visits.clusters.visits(id);
      return {
        ...clusterView(visits, c),
        visits: list.map((v) => ({ event_id: v.eventId, camera_id: v.cameraId, at: iso(v.at), similarity: v.similarity, face_snapshot: v.faceSnapshot })),
      };
    },
    'clusters.enrol': async ({ id, person, max_photos }, caller) => {
      const c = cluster(id);
      if (c.status !== 'open') throw new VigilError('CONFLICT', `cluster ${id} is already ${c.status}`);
      const p = await ctx.store.write(() => ctx.store.persons.create(person));
      const verdicts = await enrolCrops(id, p.id, max_photos, by(caller));
      const relabelled = await relabel(id, p.id, by(caller));
      await ctx.store.write(() => visits.clusters.resolve(id, { status: 'enrolled', personId: p.id, by: by(caller), at: Date.now() }));
      ctx.logger.info({ event_type: 'cluster_enrolled', cluster_id: id, person_id: p.id, templates: verdicts.filter((v) => v.accepted).length, relabelled }, 'unknown cluster enrolled as a person');
      return { person: personViewOf(ctx, p.id), verdicts, events_relabelled: relabelled };
    },
    'clusters.merge': async ({ id, person_id, max_photos }, caller) => {
      const c = cluster(id);
      if (c.status !== 'open') throw new VigilError('CONFLICT', `cluster ${id} is already ${c.status}`);
      if (!ctx.store.persons.get(person_id)) throw new VigilError('NOT_FOUND', `person ${person_id} not found`, { field: 'person_id' });
      const verdicts = await enrolCrops(id, person_id, max_photos, by(caller));
      const relabelled = await relabel(id, person_id, by(caller));
      await ctx.store.write(() => visits.clusters.resolve(id, { status: 'merged', personId: person_id, by: by(caller), at: Date.now() }));
      ctx.logger.info({ event_type: 'cluster_merged', cluster_id: id, person_id, templates: verdicts.filter((v) => v.accepted).length, relabelled }, 'unknown cluster merged into a person');
      return { person: personViewOf(ctx, person_id), verdicts, events_relabelled: relabelled };
    },
    'clusters.dismiss': async ({ id }, caller) => {
      cluster(id);
      await ctx.store.write(() => visits.clusters.resolve(id, { status: 'dismissed', personId: null, by: by(caller), at: Date.now() }));
      return { ok: true as const };
    },
  };
}
