// Records of the 'visits' scope → the contract's shapes (src-contract/visits.ts).
import type { z } from 'zod';
import type { Alert, Cluster, ClusterSummarySchema } from '../../src-contract/visits.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { AlertRecord, ClusterRecord, VisitsStore } from '../storage/repositories/visits.ts';
import { eventView, iso } from '../storage/views.ts';

type ClusterSummary = z.infer<typeof ClusterSummarySchema>;

/** Start of the local day of `at` (the host's time zone): "3 visits today". */
function dayStart(at: number): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function clusterSummary(visits: VisitsStore, c: ClusterRecord, now = Date.now()): ClusterSummary {
  const list = visits.clusters.visits(c.id);
  const today = list.filter((v) => v.at >= dayStart(now)).length;
  return { id: c.id, number: c.number, label: `Unknown #${c.number}`, visits: list.length, visits_today: today };
}

export function clusterView(visits: VisitsStore, c: ClusterRecord, now = Date.now()): Cluster {
  const list = visits.clusters.visits(c.id);
  const crops = list.filter((v) => v.faceSnapshot).sort((a, b) => (b.bestScore ?? 0) - (a.bestScore ?? 0)).slice(0, 8)
    .map((v) => ({ event_id: v.eventId, face_snapshot: v.faceSnapshot! }));
  const firstSeen = list.reduce((m, v) => Math.min(m, v.at), c.createdAt);
  return {
    ...clusterSummary(visits, c, now), status: c.status, first_seen: iso(firstSeen), last_seen: iso(c.lastSeenAt), person_id: c.personId,
    crops, cameras: [...new Set(list.map((v) => v.cameraId).filter((x): x is string => x !== null))],
  };
}

export function alertView(store: HostStore, visits: VisitsStore, a: AlertRecord, now = Date.now()): Alert {
  const rec = a.eventId ? store.events.get(a.eventId) : null;
  const cluster = a.clusterId ? visits.clusters.get(a.clusterId) : null;
  return {
    id: a.id, kind: a.kind, event: rec ? eventView(rec) : null, at: iso(a.createdAt), state: a.state,
    camera_id: a.cameraId, camera_name: a.cameraName, message: a.message,
    cluster: cluster ? clusterSummary(visits, cluster, now) : null,
    acknowledged_by: a.acknowledgedBy, resolved_reason: a.resolvedReason, updated_at: iso(a.updatedAt),
  };
}
