// Per-track recognition by weighted vote (after Frigate): each usable frame votes for its best match when that
// match passes the threshold, otherwise for "unknown"; a vote weighs more for a bigger, better-quality face and a
// clearer match margin. A name is given only when it wins clearly, so one bad frame cannot name or rename anyone.
import type { Candidate, DecisionResult, VoteSummary, VotingOptions } from './types.ts';

const UNKNOWN = '\u0000unknown';

interface Tally {
  count: number;
  weight: number;
  simWeighted: number;
  marginWeighted: number;
}

export interface VoteInput {
  candidates: readonly Candidate[];
  faceSize: number;
  /** 0..1: engine quality score when it has one, else the detector confidence. */
  quality: number;
  threshold: number;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

export class VoteTally {
  readonly #byLabel = new Map<string, Tally>();
  /** Below-threshold ("unknown") votes whose best match was this person: small or blurred views of them. */
  readonly #near = new Map<string, { count: number; weight: number }>();
  #total = 0;
  #count = 0;
  #bestUnknownSim: number | null = null;

  constructor(private readonly o: VotingOptions) {}

  get count(): number {
    return this.#count;
  }

  /** Adds one frame's vote; returns its label (person id, or null for unknown) and weight. */
  add(v: VoteInput): { personId: string | null; weight: number } {
    const top = v.candidates[0];
    const second = v.candidates[1]?.similarity ?? 0;
    const sizeW = clamp(v.faceSize / this.o.sizeRef, 0.1, 1);
    const qualW = clamp(v.quality, 0.05, 1);
    let label = UNKNOWN;
    let marginW = 1;
    let margin = 0;
    if (top && top.similarity >= v.threshold) {
      label = top.personId;
      margin = top.similarity - second;
      marginW = clamp(margin / this.o.marginRef, 0.1, 1);
    } else if (top) {
      // The further below the threshold, the surer "unknown" is.
      marginW = clamp((v.threshold - top.similarity) / this.o.marginRef, 0.1, 1);
      this.#bestUnknownSim = Math.max(this.#bestUnknownSim ?? -1, top.similarity);
    }
    const weight = sizeW * qualW * marginW;
    if (label === UNKNOWN && top) {
      const n = this.#near.get(top.personId) ?? { count: 0, weight: 0 };
      n.count++;
      n.weight += weight;
      this.#near.set(top.personId, n);
    }
    const t = this.#byLabel.get(label) ?? { count: 0, weight: 0, simWeighted: 0, marginWeighted: 0 };
    t.count++;
    t.weight += weight;
    t.simWeighted += weight * (top?.similarity ?? 0);
    t.marginWeighted += weight * margin;
    this.#byLabel.set(label, t);
    this.#total += weight;
    this.#count++;
    return { personId: label === UNKNOWN ? null : label, weight };
  }

  /** Adds another tally's votes (a tentative track folded into the visit it belongs to). */
  absorb(other: VoteTally): void {
    for (const [label, t] of other.#byLabel) {
      const mine = this.#byLabel.get(label) ?? { count: 0, weight: 0, simWeighted: 0, marginWeighted: 0 };
      mine.count += t.count;
      mine.weight += t.weight;
      mine.simWeighted += t.simWeighted;
      mine.marginWeighted += t.marginWeighted;
      this.#byLabel.set(label, mine);
    }
    for (const [id, n] of other.#near) {
      const mine = this.#near.get(id) ?? { count: 0, weight: 0 };
      mine.count += n.count;
      mine.weight += n.weight;
      this.#near.set(id, mine);
    }
    this.#total += other.#total;
    this.#count += other.#count;
    if (other.#bestUnknownSim !== null) this.#bestUnknownSim = Math.max(this.#bestUnknownSim ?? -1, other.#bestUnknownSim);
  }

  summary(): VoteSummary[] {
    return [...this.#byLabel.entries()]
      .map(([label, t]) => ({
        personId: label === UNKNOWN ? null : label,
        count: t.count,
        weight: round(t.weight),
        meanSimilarity: label === UNKNOWN || t.weight === 0 ? null : round(t.simWeighted / t.weight),
        meanMargin: label === UNKNOWN || t.weight === 0 ? null : round(t.marginWeighted / t.weight),
      }))
      .sort((a, b) => b.weight - a.weight);
  }

  /** A name that wins clearly, or null. */
  clearWinner(): DecisionResult | null {
    const first = this.summary().find((v) => v.personId !== null); // the leading name; unknown weight is in the share
    if (!first || first.personId === null || this.#total <= 0) return null;
    // Below-threshold views whose best match is this same person are not evidence against them (a small face
    // scores lower): they leave the share's denominator, as long as the clear votes are a fair part of that
    // person's views (a stranger's stray above-threshold frames among many near ones are not).
    const near = this.#near.get(first.personId) ?? { count: 0, weight: 0 };
    const namedPart = first.count / (first.count + near.count);
    const against = namedPart >= this.o.minNamedPart ? near.weight : 0;
    const share = first.weight / Math.max(first.weight, round(this.#total - against));
    if (first.count < this.o.minVotes || share < this.o.minShare || first.weight < this.o.minWeight) return null;
    return { decision: 'recognized', personId: first.personId, confidence: first.meanSimilarity, margin: first.meanMargin, share: round(share), votes: this.summary(), reason: 'clear_winner' };
  }

  /**
   * "unknown" settled before the sighting ends: enough usable votes, spread over `spanMs`, nearly all below the
   * threshold. A known face seen badly for a moment keeps some named votes, so it stays pending instead.
   */
  clearUnknown(spanMs: number): DecisionResult | null {
    if (this.#count < this.o.unknownMinVotes || spanMs < this.o.unknownMinSpanMs || this.#total <= 0) return null;
    const unknown = this.#byLabel.get(UNKNOWN);
    if (!unknown || unknown.count < this.o.unknownMinVotes) return null;
    const share = unknown.weight / this.#total;
    if (1 - share > this.o.unknownMaxNamedShare) return null;
    return this.#unknown('unknown_majority', share);
  }

  /** The final word when time is up: the clear winner if there is one, else unknown. */
  final(): DecisionResult {
    if (this.#count === 0) return this.#unknown('no_usable_faces', 0);
    return this.clearWinner() ?? this.#unknown('no_clear_winner', (this.#byLabel.get(UNKNOWN)?.weight ?? 0) / this.#total);
  }

  #unknown(reason: DecisionResult['reason'], share: number): DecisionResult {
    return { decision: 'unknown', personId: null, confidence: this.#bestUnknownSim === null ? null : round(this.#bestUnknownSim), margin: null, share: round(share), votes: this.summary(), reason };
  }
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
