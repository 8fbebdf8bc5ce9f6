// A run's report: the selection with every synthesizer's verdict, and each one's
// headline scores and times. Written to R2 when the run's last job finishes.
import type { synthJobs, synthRuns } from "../db/schema";
import { PRIVACY_FLOOR, selectBest } from "./select";
import { REFERENCE_SYNTHESIZER, synthesizer } from "./synthesizers";
import { HOLDOUT_SHARE } from "./pipeline";
import { NEW_ROW_TOLERANCE } from "./metrics/privacy";

type Run = typeof synthRuns.$inferSelect;
type Job = typeof synthJobs.$inferSelect;

export function buildReport(run: Run, jobs: Job[]) {
  const done = jobs.filter((j) => j.status === "done" && j.summary);
  const selection = selectBest(
    done.map((j) => ({
      synthesizer: j.synthesizer,
      label: synthesizer(j.synthesizer).label,
      quality: j.summary!.quality,
      seconds: j.summary!.fitSeconds + j.summary!.sampleSeconds,
      newRowSynthesis: j.summary!.newRowSynthesis,
      dcrOverfittingProtection: j.summary!.dcrOverfittingProtection,
    })),
    REFERENCE_SYNTHESIZER,
  );
  for (const j of jobs.filter((x) => x.status === "failed")) {
    selection.verdicts.push({ synthesizer: j.synthesizer, won: false, passesPrivacy: false, onParetoFront: false, atLeastReference: false, reason: `failed: ${j.error ?? "unknown error"}` });
  }
  return {
    runId: run.id,
    datasetId: run.datasetId,
    seed: run.seed,
    epsilon: run.epsilon,
    method: {
      holdoutShare: HOLDOUT_SHARE,
      pairConvention: "all-pairs (every pair of modelled columns; no threshold on the real association)",
      quality: "mean of Column Shapes (KSComplement / TVComplement) and Column Pair Trends (CorrelationSimilarity / ContingencySimilarity, 10 equal-width bins for mixed pairs), scored against the training rows",
      privacy: `DCR against the training rows; NewRowSynthesis tolerance ${NEW_ROW_TOLERANCE} of a number's range; DCROverfittingProtection against the holdout`,
      selection: `privacy floor ${JSON.stringify(PRIVACY_FLOOR)}; quality at least the Gaussian copula's; on the quality/(fit+sample time) Pareto front of those passing the floor; then the highest quality`,
    },
    selection,
    synthesizers: jobs.map((j) => ({ synthesizer: j.synthesizer, label: synthesizer(j.synthesizer).label, status: j.status, summary: j.summary, error: j.error })),
  };
}
