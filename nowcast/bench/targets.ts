// The targets of issues 17 and 16, checked on whatever bench:skill ran (a model not run: its targets are left out).
import { worstReliabilityGap } from "../src/verification/probabilistic.js";
import type { SkillLead } from "../src/verification/skillSuite.js";
import { rounded } from "./stats.js";

export type TargetCheck = { target: string; value: number | null; met: boolean };

/** What was scored: the pySTEPS references hold for one source's event on its full grid. */
export type ScoredEvent = { source: string; eventStart: Date; stride: number; cropped: boolean };

/**
 * pySTEPS' Lucas-Kanade + semi-Lagrangian extrapolation, CSI at 1 mm/h at 15/30/45/60 min, on the
 * pySTEPS example events, full grid, with the same protocol (issue 16); the stride is the one
 * the reference was measured with.
 */
const PYSTEPS_LK_CSI_1MM: readonly { source: string; day: string; stride: number; csiByMinutes: Record<number, number> }[] = [
  { source: "knmi", day: "2010-08-26", stride: 3, csiByMinutes: { 15: 0.58, 30: 0.443, 45: 0.362, 60: 0.307 } },
  { source: "mch", day: "2016-07-11", stride: 1, csiByMinutes: { 15: 0.692, 30: 0.548, 45: 0.455, 60: 0.385 } },
  { source: "opera", day: "2018-08-24", stride: 1, csiByMinutes: { 15: 0.548, 30: 0.423, 45: 0.343, 60: 0.287 } },
];

export function checkTargets(scored: Record<string, SkillLead[]>, reliabilityMinCases: number, event?: ScoredEvent): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (target: string, value: number, met: (v: number) => boolean) =>
    checks.push({ target, value: rounded(value, 4), met: Number.isFinite(value) && met(value) });
  const at = (leads: SkillLead[] | undefined, minutes: number) => leads?.find((l) => l.leadMinutes === minutes);
  const ensemble = scored.ensemble;
  const flow = scored["optical-flow"];
  if (ensemble?.[0]?.ensemble) {
    for (const lead of ensemble.filter((l) => l.leadMinutes >= 15)) {
      const e = lead.ensemble!;
      check(`spread/skill in [0.85, 1.15] at ${lead.leadMinutes} min`, e.spreadSkillRatio, (v) => v >= 0.85 && v <= 1.15);
      check(`outer rank bins <= 0.15 at ${lead.leadMinutes} min`, e.outerRankShare, (v) => v <= 0.15);
      for (const p of lead.probabilistic!.filter((p) => p.thresholdMmPerHour <= 1)) {
        check(`worst reliability gap <= 0.05 at ${p.thresholdMmPerHour} mm/h, ${lead.leadMinutes} min`, worstReliabilityGap(p.reliability, reliabilityMinCases), (v) => v <= 0.05);
      }
    }
    const bss = (minutes: number, threshold: number) => at(ensemble, minutes)?.probabilistic?.find((p) => p.thresholdMmPerHour === threshold);
    check("BSS >= 0.30 at 1 mm/h, 60 min", bss(60, 1)?.brierSkill ?? NaN, (v) => v >= 0.3);
    check("BSS >= 0.10 at 5 mm/h, 30 min", bss(30, 5)?.brierSkill ?? NaN, (v) => v >= 0.1);
    check("ROC area >= 0.80 at 5 mm/h, 30 min", bss(30, 5)?.roc.area ?? NaN, (v) => v >= 0.8);
    if (flow) {
      const crps = (m: number) => at(ensemble, m)?.ensemble?.crpsMmPerHour ?? NaN;
      const mae = (m: number) => at(flow, m)?.maeMmPerHour ?? NaN;
      check("CRPS / optical-flow MAE <= 1 at 5 min", crps(5) / mae(5), (v) => v <= 1);
      check("CRPS / optical-flow MAE <= 0.7 at 30 min", crps(30) / mae(30), (v) => v <= 0.7);
    }
  }
  const sprog = scored.sprog;
  if (sprog && flow) {
    for (const lead of sprog.filter((l) => l.leadMinutes >= 30)) {
      const csi = (leads: SkillLead[]) => at(leads, lead.leadMinutes)?.categorical.find((c) => c.thresholdMmPerHour === 1)?.csi ?? NaN;
      check(`S-PROG CSI - optical-flow CSI >= 0 at 1 mm/h, ${lead.leadMinutes} min`, csi(sprog) - csi(flow), (v) => v >= 0);
    }
  }
  const reference = event && !event.cropped ? PYSTEPS_LK_CSI_1MM.find((r) => r.source === event.source && r.day === event.eventStart.toISOString().slice(0, 10) && r.stride === event.stride) : undefined;
  if (reference && flow) {
    for (const [minutes, pysteps] of Object.entries(reference.csiByMinutes)) {
      const csi = at(flow, Number(minutes))?.categorical.find((c) => c.thresholdMmPerHour === 1)?.csi ?? NaN;
      check(`optical-flow CSI >= pySTEPS LK ${pysteps} at 1 mm/h, ${minutes} min (${reference.source} ${reference.day})`, csi, (v) => v >= pysteps);
    }
  }
  return checks;
}
