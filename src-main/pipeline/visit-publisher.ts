// Publishes what the event recorder committed: the events.track topic (face_detected, then recognized /
// unknown: one event per visit, updated in place), attendance punches, alerts (raised and resolved), counters.
import type { Logger } from 'pino';
import type { TopicBus } from '../core/topic-bus.ts';
import type { HostStore } from '../storage/host-store.ts';
import type { VisitsStore } from '../storage/repositories/visits.ts';
import { eventView, iso } from '../storage/views.ts';
import type { Committed } from './event-recorder.ts';
import type { PipelineStats } from './pipeline-stats.ts';
import { alertView } from './visit-views.ts';

export interface VisitPublisherDeps {
  bus: TopicBus;
  store: HostStore;
  visits: VisitsStore;
  stats: PipelineStats;
  logger: Logger;
  /** After each publish (latency measurement, tests). */
  onPublished?: (c: Committed) => void;
}

export class VisitPublisher {
  constructor(private readonly d: VisitPublisherDeps) {}

  publish(c: Committed): void {
    const { bus, stats } = this.d;
    const view = eventView(c.event);
    if (c.kind === 'face_detected' || c.kind === 'recognized' || c.kind === 'unknown') {
      stats.add(c.camera.id, c.kind === 'face_detected' ? 'faces_detected' : c.kind);
      this.d.logger.info({ event_type: 'track_event', kind: c.kind, event_id: c.event.id, camera_id: c.camera.id, person_id: view.person_id, trace_id: c.traceId }, `track ${c.kind}`);
      bus.publish('events.track', { kind: c.kind, event: view });
    }
    if (c.punch) {
      stats.add(c.camera.id, 'attendance_records');
      bus.publish('attendance.punch', { person_id: c.punch.personId, date: c.punch.date, kind: c.punch.kind, at: iso(c.punch.at) });
    }
    for (const a of c.alerts) bus.publish('alerts', alertView(this.d.store, this.d.visits, a));
    this.d.onPublished?.(c);
  }
}
