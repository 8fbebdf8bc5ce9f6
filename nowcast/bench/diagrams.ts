// The diagrams bench:skill writes: per model, reliability and ROC per threshold (curves for
// 15, 30 and 60 min), rank histograms at 5, 15, 30 and 60 min, FSS against scale per threshold.
import { join } from "node:path";
import { fssDiagramSvg, rankHistogramSvg, reliabilityDiagramSvg, rocDiagramSvg } from "../src/verification/diagrams.js";
import type { SkillLead } from "../src/verification/skillSuite.js";

const CURVE_LEADS_MINUTES = [15, 30, 60];
const RANK_LEADS_MINUTES = [5, 15, 30, 60];

export async function writeDiagrams(
  dir: string,
  scored: Record<string, SkillLead[]>,
  write: (path: string, svg: string) => Promise<void>,
): Promise<string[]> {
  const written: string[] = [];
  const save = async (name: string, svg: string) => {
    await write(join(dir, name), svg);
    written.push(name);
  };
  for (const [model, leads] of Object.entries(scored)) {
    const curveLeads = leads.filter((l) => CURVE_LEADS_MINUTES.includes(l.leadMinutes));
    for (const [t, f] of leads[0]!.fss.entries()) {
      await save(
        `${model}-fss-${f.thresholdMmPerHour}mmh.svg`,
        fssDiagramSvg(`${model}: FSS above ${f.thresholdMmPerHour} mm/h`, curveLeads.map((l) => ({ label: `${l.leadMinutes} min`, byScale: l.fss[t]!.byScale }))),
      );
    }
    const thresholds = leads[0]!.probabilistic?.map((p) => p.thresholdMmPerHour) ?? [];
    for (const [t, threshold] of thresholds.entries()) {
      await save(
        `${model}-reliability-${threshold}mmh.svg`,
        reliabilityDiagramSvg(`${model}: reliability above ${threshold} mm/h`, curveLeads.map((l) => ({ label: `${l.leadMinutes} min`, bins: l.probabilistic![t]!.reliability }))),
      );
      await save(
        `${model}-roc-${threshold}mmh.svg`,
        rocDiagramSvg(`${model}: ROC above ${threshold} mm/h`, curveLeads.map((l) => ({ label: `${l.leadMinutes} min`, ...l.probabilistic![t]!.roc }))),
      );
    }
    for (const lead of leads.filter((l) => l.ensemble && RANK_LEADS_MINUTES.includes(l.leadMinutes))) {
      await save(`${model}-rank-histogram-${lead.leadMinutes}min.svg`, rankHistogramSvg(`${model}: rank histogram at ${lead.leadMinutes} min`, lead.ensemble!.rankHistogram));
    }
  }
  return written;
}
