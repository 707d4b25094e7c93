// The engine's gallery is a copy of the usable templates in the database (active persons, not outliers).
// These build that copy: whole at start-up (and by the supervisor for every restarted engine), per person after
// each enrolment, correction, status change or erasure.
import type { HostStore } from '../storage/host-store.ts';
import type { GalleryPerson } from '../engine-host/engine-wire.ts';

export function fullGallery(store: Pick<HostStore, 'templates'>, model?: string): GalleryPerson[] {
  const g = store.templates.loadGallery(model);
  const byPerson = new Map<string, GalleryPerson>();
  g.templateIds.forEach((id, i) => {
    const pid = g.personIds[i];
    let p = byPerson.get(pid);
    if (!p) byPerson.set(pid, (p = { person_id: pid, template_ids: [], embeddings: [] }));
    p.template_ids.push(id);
    p.embeddings.push(g.embeddings.slice(i * g.dim, (i + 1) * g.dim));
  });
  return [...byPerson.values()];
}

/**
 * One person's usable templates (none when the person is inactive or gone: the engine then forgets them). With
 * `model`, only templates enrolled by that embedder (or of unrecorded origin): a gallery never mixes embedders;
 * other embedders' templates join once re-embedded (reembed-job.ts).
 */
export function personGallery(store: Pick<HostStore, 'templates' | 'persons'>, personId: string, model?: string | null): GalleryPerson {
  const person = store.persons.get(personId);
  const out: GalleryPerson = { person_id: personId, template_ids: [], embeddings: [] };
  if (!person || person.status !== 'active') return out;
  for (const t of store.templates.listForPerson(personId)) {
    if (t.outlier) continue;
    if (model && t.model !== null && t.model !== model) continue;
    out.template_ids.push(t.id);
    out.embeddings.push(store.templates.embedding(t.id));
  }
  return out;
}
