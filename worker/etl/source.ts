// Fetch step: the source's bytes streamed into R2 (the raw file is kept), hashed and checked on the
// way, never held whole: a size limit, a refusal of HTML, gzip, zip and other binary bodies, and a
// strict UTF-8 decode so a bad encoding is reported with its byte offset.
import { createHash } from "node:crypto";
import type { EtlSource } from "./contract";
import { EtlInputError, type EtlSettings } from "./settings";

export interface FetchedSource {
  rawKey: string;
  /** sha-256 of the bytes, hex. */
  sourceHash: string;
  etag: string | null;
  bytes: number;
}

/** R2 multipart parts (all but the last must be the same size, at least 5 MiB). */
const PART_BYTES = 8 * 1024 * 1024;

export const rawKeyOf = (jobId: string, runId: string) => `etl/raw/${jobId}/${runId}.csv`;

/** A retryable failure of the source (a 5xx, a timeout): the workflow step tries again with backoff. */
export class SourceUnavailableError extends Error {}

export async function fetchSource(bucket: R2Bucket, source: EtlSource, rawKey: string, settings: EtlSettings): Promise<FetchedSource> {
  if (source.kind === "upload") {
    const object = await bucket.get(source.key);
    if (!object) throw new EtlInputError("upload_missing", "the uploaded file is no longer stored; upload it again");
    // The upload already is the raw file: checked and hashed, not copied.
    const { sourceHash, bytes } = await checkAndStore(object.body, null, settings);
    return { rawKey: source.key, sourceHash, etag: object.httpEtag, bytes };
  }
  let res: Response;
  try {
    res = await fetch(source.url, { signal: AbortSignal.timeout(settings.fetchTimeoutMs), headers: { accept: "text/csv, text/plain;q=0.9, */*;q=0.1" } });
  } catch (error) {
    throw new SourceUnavailableError(`could not reach ${source.url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (res.status >= 500 || res.status === 429) throw new SourceUnavailableError(`the source answered ${res.status}`);
  if (!res.ok) throw new EtlInputError("source_status", `the source answered ${res.status} ${res.statusText}`.trim());
  const type = (res.headers.get("content-type") ?? "").toLowerCase();
  if (/^text\/html|^application\/xhtml/.test(type)) throw new EtlInputError("not_csv", `the source sent ${type.split(";")[0]}, not CSV`);
  if (/gzip|zip|octet-stream|image\/|pdf/.test(type) && !/csv|text\/plain/.test(type)) {
    throw new EtlInputError("not_csv", `the source sent ${type.split(";")[0]}, not CSV (a compressed or binary file is not read)`);
  }
  const declared = Number(res.headers.get("content-length") ?? NaN);
  if (declared > settings.maxSourceBytes) throw tooLarge(settings.maxSourceBytes);
  if (!res.body) throw new EtlInputError("empty", "the file is empty");
  const stored = await checkAndStore(res.body, { bucket, key: rawKey }, settings);
  return { rawKey, etag: res.headers.get("etag"), ...stored };
}

function tooLarge(limit: number): EtlInputError {
  return new EtlInputError("too_large", `the file is larger than the limit of ${Math.round(limit / 1024 / 1024)} MiB`);
}

/** What a body's first bytes say it is, when that is not text. */
export function binaryKind(head: Uint8Array): string | null {
  if (head[0] === 0x1f && head[1] === 0x8b) return "a gzip file";
  if (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return "a zip file";
  if (head[0] === 0x25 && head[1] === 0x50 && head[2] === 0x44 && head[3] === 0x46) return "a PDF";
  if (head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47) return "a PNG image";
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return "UTF-16 text (only UTF-8 is read)";
  const n = Math.min(head.length, 4096);
  for (let i = 0; i < n; i++) if (head[i] === 0) return "binary data (NUL bytes)";
  const text = new TextDecoder("utf-8", { fatal: false, ignoreBOM: false }).decode(head.subarray(0, Math.min(n, 512))).replace(/^\uFEFF/, "").trimStart().toLowerCase();
  if (text.startsWith("<!doctype html") || text.startsWith("<html") || text.startsWith("<?xml")) return "an HTML or XML page";
  return null;
}

/** Where in a chunk UTF-8 decoding first fails: the shortest prefix a strict decoder refuses, less one. */
function firstInvalidUtf8(chunk: Uint8Array): number {
  const fails = (n: number) => {
    try {
      new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(chunk.subarray(0, n), { stream: true });
      return false;
    } catch {
      return true;
    }
  };
  let lo = 1, hi = chunk.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

async function checkAndStore(
  body: ReadableStream<Uint8Array>,
  target: { bucket: R2Bucket; key: string } | null,
  settings: EtlSettings,
): Promise<{ sourceHash: string; bytes: number }> {
  const hash = createHash("sha256");
  const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  let bytes = 0;
  let first = true;
  let upload: R2MultipartUpload | null = null;
  const parts: R2UploadedPart[] = [];
  let part = new Uint8Array(target ? PART_BYTES : 0);
  let filled = 0;
  const flushPart = async () => {
    if (!target) return;
    upload ??= await target.bucket.createMultipartUpload(target.key, { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
    parts.push(await upload.uploadPart(parts.length + 1, part.slice(0, filled)));
    filled = 0;
  };
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      if (first && chunk.length > 0) {
        const kind = binaryKind(chunk);
        if (kind) throw new EtlInputError("not_csv", `the file is ${kind}, not CSV`);
        first = false;
      }
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        throw new EtlInputError("bad_encoding", `the file is not valid UTF-8 (at byte ${bytes + firstInvalidUtf8(chunk)}); save it as UTF-8`);
      }
      bytes += chunk.length;
      if (bytes > settings.maxSourceBytes) throw tooLarge(settings.maxSourceBytes);
      hash.update(chunk);
      if (!target) continue;
      let offset = 0;
      while (offset < chunk.length) {
        const take = Math.min(chunk.length - offset, PART_BYTES - filled);
        part.set(chunk.subarray(offset, offset + take), filled);
        filled += take;
        offset += take;
        if (filled === PART_BYTES) await flushPart();
      }
    }
    try {
      utf8.decode();
    } catch {
      throw new EtlInputError("bad_encoding", "the file ends inside a UTF-8 character");
    }
    if (bytes === 0) throw new EtlInputError("empty", "the file is empty");
    if (target) {
      if (upload) {
        if (filled > 0) await flushPart();
        await (upload as R2MultipartUpload).complete(parts);
      } else {
        await target.bucket.put(target.key, part.slice(0, filled), { httpMetadata: { contentType: "text/csv; charset=utf-8" } });
      }
    }
  } catch (error) {
    await (upload as R2MultipartUpload | null)?.abort().catch(() => undefined);
    throw error;
  }
  part = new Uint8Array(0);
  return { sourceHash: hash.digest("hex"), bytes };
}

export const uploadKeyOf = (ownerId: string, id: string) => `etl/uploads/${ownerId}/${id}.csv`;

/** An upload streamed into R2 with the same checks as a fetched file; the key is the job's source. */
export async function storeUpload(bucket: R2Bucket, body: ReadableStream<Uint8Array>, key: string, settings: EtlSettings): Promise<{ sourceHash: string; bytes: number }> {
  return checkAndStore(body, { bucket, key }, settings);
}
