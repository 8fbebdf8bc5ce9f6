// DuckDB (the npm package) behind a local HTTP port, so the Worker tests, which run inside workerd,
// can read the Parquet a job exported with an engine other than the one that wrote it. POST a
// Parquet file; the answer is its schema as DuckDB reads it and its rows in file order
// ({"columns": [{"name", "type"}], "rows": [[...]]}, values as DuckDB's JSON conversion gives them).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";

export async function startParquetReader(): Promise<{ url: string; close(): Promise<void> }> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  const dir = mkdtempSync(join(tmpdir(), "parquet-reader-"));
  let n = 0;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = join(dir, `file-${n++}.parquet`);
    writeFileSync(path, Buffer.concat(chunks));
    try {
      const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${path}')`);
      const columns = described.getRowObjectsJson().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
      const read = await connection.runAndReadAll(`SELECT * FROM read_parquet('${path}')`);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ columns, rows: read.getRowsJson() }));
    } catch (error) {
      res.writeHead(422, { "content-type": "application/json" }).end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    } finally {
      rmSync(path, { force: true });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("parquet reader did not bind");
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      connection.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
