// First start with no configuration: add the demo file camera (looped, real time) and enrol the demo's people,
// so a newcomer sees recognition within a minute. Everything goes through the contract (as an administrator
// named "demo-setup"), so it is validated and audited like any other change.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Caller, Dispatcher } from '../core/dispatcher.ts';
import type { HostContext } from './host-context.ts';
import { DEMO_CAST, DEMO_DIR, DEMO_SCENE, composeScene, readSceneManifest } from '../demo/demo-assets.ts';

export const DEMO_CAMERA_ID = 'demo-corridor';

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
    const person = (await call('persons.create', { employee_id: p.employee_id, name: p.name, department: p.department })) as { id: string };
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
