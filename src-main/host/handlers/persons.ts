// persons.*: people and enrolment. Consent, erasure and data export are the privacy module's handlers
// (src-main/privacy/privacy-service.ts); this file never touches them.
import type { Handlers } from '../../core/dispatcher.ts';
import { personViewOf } from '../host-context.ts';
import type { HostContext } from '../host-context.ts';
import { templateView } from '../../storage/views.ts';
import { toVigilError } from '../error-mapping.ts';
import { VigilError } from '../../../src-contract/errors.ts';
import { DEMO_ID_PREFIX, isDemoEmployeeId } from '../demo-seed.ts';

/** DEMO-… employee ids belong to the demo's data; a real person cannot take one (and so never collides with it). */
function checkNotDemoId(employeeId: string | undefined, caller: { origin: string }): void {
  if (employeeId !== undefined && caller.origin !== 'demo' && isDemoEmployeeId(employeeId)) {
    throw new VigilError('INVALID_REQUEST', `employee ids starting with "${DEMO_ID_PREFIX}" are reserved for the demo data`, { field: 'employee_id' });
  }
}

export function personHandlers(ctx: HostContext, onPersonChanged: (id: string) => void): Handlers {
  const view = (id: string) => personViewOf(ctx, id);
  const by = (caller: { user: { username: string } | null; origin: string }) => caller.user?.username ?? caller.origin;

  return {
    'persons.list': ({ query, department, status, limit, cursor }) => {
      const page = ctx.store.persons.list({ query, department, status, limit, cursor });
      return { items: page.items.map((p) => view(p.id)), next_cursor: page.nextCursor };
    },
    'persons.get': ({ id }) => ({ ...view(id), templates: ctx.store.templates.listForPerson(id).map(templateView) }),
    'persons.create': async (input, caller) => {
      checkNotDemoId(input.employee_id, caller);
      const p = await ctx.store.write(() => ctx.store.persons.create(input));
      return view(p.id);
    },
    'persons.update': async ({ id, patch }, caller) => {
      checkNotDemoId(patch.employee_id, caller);
      await ctx.store.write(() => ctx.store.persons.update(id, patch));
      onPersonChanged(id);
      // Status changes decide whether the engine may match this person at all.
      if (patch.status !== undefined) await ctx.enrolment.refreshPerson(id);
      return view(id);
    },
    'persons.enrolPhotos': async ({ id, photos }, caller) => {
      const verdicts = await ctx.enrolment.enrolPhotos(id, photos, by(caller));
      return { verdicts, person: view(id) };
    },
    'persons.enrolCapture': async ({ id, capture_id, face_index }, caller) => {
      const verdicts = await ctx.enrolment.enrolCapture(id, capture_id, face_index, by(caller));
      return { verdicts, person: view(id) };
    },
    'persons.enrolBulk': async ({ rows }, caller) => {
      const results = [];
      for (const { photos, ...fields } of rows) {
        try {
          checkNotDemoId(fields.employee_id, caller);
          const existing = ctx.store.persons.getByEmployeeId(fields.employee_id);
          const person = existing ?? await ctx.store.write(() => ctx.store.persons.create(fields));
          const verdicts = photos.length ? await ctx.enrolment.enrolPhotos(person.id, photos, by(caller)) : [];
          results.push({ employee_id: fields.employee_id, person_id: person.id, verdicts, error: null });
        } catch (err) {
          const e = toVigilError(err) as Error;
          results.push({ employee_id: fields.employee_id, person_id: null, verdicts: [], error: e.message });
        }
      }
      return { results };
    },
    'persons.removeTemplate': async ({ id, template_id }) => {
      await ctx.enrolment.removeTemplate(id, template_id);
      return { ok: true as const };
    },
  };
}
