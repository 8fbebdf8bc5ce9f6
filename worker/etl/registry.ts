// The dataset registry: each loaded dataset's columns, types, row count, source and last run, and the
// D1 table that holds its rows. Datasets belong to the user who made them; another user's is not found.
import { and, desc, eq } from "drizzle-orm";
import { etlDatasets } from "../db/schema";
import type { Db } from "../env";
import type { DatasetColumn } from "./contract";

export type Dataset = typeof etlDatasets.$inferSelect;

/** A dataset's D1 table: its id, prefixed so it can never be one of the product's own tables. */
export const tableNameFor = (datasetId: string) => `ds_${datasetId}`;
export const TABLE_NAME = /^ds_[0-9a-f]{12}$/;

export function newDatasetId(): string {
  const b = crypto.getRandomValues(new Uint8Array(6));
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export async function findOrCreateDataset(db: Db, ownerId: string, name: string, source: string): Promise<Dataset> {
  const existing = await db.select().from(etlDatasets).where(and(eq(etlDatasets.ownerId, ownerId), eq(etlDatasets.name, name))).get();
  if (existing) return existing;
  const id = newDatasetId();
  const row = { id, ownerId, name, tableName: tableNameFor(id), columns: [] as DatasetColumn[], rowCount: 0, source };
  await db.insert(etlDatasets).values(row).onConflictDoNothing();
  return (await db.select().from(etlDatasets).where(and(eq(etlDatasets.ownerId, ownerId), eq(etlDatasets.name, name))).get())!;
}

export async function datasetById(db: Db, id: string): Promise<Dataset | undefined> {
  return db.select().from(etlDatasets).where(eq(etlDatasets.id, id)).get();
}

export async function ownedDataset(db: Db, ownerId: string, id: string): Promise<Dataset | undefined> {
  return db.select().from(etlDatasets).where(and(eq(etlDatasets.id, id), eq(etlDatasets.ownerId, ownerId))).get();
}

export async function listDatasets(db: Db, ownerId: string): Promise<Dataset[]> {
  return db.select().from(etlDatasets).where(eq(etlDatasets.ownerId, ownerId)).orderBy(desc(etlDatasets.createdAt)).all();
}

/** After a load: the columns the table now has, its row count and the run that loaded it. */
export async function recordLoad(db: Db, id: string, update: { columns: DatasetColumn[]; rowCount: number; lastRunId: string; source: string }): Promise<void> {
  await db.update(etlDatasets).set({ ...update, updatedAt: new Date() }).where(eq(etlDatasets.id, id));
}

export async function recordExport(db: Db, id: string, parquetKey: string): Promise<void> {
  await db.update(etlDatasets).set({ parquetKey }).where(eq(etlDatasets.id, id));
}
