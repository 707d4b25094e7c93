// The site's settings (src-contract SettingsSchema): one settings row per top-level section, defaults here.
import { availableParallelism } from 'node:os';
import { IANAZone } from 'luxon';
import { SettingsSchema, type Settings } from '../../src-contract/schemas.ts';
import { DEFAULTS } from '../core/defaults.ts';
import { InvalidInputError } from './errors.ts';
import { parseInput } from './input-validation.ts';
import type { SettingsRepository } from './repositories/settings.ts';

type Section = keyof Settings;
const SECTIONS = Object.keys(SettingsSchema.shape) as Section[];

export function defaultSettings(): Settings {
  return {
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    // Reports and exports; the host's own locale until the admin picks the site's.
    locale: Intl.DateTimeFormat().resolvedOptions().locale || 'en-GB',
    recognition: {
      target_far: DEFAULTS.site.targetFar.value, min_votes: DEFAULTS.site.minVotes.value, unknown_alerts: DEFAULTS.site.unknownAlerts.value,
      visit_gap_seconds: DEFAULTS.site.visitGapSeconds.value, unknown_cluster_window_days: DEFAULTS.site.unknownClusterWindowDays.value,
    },
    consent_policy: 'flag',
    // Unknown faces are nobody's enrolled data: keep their pictures for a week only.
    retention_days: { events: 90, unknown_snapshots: 7, audit: 365 },
    erasure_events: 'anonymise',
    attendance: { min_punch_gap_minutes: 5, any_camera_quiet_minutes: 60 },
    engine: { threads: Math.max(1, Math.min(4, availableParallelism() - 1)), providers: ['cuda', 'dml', 'coreml', 'cpu'] },
    api: { bind: '127.0.0.1' },
    alerts: { sound: true },
  };
}

export class SiteSettings {
  /**
   * The settings as last read, and the reader's data version then: the pipeline asks for them per frame (a read
   * is 11 queries, 11 schema parses and two Intl look-ups); a commit by the writer (any table) reads them again.
   * Callers get a copy they may change.
   */
  #cached: Settings | null = null;
  #version = -1;

  constructor(private readonly repo: SettingsRepository) {}

  get(): Settings {
    const v = this.repo.dataVersion();
    if (!this.#cached || v !== this.#version) {
      this.#cached = this.#read();
      this.#version = v;
    }
    return structuredClone(this.#cached);
  }

  #read(): Settings {
    const defaults = defaultSettings();
    const out: Record<string, unknown> = {};
    for (const key of SECTIONS) out[key] = this.repo.get(key, SettingsSchema.shape[key], defaults[key]);
    // Fields added to a section later (optional in the contract) read as their default when a stored row lacks them.
    out.recognition = { ...defaults.recognition, ...(out.recognition as Settings['recognition']) };
    return out as Settings;
  }

  /** Replaces the given sections (each validated whole), returns the resulting settings. */
  update(patch: Partial<Settings>, updatedBy: string | null = null): Settings {
    const valid = parseInput(SettingsSchema.partial().strict(), patch, 'settings');
    if (valid.timezone !== undefined && !IANAZone.isValidZone(valid.timezone)) {
      throw new InvalidInputError('invalid settings', [{ path: 'timezone', message: `"${valid.timezone}" is not an IANA time zone` }]);
    }
    const current = this.get();
    const out: Record<string, unknown> = { ...current };
    for (const key of SECTIONS) {
      if (valid[key] !== undefined) out[key] = this.repo.set(key, SettingsSchema.shape[key], valid[key], updatedBy);
    }
    this.#cached = null;
    // Built from what was written, not read back: the write is not committed yet (the reader would see the old rows).
    return out as Settings;
  }
}
