// The tray icon says at a glance whether Vigil is watching: green when cameras are live, red when a camera or the
// engine is failing, grey when nothing runs. It polls the host's health snapshot (the same data as /healthz) and
// only touches the tray when the summary changes.
import type { HostHealth } from './desktop-host.ts';

export type TrayLevel = 'live' | 'idle' | 'error';

export interface TraySummary {
  level: TrayLevel;
  tooltip: string;
  /** Menu lines, one per camera, e.g. "Front door — live, 5.0 fps". */
  cameraLines: string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function summarizeHealth(health: HostHealth): TraySummary {
  const live = health.cameras.filter((c) => c.state === 'live').length;
  const failing = health.cameras.filter((c) => c.state === 'error').length;
  const parts: string[] = [];
  if (!health.engine.ready) parts.push('engine not ready');
  if (live > 0) parts.push(`${plural(live, 'camera')} live`);
  if (failing > 0) parts.push(`${plural(failing, 'camera')} failing`);
  if (parts.length === 0) parts.push(health.cameras.length === 0 ? 'no cameras' : 'no camera running');
  const level: TrayLevel = failing > 0 || !health.engine.ready ? 'error' : live > 0 ? 'live' : 'idle';
  return {
    level,
    tooltip: `Vigil — ${parts.join(', ')}`,
    cameraLines: health.cameras.map((c) => `${c.name} — ${c.state}${c.state === 'live' ? `, ${c.fps.toFixed(1)} fps` : ''}`),
  };
}

/** The Tray calls used (Electron's Tray fits). */
export interface TrayLike {
  setImage(imagePath: string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayMenuItem {
  label: string;
  enabled?: boolean;
  click?: () => void;
  type?: 'separator';
}

export interface TrayControllerDeps {
  tray: TrayLike;
  /** `(items) => Menu.buildFromTemplate(items)` */
  buildMenu(items: TrayMenuItem[]): unknown;
  iconFor(level: TrayLevel): string;
  health(): HostHealth | Promise<HostHealth>;
  showWindow(): void;
  quit(): void;
  /** Engine still warming up right after start is not an error worth a red icon. */
  startupGraceMs?: number;
  now?: () => number;
}

export class TrayController {
  #last = '';
  readonly #started: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: TrayControllerDeps) {
    this.#started = (deps.now ?? Date.now)();
    deps.tray.on('click', () => deps.showWindow());
  }

  /** Recomputes the summary; returns it (whether or not the tray changed). */
  async refresh(): Promise<TraySummary> {
    const { deps } = this;
    let summary: TraySummary;
    try {
      summary = summarizeHealth(await deps.health());
    } catch (err) {
      summary = { level: 'error', tooltip: `Vigil — status unavailable: ${(err as Error).message}`.slice(0, 120), cameraLines: [] };
    }
    const now = (deps.now ?? Date.now)();
    if (summary.level === 'error' && summary.tooltip.includes('engine not ready') && !summary.tooltip.includes('failing') &&
        now - this.#started < (deps.startupGraceMs ?? 60_000)) {
      summary = { ...summary, level: 'idle', tooltip: summary.tooltip.replace('engine not ready', 'engine starting') };
    }
    const key = JSON.stringify(summary);
    if (key !== this.#last) {
      this.#last = key;
      deps.tray.setImage(deps.iconFor(summary.level));
      deps.tray.setToolTip(summary.tooltip);
      deps.tray.setContextMenu(deps.buildMenu([
        { label: summary.tooltip.replace(/^Vigil — /, ''), enabled: false },
        ...summary.cameraLines.slice(0, 12).map((label) => ({ label, enabled: false })),
        { label: '', type: 'separator' as const },
        { label: 'Open Vigil', click: () => deps.showWindow() },
        { label: 'Quit Vigil', click: () => deps.quit() },
      ]));
    }
    return summary;
  }

  start(intervalMs = 3000): void {
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.deps.tray.destroy();
  }
}
