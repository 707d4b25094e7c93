// Live wall keys: 1/4/9 and 6 (for 16) grid size, arrows previous/next camera, A acknowledge, F full screen,
// Escape back to the wall. Ignored while typing in a form field.
import { useEffect } from 'react';
import type { GridSize } from './store.ts';

export interface LiveShortcutHandlers {
  grid(size: GridSize): void;
  step(delta: number): void;
  acknowledge(): void;
  fullscreen(): void;
  open?(): void;
  back?(): void;
}

const GRID_KEYS: Record<string, GridSize> = { '1': 1, '4': 4, '9': 9, '6': 16, '0': 16 };

export function useLiveShortcuts(handlers: LiveShortcutHandlers): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      if (document.querySelector('dialog[open]')) return;
      const grid = GRID_KEYS[e.key];
      if (grid) handlers.grid(grid);
      else if (e.key === 'ArrowRight' || e.key === 'ArrowDown') handlers.step(1);
      else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') handlers.step(-1);
      else if (e.key === 'a' || e.key === 'A') handlers.acknowledge();
      else if (e.key === 'f' || e.key === 'F') handlers.fullscreen();
      else if (e.key === 'Enter' && handlers.open && target === document.body) handlers.open();
      else if (e.key === 'Escape' && handlers.back && !document.fullscreenElement) handlers.back();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [handlers]);
}

export function toggleFullscreen(el: HTMLElement | null): void {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else if (el) void el.requestFullscreen().catch(() => {});
}
