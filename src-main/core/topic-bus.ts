// In-process pub/sub for contract topics, with the subscription filters of src-contract (camera, minimum
// confidence, person ids) applied per subscriber.
import { topics, SubscriptionFilterSchema } from '../../src-contract/api.ts';
import type { SubscriptionFilter, TopicName, TopicPayload } from '../../src-contract/api.ts';
import type { Role } from '../../src-contract/schemas.ts';

export type TopicListener<T extends TopicName> = (payload: TopicPayload<T>) => void;

export class TopicBus {
  private readonly listeners = new Map<TopicName, Set<{ filter: SubscriptionFilter; fn: (p: unknown) => void }>>();

  subscribe<T extends TopicName>(topic: T, filter: SubscriptionFilter, fn: TopicListener<T>): () => void {
    const parsed = SubscriptionFilterSchema.parse(filter);
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    const entry = { filter: parsed, fn: fn as (p: unknown) => void };
    set.add(entry);
    return () => set.delete(entry);
  }

  publish<T extends TopicName>(topic: T, payload: TopicPayload<T>): void {
    const set = this.listeners.get(topic);
    if (!set) return;
    for (const { filter, fn } of set) {
      const filtered = applyFilter(topic, payload, filter);
      if (filtered !== undefined) fn(filtered);
    }
  }

  rolesFor(topic: TopicName): readonly Role[] {
    return topics[topic].roles;
  }
}

/** Applies a subscription filter (camera, minimum confidence, person ids); undefined when nothing is left to deliver. */
export function applyFilter<T extends TopicName>(topic: T, payload: TopicPayload<T>, f: SubscriptionFilter): TopicPayload<T> | undefined {
  const p = payload as Record<string, unknown>;
  const cameraId = (p.camera_id ?? (p.event as { camera_id?: string } | undefined)?.camera_id) as string | undefined;
  if (f.camera_id && cameraId !== undefined && cameraId !== f.camera_id) return undefined;
  if (topic === 'live.frame') {
    const frame = payload as TopicPayload<'live.frame'>;
    if (!f.min_confidence && !f.person_ids) return payload;
    const faces = frame.faces.filter((face) =>
      (f.min_confidence === undefined || face.score >= f.min_confidence) &&
      (!f.person_ids || (face.person_id !== null && f.person_ids.includes(face.person_id))));
    return { ...frame, faces } as TopicPayload<T>;
  }
  const ev = p.event as { confidence?: number | null; person_id?: string | null } | undefined;
  if (ev) {
    if (f.min_confidence !== undefined && (ev.confidence ?? 0) < f.min_confidence) return undefined;
    if (f.person_ids && (!ev.person_id || !f.person_ids.includes(ev.person_id))) return undefined;
  } else if (f.person_ids && typeof p.person_id === 'string' && !f.person_ids.includes(p.person_id)) {
    return undefined;
  }
  return payload;
}
