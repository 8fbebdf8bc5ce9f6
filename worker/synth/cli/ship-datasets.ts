// Puts the shipped vega-datasets CSVs into the local R2 bucket under the lab's
// source prefix (npm start runs it; idempotent). `npx tsx worker/synth/cli/ship-datasets.ts`.
import { readFileSync } from "node:fs";
import type { Env } from "../../env";
import { die, withLocalEnv } from "../../cli/local-env";
import { SHIPPED_PREFIX, VEGA_FILES } from "../sources";

export async function shipVegaDatasets(env: Env): Promise<number> {
  let put = 0;
  for (const f of VEGA_FILES) {
    const key = SHIPPED_PREFIX + f.name;
    if (await env.FRAMES.head(key)) continue;
    const text = readFileSync(new URL(`../../../node_modules/vega-datasets/data/${f.name}`, import.meta.url), "utf8");
    await env.FRAMES.put(key, text, { httpMetadata: { contentType: "text/csv" } });
    put++;
  }
  return put;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const put = await withLocalEnv(shipVegaDatasets).catch((e: unknown) => die(e instanceof Error ? e.message : String(e)));
  console.log(`synthetic-data lab: ${put} shipped dataset(s) put into local R2 (${VEGA_FILES.length - put} already there)`);
}
