// Draws the app and tray icons (SVG rendered by sharp) into assets/icons/. The PNGs are committed; run this again
// only to change the artwork: `node --import tsx scripts/make-icons.ts`.
//   icon.png           1024×1024 app icon; electron-builder derives .icns (macOS) and .ico (Windows) from it
//   tray-<level>.png   16×16 and tray-<level>@2x.png 32×32 for the status tray (live / idle / error)
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'assets', 'icons');

/** A lens: dark rounded tile, a ring, an iris, and a "V" notch; read as a camera eye at any size. */
function appIconSvg(size: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 1024 1024">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1b2030"/><stop offset="1" stop-color="#0b0d13"/></linearGradient>
    <radialGradient id="iris" cx="0.45" cy="0.4" r="0.7"><stop offset="0" stop-color="#5eead4"/><stop offset="1" stop-color="#0e7490"/></radialGradient>
  </defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#bg)"/>
  <circle cx="512" cy="512" r="300" fill="none" stroke="#2dd4bf" stroke-width="56"/>
  <circle cx="512" cy="512" r="170" fill="url(#iris)"/>
  <path d="M432 440 L512 600 L592 440" fill="none" stroke="#0b0d13" stroke-width="44" stroke-linecap="round" stroke-linejoin="round"/>
  <circle cx="450" cy="440" r="26" fill="#ecfeff" opacity="0.85"/>
</svg>`;
}

const TRAY_COLORS = { live: '#22c55e', idle: '#9ca3af', error: '#ef4444' } as const;

/** Tray glyph: ring + dot in the status colour, with a dark outline so it reads on light and dark panels. */
function traySvg(color: string, size: number): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 32 32">
  <circle cx="16" cy="16" r="12" fill="none" stroke="#111827" stroke-width="7"/>
  <circle cx="16" cy="16" r="12" fill="none" stroke="${color}" stroke-width="4.5"/>
  <circle cx="16" cy="16" r="5.5" fill="${color}" stroke="#111827" stroke-width="1.5"/>
</svg>`;
}

async function render(svg: string, file: string): Promise<void> {
  await sharp(Buffer.from(svg)).png({ compressionLevel: 9 }).toFile(path.join(OUT, file));
}

mkdirSync(OUT, { recursive: true });
await render(appIconSvg(1024), 'icon.png');
await render(appIconSvg(256), 'icon-256.png');
for (const [level, color] of Object.entries(TRAY_COLORS)) {
  await render(traySvg(color, 16), `tray-${level}.png`);
  await render(traySvg(color, 32), `tray-${level}@2x.png`);
}
console.log(`icons written to ${OUT}`);
