// embedders.*: which face embedder the site runs. Selectable = manifest entries of family embedder whose file is
// installed (shipped or in the user's models folder), each with its licence/provenance warning. Selecting one
// stores settings.engine.embedder and runs the EmbedderSwitch in the background: the engine gallery is emptied,
// the engine restarts on the new embedder, and stored enrolment photos are re-embedded (progress in
// embedders.status and, pushed, on the `embedders.progress` topic). Templates of two embedders are never mixed.
import type { MethodOutput } from '../../../src-contract/api.ts';
import type { Handlers } from '../../core/dispatcher.ts';
import { InvalidInputError } from '../../storage/errors.ts';
import type { EmbedderSwitch } from '../../enrolment/embedder-switch.ts';
import type { TemplateEmbeddingsRepository } from '../../storage/repositories/template-embeddings.ts';
import type { HostContext } from '../host-context.ts';
import { DEFAULT_MODELS_DIR, toEngineError } from '../../../src-engine/public.ts';
import type { Manifest, ModelEntry } from '../../../src-engine/public.ts';
import { addUserModel, loadUserManifest, locateModel, mergeManifests } from '../../../src-engine/in-process.ts';

export type EmbedderStatus = MethodOutput<'embedders.status'>;

export interface EmbedderDeps {
  manifest: Manifest;
  userModelsDir: string;
  vectors: TemplateEmbeddingsRepository;
  switcher: EmbedderSwitch;
  /** starts the switch to `id` (settings already stored); resolves when the re-embedding finished */
  switchTo: (id: string) => Promise<unknown>;
}

/** The warning a Settings screen shows beside an embedder: undocumented weights, else none. */
export function embedderWarning(e: ModelEntry): string | null {
  if (e.origin === 'not_stated') return 'origin of weights not stated: confirm it before commercial use';
  return null;
}

/** Installed embedders of the shipped + user manifests. */
export async function selectableEmbedders(manifest: Manifest, userDir: string): Promise<ModelEntry[]> {
  const all = mergeManifests(manifest, await loadUserManifest(userDir).catch(() => ({ version: 1 as const, models: [] })));
  const out: ModelEntry[] = [];
  for (const e of all.models) {
    if (e.family !== 'embedder') continue;
    if (await locateModel(e, DEFAULT_MODELS_DIR, userDir)) out.push(e);
  }
  return out;
}

export function embedderHandlers(ctx: HostContext, d: EmbedderDeps): Handlers {
  const selected = () => ctx.store.settings.get().engine.embedder ?? d.manifest.defaults.embedder;
  let pending: string | null = null;
  const job = () => {
    const p = d.switcher.progress;
    // Another embedder's job (the one before the switch) or a start-up check that found nothing to do is not news.
    return p && p.model === selected() && (p.state === 'running' || p.total > 0) ? p : null;
  };
  const status = async (): Promise<EmbedderStatus> => ({
    running: ctx.engineStatus.embedder(),
    selected: selected(),
    switching: pending !== null && d.switcher.progress?.model !== pending,
    embedders: (await selectableEmbedders(d.manifest, d.userModelsDir)).map((e) => ({
      id: e.id, name: e.name, dims: e.family === 'embedder' ? e.params.dim : null, license: e.license, origin: e.origin ?? null,
      warning: embedderWarning(e), coverage: d.vectors.coverage(e.id),
    })),
    job: job(),
  });
  // The status is pushed on `embedders.progress` at each step of a switch (selected, engine restarted, each
  // template, done), so the Settings panel shows it live. Steps that come while one is being built coalesce.
  let building = false;
  let again = false;
  const publish = (): void => {
    if (building) {
      again = true;
      return;
    }
    building = true;
    void status().then((s) => ctx.bus.publish('embedders.progress', s), () => {}).finally(() => {
      building = false;
      if (again) {
        again = false;
        publish();
      }
    });
  };
  d.switcher.onProgress(publish);
  return {
    'embedders.status': status,
    'embedders.select': async ({ id }, caller) => {
      const choice = (await selectableEmbedders(d.manifest, d.userModelsDir)).find((e) => e.id === id);
      if (!choice) throw new InvalidInputError('unknown embedder', [{ path: 'id', message: `no installed embedder named ${id}` }]);
      if (id !== selected()) {
        const cur = ctx.store.settings.get();
        await ctx.store.write(() => ctx.store.settings.update({ engine: { ...cur.engine, embedder: id } }, caller.user?.username ?? caller.origin));
        pending = id;
        publish();
        void d.switchTo(id).catch(() => {}).finally(() => {
          if (pending === id) pending = null;
          publish();
        });
      } else if (d.switcher.progress?.state !== 'running') {
        // Same embedder again: retry the photos that failed (or were added meanwhile) without restarting the engine.
        void d.switcher.reembed(id).catch(() => {});
      }
      return status();
    },
    // The Settings twin of `vigil models add`: same install code, the refusal (altered, unknown, wrong facts) is
    // answered as data so the panel can show it; the dispatcher audits the call with that outcome.
    'models.add': async ({ path, facts }) => {
      try {
        const v = await addUserModel(path, d.userModelsDir, facts);
        const embedder = (await selectableEmbedders(d.manifest, d.userModelsDir)).some((e) => e.id === v.id);
        if (embedder) publish();
        return { ok: true as const, ...v, embedder };
      } catch (err) {
        const e = toEngineError(err);
        return { ok: false as const, code: e.code, message: e.message };
      }
    },
  };
}
