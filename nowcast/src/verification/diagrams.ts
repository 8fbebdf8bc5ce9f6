// Verification diagrams as standalone SVG documents. Hand-written rather than a chart library:
// the benchmark runs headless in Node with no DOM or canvas, and these are four fixed chart
// kinds (lines over [0, 1] axes and bars); a string is all they need.
import type { ReliabilityBin } from "./probabilistic.js";

const W = 480;
const H = 400;
const M = { left: 56, right: 16, top: 36, bottom: 48 };
const COLOURS = ["#1b6ca8", "#d1495b", "#2a9d8f", "#e9a03b", "#6a4c93", "#444"];

type Series = { label: string; points: [number, number][] };

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function chart(
  title: string,
  axes: { x: string; y: string; xMin: number; xMax: number; yMin: number; yMax: number; logX?: boolean },
  series: Series[],
  extra = "",
): string {
  const fx = (x: number) => {
    const t = axes.logX ? (Math.log(x) - Math.log(axes.xMin)) / (Math.log(axes.xMax) - Math.log(axes.xMin)) : (x - axes.xMin) / (axes.xMax - axes.xMin);
    return M.left + t * (W - M.left - M.right);
  };
  const fy = (y: number) => H - M.bottom - ((y - axes.yMin) / (axes.yMax - axes.yMin)) * (H - M.top - M.bottom);
  const ticks = (min: number, max: number, log?: boolean) =>
    log ? Array.from({ length: Math.floor(Math.log2(max / min)) + 1 }, (_, k) => min * 2 ** k) : Array.from({ length: 6 }, (_, k) => min + ((max - min) * k) / 5);
  const xTicks = ticks(axes.xMin, axes.xMax, axes.logX)
    .map((x) => `<line x1="${fx(x)}" y1="${H - M.bottom}" x2="${fx(x)}" y2="${H - M.bottom + 4}" stroke="#333"/><text x="${fx(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${+x.toFixed(2)}</text>`)
    .join("");
  const yTicks = ticks(axes.yMin, axes.yMax)
    .map((y) => `<line x1="${M.left - 4}" y1="${fy(y)}" x2="${M.left}" y2="${fy(y)}" stroke="#333"/><text x="${M.left - 8}" y="${fy(y) + 4}" text-anchor="end">${+y.toFixed(2)}</text>`)
    .join("");
  const lines = series
    .map((s, k) => {
      const finite = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
      const colour = COLOURS[k % COLOURS.length];
      const path = finite.map(([x, y], i) => `${i ? "L" : "M"}${fx(x).toFixed(1)},${fy(y).toFixed(1)}`).join("");
      const dots = finite.map(([x, y]) => `<circle cx="${fx(x).toFixed(1)}" cy="${fy(y).toFixed(1)}" r="2.5" fill="${colour}"/>`).join("");
      const legend = `<text x="${M.left + 8}" y="${M.top + 14 + 14 * k}" fill="${colour}">${escape(s.label)}</text>`;
      return `<path d="${path}" fill="none" stroke="${colour}" stroke-width="1.6"/>${dots}${legend}`;
    })
    .join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="13">${escape(title)}</text>
<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#333"/>
${xTicks}${yTicks}${extra ? extra.replace(/FX\(([-\d.]+)\)/g, (_, v) => String(fx(+v))).replace(/FY\(([-\d.]+)\)/g, (_, v) => String(fy(+v))) : ""}${lines}
<text x="${W / 2}" y="${H - 10}" text-anchor="middle">${escape(axes.x)}</text>
<text x="14" y="${H / 2}" text-anchor="middle" transform="rotate(-90 14 ${H / 2})">${escape(axes.y)}</text>
</svg>
`;
}

const DIAGONAL = `<line x1="FX(0)" y1="FY(0)" x2="FX(1)" y2="FY(1)" stroke="#999" stroke-dasharray="4 3"/>`;

/** Observed frequency against mean forecast probability, one curve per lead; bins with fewer than minCount cases left out. */
export function reliabilityDiagramSvg(title: string, curves: { label: string; bins: readonly ReliabilityBin[] }[], minCount = 1): string {
  return chart(
    title,
    { x: "forecast probability", y: "observed frequency", xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
    curves.map((c) => ({ label: c.label, points: c.bins.filter((b) => b.count >= minCount).map((b) => [b.meanForecast, b.observedFrequency]) })),
    DIAGONAL,
  );
}

export function rocDiagramSvg(title: string, curves: { label: string; pod: readonly number[]; pofd: readonly number[]; area: number }[]): string {
  return chart(
    title,
    { x: "probability of false detection", y: "probability of detection", xMin: 0, xMax: 1, yMin: 0, yMax: 1 },
    curves.map((c) => ({ label: `${c.label} (area ${c.area.toFixed(3)})`, points: [...c.pofd.map((x, j) => [x, c.pod[j]!] as [number, number]), [0, 0]] })),
    DIAGONAL,
  );
}

/** Relative frequency of each rank; the flat line a calibrated ensemble follows is dashed. */
export function rankHistogramSvg(title: string, frequencies: readonly number[]): string {
  const n = frequencies.length;
  const top = Math.max(0.05, ...frequencies.filter(Number.isFinite)) * 1.1;
  const barWidth = 1 / n;
  const bars = frequencies
    .map((f, r) => (Number.isFinite(f) ? `<rect x="FX(${r * barWidth + barWidth * 0.1})" y="FY(${f})" width="${((W - M.left - M.right) * barWidth * 0.8).toFixed(1)}" height="${(((H - M.top - M.bottom) * f) / top).toFixed(1)}" fill="#1b6ca8"/>` : ""))
    .join("");
  const flat = `<line x1="FX(0)" y1="FY(${1 / n})" x2="FX(1)" y2="FY(${1 / n})" stroke="#d1495b" stroke-dasharray="4 3"/>`;
  return chart(title, { x: `rank of the observation (1 to ${n}, scaled)`, y: "relative frequency", xMin: 0, xMax: 1, yMin: 0, yMax: top }, [], bars + flat);
}

export function fssDiagramSvg(title: string, curves: { label: string; byScale: readonly { scalePx: number; fss: number }[] }[]): string {
  const scales = curves.flatMap((c) => c.byScale.map((s) => s.scalePx));
  return chart(
    title,
    { x: "window, pixels (km)", y: "FSS", xMin: Math.min(...scales), xMax: Math.max(...scales), yMin: 0, yMax: 1, logX: true },
    curves.map((c) => ({ label: c.label, points: c.byScale.map((s) => [s.scalePx, s.fss]) })),
  );
}
