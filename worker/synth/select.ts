// Choosing the best synthesizer as SDGym ranks them: a winner must pass the
// privacy floor (so a synthesizer that copies real rows can never win), reach at
// least the Gaussian copula's quality, and sit on the quality/time Pareto front of
// the synthesizers that pass the floor. Among those, the highest quality wins
// (ties: the faster). Every other synthesizer gets the reason it lost.

/** The privacy floor: most synthetic rows must be new, and not closer to training than to unseen rows. */
export const PRIVACY_FLOOR = { newRowSynthesis: 0.9, dcrOverfittingProtection: 0.5 } as const;

export interface Candidate {
  synthesizer: string;
  label: string;
  quality: number;
  /** fit + sample seconds */
  seconds: number;
  newRowSynthesis: number;
  dcrOverfittingProtection: number;
}

export interface Verdict {
  synthesizer: string;
  won: boolean;
  passesPrivacy: boolean;
  onParetoFront: boolean;
  atLeastReference: boolean;
  reason: string;
}

export interface Selection {
  winner: string | null;
  reference: { synthesizer: string; quality: number } | null;
  privacyFloor: typeof PRIVACY_FLOOR;
  verdicts: Verdict[];
}

const f3 = (x: number) => x.toFixed(3);
const fs = (x: number) => `${x < 0.1 ? x.toFixed(3) : x.toFixed(2)} s`;

function privacyFailure(c: Candidate): string | null {
  const failures: string[] = [];
  if (c.newRowSynthesis < PRIVACY_FLOOR.newRowSynthesis) failures.push(`NewRowSynthesis ${f3(c.newRowSynthesis)} < ${PRIVACY_FLOOR.newRowSynthesis}`);
  if (c.dcrOverfittingProtection < PRIVACY_FLOOR.dcrOverfittingProtection) failures.push(`DCROverfittingProtection ${f3(c.dcrOverfittingProtection)} < ${PRIVACY_FLOOR.dcrOverfittingProtection}`);
  return failures.length ? `refused by the privacy floor: ${failures.join(", ")}` : null;
}

/** The candidate that dominates c (quality ≥ and time ≤, one strictly), if any. */
function dominator(c: Candidate, others: Candidate[]): Candidate | null {
  return others.find((o) => o !== c && o.quality >= c.quality && o.seconds <= c.seconds && (o.quality > c.quality || o.seconds < c.seconds)) ?? null;
}

export function selectBest(candidates: Candidate[], referenceId: string): Selection {
  const ref = candidates.find((c) => c.synthesizer === referenceId) ?? null;
  const safe = candidates.filter((c) => privacyFailure(c) === null);
  const front = new Set(safe.filter((c) => dominator(c, safe) === null));
  const eligible = safe.filter((c) => front.has(c) && (ref === null || c.quality >= ref.quality));
  eligible.sort((a, b) => b.quality - a.quality || a.seconds - b.seconds);
  const winner = ref === null ? null : eligible[0] ?? null;
  const verdicts = candidates.map((c): Verdict => {
    const privacy = privacyFailure(c);
    const dom = privacy ? null : dominator(c, safe);
    const atLeastReference = ref !== null && c.quality >= ref.quality;
    let reason: string;
    if (c === winner) {
      reason = `won: quality ${f3(c.quality)} ≥ the Gaussian copula's ${f3(ref!.quality)}, on the quality/time front (${fs(c.seconds)}), passes the privacy floor (NewRowSynthesis ${f3(c.newRowSynthesis)}, DCROverfittingProtection ${f3(c.dcrOverfittingProtection)})` +
        (eligible.length > 1 ? `, and the highest quality of the ${eligible.length} that qualify` : "");
    } else if (privacy) reason = privacy;
    else if (ref === null) reason = "no Gaussian copula result to compare against";
    else if (!atLeastReference) reason = `quality ${f3(c.quality)} < the Gaussian copula's ${f3(ref.quality)}`;
    else if (dom) reason = `off the quality/time front: ${dom.label} has quality ${f3(dom.quality)} in ${fs(dom.seconds)} against ${f3(c.quality)} in ${fs(c.seconds)}`;
    else reason = `qualifies, but ${winner!.label}'s quality ${f3(winner!.quality)} is higher than ${f3(c.quality)}`;
    return { synthesizer: c.synthesizer, won: c === winner, passesPrivacy: privacy === null, onParetoFront: front.has(c), atLeastReference, reason };
  });
  return { winner: winner?.synthesizer ?? null, reference: ref && { synthesizer: ref.synthesizer, quality: ref.quality }, privacyFloor: PRIVACY_FLOOR, verdicts };
}
