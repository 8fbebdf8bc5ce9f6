// The ETL API's shapes as the data pages read them (worker/routes/etl.ts).
export interface EtlColumn { name: string; column: string; type: string; format?: string | null }
export interface EtlStep { name: string; state: "done" | "running" | "failed" | "skipped" | "pending"; ms: number | null }
export interface EtlReject { line: number; byteOffset: number; column: string | null; expected: string | null; raw: string; reason: string }
export interface EtlRun {
  id: string; jobId: string; trigger: string; status: "queued" | "running" | "succeeded" | "unchanged" | "failed"; step: string | null; steps: EtlStep[];
  sourceHash: string | null; etag: string | null; bytes: number | null; rowsRead: number | null; rowsLoaded: number | null; rowsRejected: number | null;
  schema: { delimiter: string; quote: string; header: boolean; bom: boolean; columns: EtlColumn[]; overridden: string[] } | null;
  message: string | null; error: string | null; startedAt: string; finishedAt: string | null;
}
export interface EtlJob { id: string; name: string; source: { kind: "url"; url: string } | { kind: "upload"; key: string }; schedule: string | null; datasetId: string; createdAt: string; options: Record<string, unknown> }
export interface EtlDataset { id: string; name: string; table: string; columns: EtlColumn[]; rowCount: number; source: string; lastRunId: string | null; parquetKey: string | null; updatedAt: string | null }
export interface QueryResult { columns: string[]; rows: unknown[][]; truncated: boolean; sql?: string }

export const isFinished = (status: EtlRun["status"]) => status === "succeeded" || status === "unchanged" || status === "failed";
