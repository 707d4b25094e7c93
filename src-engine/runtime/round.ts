// Rounding for reported numbers (timings, scores, sizes): fixed decimals, one copy for the engine and the host
// (the host reaches it through src-engine/public.ts).
export const round1 = (v: number): number => Math.round(v * 10) / 10;
export const round2 = (v: number): number => Math.round(v * 100) / 100;
export const round3 = (v: number): number => Math.round(v * 1000) / 1000;
