// First start with no configuration: add the demo file camera (looped, real time) and enrol the demo's people,
// so a newcomer sees recognition within a minute. Everything goes through the contract (as an administrator
// named "demo-setup"), so it is validated and audited like any other change.
//
// Demo data is marked as such: its people have employee ids in their own namespace (DEMO-1001, never a real
// "E-1001" an admin is about to enrol) and the demo flag, and `demo.remove` erases all of it in one audited call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Caller, Dispatcher, Handlers } from '../core/dispatcher.ts';
import { VigilError } from '../../src-contract/errors.ts';
import type { HostContext } from './host-context.ts';
import { DEMO_CAST, DEMO_DIR, DEMO_SCENE, composeScene, readSceneManifest } from '../demo/demo-assets.ts';

export const DEMO_CAMERA_ID = 'demo-corridor';

/** Employee ids of demo people: "DEMO-" + the cast's number. Real people may not use the prefix. */
export const DEMO_ID_PREFIX = 'DEMO-';
export const demoEmployeeId = (castId: string) => `${DEMO_ID_PREFIX}${castId.replace(/^[A-Za-z]+-/, '')}`;
export const isDemoEmployeeId = (id: string) => id.toUpperCase().startsWith(DEMO_ID_PREFIX);

const DEMO_CALLER: Caller = { user: { id: 'demo-setup', username: 'demo-setup', role: 'admin' }, origin: 'demo' };

export async function seedDemo(ctx: HostContext, dispatcher: Dispatcher, o: { ffmpegPath: string; engineReady: Promise<void>; dir?: string }): Promise<void> {
  const dir = o.dir ?? DEMO_DIR;
  let manifest = readSceneManifest(dir);
  if (!manifest) {
    ctx.logger.warn({ event_type: 'demo_compose' }, 'demo assets missing (run `npm run setup`); composing them now');
    manifest = await composeScene({ outDir: dir, videoName: 'demo-walk.mp4', cast: DEMO_CAST, scene: DEMO_SCENE, ffmpegPath: o.ffmpegPath });
  }
  // Enrolment needs the engine; do not hold the host's start-up hostage to an engine that cannot start.
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    o.engineReady,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('engine not ready after 120 s')), 120_000); }),
  ]).finally(() => clearTimeout(timer));
  const call = (method: string, input: unknown) => dispatcher.dispatch(method, input, DEMO_CALLER);
  for (const p of manifest.people.filter((x) => x.enrolled && x.photo)) {
    const person = (await call('persons.create', { employee_id: demoEmployeeId(p.employee_id), name: p.name, department: p.department })) as { id: string };
    // The flag is not part of the contract's input (nobody else may set it): the seed marks its own rows.
    await ctx.store.write(() => ctx.store.persons.update(person.id, { demo: true }));
    await call('persons.setConsent', {
      id: person.id, consent: { type: 'biometric_recognition', status: 'granted', granted_at: new Date().toISOString(), expires_at: null, document_version: 'demo' },
    });
    const photo = readFileSync(join(dir, p.photo!));
    const r = (await call('persons.enrolPhotos', { id: person.id, photos: [{ name: p.photo!, data_base64: photo.toString('base64') }] })) as { verdicts: Array<{ accepted: boolean; code: string; reason: string | null }> };
    const v = r.verdicts[0];
    if (v.accepted) ctx.logger.info({ event_type: 'demo_enrolled', person: p.name }, `demo: enrolled ${p.name}`);
    else ctx.logger.warn({ event_type: 'demo_enrol_refused', person: p.name, code: v.code, reason: v.reason }, `demo: ${p.name} not enrolled (${v.code})`);
  }
  await call('cameras.create', {
    id: DEMO_CAMERA_ID, name: 'Demo corridor', location: 'Built-in demo (composed video)', role: 'entry',
    source: { type: 'file', path: join(dir, manifest.video), loop: true, realtime: true },
    // The demo's faces are large; a higher minimum keeps the engine cheap on a 2-core laptop.
    detection: { fps_limit: 5, detect_width: manifest.width, min_face_px: 64 },
  });
  ctx.logger.info({ event_type: 'demo_ready', camera_id: DEMO_CAMERA_ID }, 'demo camera added');
}

/** demo.status / demo.remove: what demo data there is, and removing all of it (people erased, demo camera removed). */
export function demoHandlers(ctx: HostContext, dispatcher: Dispatcher): Handlers {
  const status = () => {
    const people = ctx.store.persons.demoIds();
    return { people: people.length, cameras: ctx.store.cameras.get(DEMO_CAMERA_ID) ? 1 : 0 };
  };
  return {
    'demo.status': () => status(),
    'demo.remove': async (_input, caller) => {
      const before = status();
      if (!before.people && !before.cameras) throw new VigilError('NOT_FOUND', 'there is no demo data to remove');
      if (before.cameras) await dispatcher.dispatch('cameras.remove', { id: DEMO_CAMERA_ID }, caller);
      // Each person through the erasure path: templates, snapshots and files go, each erasure audited too.
      for (const id of ctx.store.persons.demoIds()) await dispatcher.dispatch('persons.erase', { id, reason: 'demo data removed' }, caller);
      return { removed_people: before.people, removed_cameras: before.cameras };
    },
  };
}
