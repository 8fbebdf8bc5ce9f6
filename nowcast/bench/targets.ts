// The targets of issue 17, checked on whatever bench:skill ran (a model not run: its targets are left out).
import { worstReliabilityGap } from "../src/verification/probabilistic.js";
import type { SkillLead } from "../src/verification/skillSuite.js";
import { rounded } from "./stats.js";

export type TargetCheck = { target: string; value: number | null; met: boolean };

export function checkTargets(scored: Record<string, SkillLead[]>, reliabilityMinCases: number): TargetCheck[] {
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
  return checks;
}
