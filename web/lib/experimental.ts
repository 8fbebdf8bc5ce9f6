import type { ExperimentalLabel } from "../../nowcast/src/models/learned";

const stampText = (s: string | null) => (s && /^\d{12}$/.test(s) ? `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)} ${s.slice(8, 10)}:${s.slice(10)}` : s);

/** What a person reads about an experimental model: why it is one, its measured skill, the data it saw. */
export function experimentalText(label: ExperimentalLabel): string {
  const b = label.benchmark;
  const measured = b ? `CSI ${b.csi.toFixed(2)} against ${b.reference}'s ${b.referenceCsi.toFixed(2)} at ${b.thresholdMmPerHour} mm/h and ${b.leadMinutes} min` : "";
  const why =
    label.reason === "no-benchmark"
      ? "It has never been benchmarked against optical flow."
      : label.reason === "does-not-beat-reference"
        ? `Its benchmark does not beat ${b!.reference}: ${measured}.`
        : `Its benchmark (${measured}) was measured on held-out frames of the storm it was trained on, not on weather it never saw.`;
  const t = label.trainedOn;
  const data = t
    ? ` Trained on ${t.count ?? "some"} frames${t.source ? ` of ${t.source.toUpperCase()}` : ""}${t.from ? `, ${stampText(t.from)}` : ""}${t.to ? ` to ${stampText(t.to)} UTC` : ""}.`
    : " Its training data is not stated.";
  return `Experimental model. ${why}${data}`;
}
