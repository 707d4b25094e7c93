// Alert beep through WebAudio (no audio file to ship). Browsers only start audio after a user gesture, so the
// context is created and resumed on the first pointer/key event.
let ctx: AudioContext | null = null;

export function primeAudio(): void {
  if (typeof AudioContext === 'undefined') return;
  ctx ??= new AudioContext();
  if (ctx.state === 'suspended') void ctx.resume().catch(() => {});
}

/** Unknown person: one tone; watch-list person: three higher tones. */
export function playAlertSound(kind: 'unknown_person' | 'watchlist'): void {
  if (!ctx || ctx.state !== 'running') return;
  const tones = kind === 'watchlist' ? [1320, 1320, 1320] : [880];
  const start = ctx.currentTime + 0.01;
  tones.forEach((freq, i) => {
    const osc = ctx!.createOscillator();
    const gain = ctx!.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    const t0 = start + i * 0.22;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.25, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.18);
    osc.connect(gain).connect(ctx!.destination);
    osc.start(t0);
    osc.stop(t0 + 0.2);
  });
}

if (typeof window !== 'undefined') {
  window.addEventListener('pointerdown', primeAudio, { passive: true });
  window.addEventListener('keydown', primeAudio, { passive: true });
}
