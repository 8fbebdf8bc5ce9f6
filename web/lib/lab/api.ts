// The lab pages' calls to the API (in process, with the visitor's cookies).
import { error, fail } from "@sveltejs/kit";
import { apiFetch } from "$lib/api";
import type { ColumnMeta, Metadata } from "../../../worker/synth/metadata";

export type { ColumnMeta, Metadata };
type Platform = App.Platform | undefined;

export interface LabDataset {
  id: string;
  name: string;
  source: string;
  rows: number;
  columns: number;
  bytes: number;
  metadata: Metadata;
  createdAt: string;
  updatedAt: string;
  header?: string[];
  preview?: string[][];
}

export interface JobSummary {
  quality: number;
  columnShapes: number;
  columnPairTrends: number;
  diagnostic: number;
  dcrBaselineProtection: number;
  dcrOverfittingProtection: number;
  newRowSynthesis: number;
  efficacy: { metric: string; synthetic: number; real: number } | null;
  fitSeconds: number;
  sampleSeconds: number;
  peakMemoryBytes: number | null;
}

export interface LabRun {
  id: string;
  datasetId: string;
  seed: number;
  epsilon: number;
  status: "running" | "done" | "failed";
  winner: string | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  jobs: { synthesizer: string; label: string; status: string; attempts: number; summary: JobSummary | null; error: string | null }[];
}

export interface Synthesizers {
  synthesizers: { id: string; label: string; description: string }[];
  reference: string;
  privacyFloor: { newRowSynthesis: number; dcrOverfittingProtection: number };
}

/** GET that must succeed: an API error becomes the page's error with the API's message. */
export async function labGet<T>(platform: Platform, request: Request, path: string): Promise<T> {
  const res = await apiFetch(platform, request, path);
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
    error(res.status, body?.error?.message ?? `the API answered ${res.status}`);
  }
  return (await res.json()) as T;
}

/** A write from a form action: the API's answer, or a fail() carrying its error message for the form. */
export async function labWrite<T>(platform: Platform, request: Request, path: string, init: RequestInit): Promise<{ ok: true; data: T } | { ok: false; failure: ReturnType<typeof fail<{ error: string }>> }> {
  const res = await apiFetch(platform, request, path, init);
  if (res.ok) return { ok: true, data: (await res.json()) as T };
  const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
  return { ok: false, failure: fail(res.status, { error: body?.error?.message ?? `the API answered ${res.status}` }) };
}
