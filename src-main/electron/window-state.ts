// Remembers the main window's size, position and maximised state in userData/window-state.json. A saved position
// is only reused when the window would still be visibly on a connected display (monitors get unplugged); the file
// is written atomically so a crash mid-write leaves the previous state.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { WindowBoundsOption } from './window-security.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const StateSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(1).max(100_000),
  height: z.number().int().min(1).max(100_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.infer<typeof StateSchema>;

export const DEFAULT_SIZE = { width: 1440, height: 900 };
const MIN = { width: 960, height: 600 };
/** How much of the window must overlap a display for the saved position to count as visible. */
const VISIBLE_PX = 80;

function overlap(a: Rect, b: Rect): { w: number; h: number } {
  return {
    w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/** Turns a saved state into bounds that fit the displays' work areas now connected (primary first). */
export function fitToDisplays(saved: WindowState | null, workAreas: Rect[]): WindowBoundsOption & { maximized: boolean } {
  const primary = workAreas[0] ?? { x: 0, y: 0, ...DEFAULT_SIZE };
  const width = Math.max(MIN.width, Math.min(saved?.width ?? DEFAULT_SIZE.width, primary.width));
  const height = Math.max(MIN.height, Math.min(saved?.height ?? DEFAULT_SIZE.height, primary.height));
  const maximized = saved?.maximized ?? false;
  if (saved?.x !== undefined && saved.y !== undefined) {
    const rect = { x: saved.x, y: saved.y, width, height };
    const host = workAreas.find((area) => {
      const o = overlap(rect, area);
      return o.w >= VISIBLE_PX && o.h >= VISIBLE_PX;
    });
    // The title bar must be reachable: the top edge has to lie inside that display.
    if (host && rect.y >= host.y && rect.y < host.y + host.height) return { ...rect, maximized };
  }
  // No usable position: centre on the primary display.
  return {
    x: Math.round(primary.x + (primary.width - width) / 2),
    y: Math.round(primary.y + (primary.height - height) / 2),
    width, height, maximized,
  };
}

export function readWindowState(file: string): WindowState | null {
  try {
    const parsed = StateSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

/** The BrowserWindow calls used to follow its state (Electron's BrowserWindow fits). */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/** Saves the state shortly after the window stops moving, and at once when it closes. Returns a flush function. */
export function trackWindowState(win: TrackedWindow, save: (state: WindowState) => void, debounceMs = 500): () => void {
  let timer: NodeJS.Timeout | undefined;
  const snapshot = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    save({ x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height), maximized: win.isMaximized() });
  };
  const later = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(snapshot, debounceMs);
  };
  for (const event of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(event, later);
  win.on('close', snapshot);
  return snapshot;
}
