// Hostile CSVs through the real job (a Workflow over the local replay server), each made from a real
// vega-datasets file: refused with a clear reason, or loaded with the bad rows quarantined in the
// rejects table (line, byte offset, column, expected type, raw line, reason). Nothing is loaded from
// a refused file.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import seattleCsv from "../node_modules/vega-datasets/data/seattle-weather.csv?raw";
import unemploymentTsv from "../node_modules/vega-datasets/data/unemployment.tsv?raw";
import { createUser, tokenFor } from "./support/helpers";
import { etlClient, replay, type EtlRunBody } from "./support/etl";

let api: ReturnType<typeof etlClient>;
const runs = new Map<string, EtlRunBody & { datasetId: string }>();

interface Reject { line: number; byteOffset: number; column: string | null; expected: string | null; raw: string; reason: string }

const FILES = [
  ["ragged", "/hostile/ragged.csv", {}], ["unbalanced", "/hostile/unbalanced-quote.csv", {}], ["bom", "/hostile/bom.csv", {}],
  ["semicolon", "/hostile/semicolon.csv", {}], ["tab", "/hostile/tab.tsv", {}], ["unemployment", "/vega/unemployment.tsv", {}],
  ["mixed", "/hostile/mixed-dates.csv", {}], ["big", "/hostile/big.csv", {}], ["gzip", "/hostile/weather.csv.gz", {}],
  ["binary", "/hostile/binary.csv", {}], ["html", "/hostile/page.html", {}], ["html-as-csv", "/hostile/html-as-csv.csv", {}],
  ["latin1", "/hostile/latin1.csv", {}], ["empty", "/hostile/empty.csv", {}], ["header-only", "/hostile/header-only.csv", {}],
  ["missing", "/vega/no-such-file.csv", {}], ["ragged-limit", "/hostile/ragged.csv", { rejectLimit: 1 }],
] as const;

beforeAll(async () => {
  api = etlClient({ authorization: `Bearer ${await tokenFor(await createUser("etl-hostile@example.test", "correct horse battery"))}` });
  await Promise.all(
    FILES.map(async ([name, path, options]) => {
      const job = await api.urlJob(`hostile-${name}`, path, options);
      runs.set(name, { ...(await api.run(job.id)), datasetId: job.datasetId });
    }),
  );
}, 300_000);

const rejectsOf = async (runId: string) => ((await (await api.get(`/api/etl/runs/${runId}/rejects?limit=1000`)).json()) as { total: number; rejects: Reject[] });
const rowCount = async (name: string) => ((await (await api.get(`/api/etl/datasets/${runs.get(name)!.datasetId}`)).json()) as { rowCount: number }).rowCount;

describe("hostile CSVs", () => {
  it("ragged rows are quarantined with their line, offset and raw text; the rest loads", async () => {
    const run = runs.get("ragged")!;
    expect(run.status, run.error ?? "").toBe("succeeded");
    expect([run.rowsRead, run.rowsLoaded, run.rowsRejected]).toEqual([1461, 1459, 2]);
    const { rejects } = await rejectsOf(run.id);
    const text = await (await fetch(replay("/hostile/ragged.csv"))).text();
    const lines = text.split("\n");
    expect(rejects.map((r) => [r.line, r.raw, r.reason])).toEqual([
      [11, lines[10], "the row has 4 fields; the header has 6"],
      [21, lines[20], "the row has 7 fields; the header has 6"],
    ]);
    // The byte offset is where the line starts in the file.
    for (const r of rejects) expect(text.slice(r.byteOffset, r.byteOffset + r.raw.length)).toBe(r.raw);
  });

  it("past the reject limit the run fails, keeping the rejects it saw", async () => {
    const run = runs.get("ragged-limit")!;
    expect(run.status).toBe("failed");
    expect(run.error).toMatch(/too_many_rejects: more than 1 rows were refused.*line 11/);
    expect((await rejectsOf(run.id)).rejects.map((r) => r.line)).toEqual([11]);
    expect(await rowCount("ragged-limit")).toBe(0);
  });

  it("an unbalanced quote is refused at the line it opens", async () => {
    const run = runs.get("unbalanced")!;
    expect(run.status).toBe("failed");
    expect(run.error).toBe("unbalanced_quote: line 31: a quoted field is never closed (an unbalanced quote)");
    expect(run.steps.find((s) => s.name === "sniff")!.state).toBe("failed");
  });

  it("a BOM, CRLF line ends, ; and tab delimiters are detected and read", async () => {
    const bom = runs.get("bom")!;
    expect([bom.status, bom.schema!.bom, bom.schema!.columns[0]!.name, bom.rowsLoaded]).toEqual(["succeeded", true, "location", 2922]);
    for (const [name, delimiter] of [["semicolon", ";"], ["tab", "\t"]] as const) {
      const run = runs.get(name)!;
      expect([run.status, run.schema!.delimiter, run.rowsLoaded, run.rowsRejected]).toEqual(["succeeded", delimiter, 1461, 0]);
      expect(run.schema!.columns.map((c) => c.type)).toEqual(["date", "real", "real", "real", "real", "text"]);
    }
    const unemployment = runs.get("unemployment")!;
    expect([unemployment.status, unemployment.schema!.delimiter, unemployment.rowsLoaded]).toEqual(["succeeded", "\t", unemploymentTsv.trim().split("\n").length - 1]);
    expect(unemployment.schema!.columns.map((c) => `${c.name}:${c.type}`)).toEqual(["id:integer", "rate:real"]);
  });

  it("mixed date formats: the majority's format is kept and the other rows are refused with the reason", async () => {
    const run = runs.get("mixed")!;
    expect(run.status).toBe("succeeded");
    expect(run.schema!.columns[0]).toEqual({ name: "date", type: "date", format: "%Y-%m-%d" });
    const dataRows = seattleCsv.trim().split("\n").length - 1;
    const rewritten = Math.floor(dataRows / 10);
    expect([run.rowsRejected, run.rowsLoaded]).toEqual([rewritten, dataRows - rewritten]);
    const { rejects } = await rejectsOf(run.id);
    expect(rejects[0]).toMatchObject({ line: 11, column: "date", expected: "date %Y-%m-%d", reason: '"10/01/2012" is not a date %Y-%m-%d' });
  });

  it("a 100 MB body without a length is streamed until the size limit and refused; nothing is loaded", async () => {
    const run = runs.get("big")!;
    expect(run.status).toBe("failed");
    expect(run.error).toBe("too_large: the file is larger than the limit of 64 MiB");
    expect(await rowCount("big")).toBe(0);
    // The partial raw upload was aborted, not kept.
    expect((await env.FRAMES.list({ prefix: `etl/raw/` })).objects.some((o) => o.key.endsWith(`${run.id}.csv`))).toBe(false);
  });

  it("gzip, binary, HTML, bad encodings, an empty file and a header only are refused with the reason", async () => {
    // The Latin-1 "ü" of "Zürich" on the first data line is the first byte UTF-8 cannot read.
    const latin1Offset = new Uint8Array(await (await fetch(replay("/hostile/latin1.csv"))).arrayBuffer()).indexOf(0xfc);
    const errors = Object.fromEntries(["gzip", "binary", "html", "html-as-csv", "latin1", "empty", "header-only", "missing"].map((n) => [n, [runs.get(n)!.status, runs.get(n)!.error]]));
    expect(errors).toEqual({
      gzip: ["failed", "not_csv: the file is a gzip file, not CSV"],
      binary: ["failed", "not_csv: the file is a PNG image, not CSV"],
      html: ["failed", "not_csv: the source sent text/html, not CSV"],
      "html-as-csv": ["failed", "not_csv: the file is an HTML or XML page, not CSV"],
      latin1: ["failed", `bad_encoding: the file is not valid UTF-8 (at byte ${latin1Offset}); save it as UTF-8`],
      empty: ["failed", "empty: the file is empty"],
      "header-only": ["failed", "header_only: the file has a header and no data rows"],
      missing: ["failed", "source_status: the source answered 404 Not Found"],
    });
  });
});
