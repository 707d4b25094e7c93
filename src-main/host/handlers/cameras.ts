// cameras.* and live.*: the camera registry, connection tests, captures for enrolment, and live detections.
import { withStoredSecrets } from '../../../src-contract/camera-config.ts';
import { VigilError } from '../../../src-contract/errors.ts';
import { testCamera } from '../../camera/camera-test.ts';
import { listVideoDevices } from '../../camera/video-devices.ts';
import type { Handlers } from '../../core/dispatcher.ts';
import type { HostContext } from '../host-context.ts';

/** A camera id from its name: lower-case ASCII letters, digits and "-", unique among existing cameras. */
export function idFromName(name: string, taken: (id: string) => boolean): string {
  const base = name.normalize('NFKD').replace(/\p{M}+/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 56) || 'camera';
  let id = base;
  for (let n = 2; taken(id); n++) id = `${base}-${n}`;
  return id;
}

export function cameraHandlers(ctx: HostContext): Handlers {
  return {
    'cameras.list': () => ctx.cameras.list(),
    'cameras.get': ({ id }) => ctx.cameras.get(id),
    // The form promises an id "generated from the name": a readable slug ("Front door" → front-door, then
    // front-door-2, ...), not a random cam_<uuid>.
    'cameras.create': (input) => ctx.cameras.create({ ...input, id: input.id ?? idFromName(input.name, (id) => ctx.store.cameras.get(id) !== null) }),
    'cameras.update': ({ id, patch }) => ctx.cameras.update(id, patch),
    'cameras.remove': async ({ id }) => {
      await ctx.cameras.remove(id);
      return { ok: true as const };
    },
    'cameras.setDetection': ({ id, running }) => ctx.cameras.setDetection(id, running),

    'cameras.test': async ({ config, seconds, camera_id }) => {
      let source = config;
      // Editing a camera: the form does not resend the stored password, header values or URL tokens (it shows
      // placeholders), so test with the stored ones.
      const stored = camera_id ? ctx.cameras.storedSource(camera_id) : null;
      if (stored) source = withStoredSecrets(source, stored);
      const r = await testCamera(source, { seconds, preview: true, ffmpegPath: ctx.ffmpegPath });
      return r.ok ? r : { ok: false as const, error: { code: r.error.code, message: r.error.message } };
    },

    // ffmpeg lists devices on Windows and macOS; Linux reads /dev and sysfs.
    'cameras.devices': () => listVideoDevices({ ffmpegPath: ctx.ffmpegPath }),

    'cameras.capture': async ({ id }) => {
      if (!ctx.cameras.config(id)) throw new VigilError('NOT_FOUND', `no camera ${id}`);
      return ctx.enrolment.capture(id, ctx.cameras.latestFrame(id));
    },

    'live.latest': ({ camera_id }) => ctx.live.latest(camera_id),
    'live.acknowledge': async ({ event_id }, caller) => {
      const by = caller.user?.username ?? caller.origin;
      await ctx.store.write(() => ctx.store.events.acknowledge(event_id, by));
      return { ok: true as const };
    },
  };
}
