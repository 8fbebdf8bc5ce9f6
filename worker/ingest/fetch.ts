// Fetching from the radar source: the composites (with a size limit enforced
// while reading) and, where configured, the source's clock.
import { z } from "zod";

export type Fetched =
  | { status: "ok"; bytes: Uint8Array<ArrayBuffer> }
  | { status: "not-found" }
  | { status: "too-large"; sizeBytes: number }
  | { status: "failed"; httpStatus: number | null; message: string };

function describe(error: unknown): string {
  if (error instanceof Error) return error.name === "TimeoutError" || error.name === "AbortError" ? `timed out (${error.message})` : error.message;
  return String(error);
}

/** GETs one composite, refusing bodies over maxBytes whether or not Content-Length says so. */
export async function fetchComposite(url: string, options: { maxBytes: number; timeoutMs: number }): Promise<Fetched> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
  } catch (error) {
    return { status: "failed", httpStatus: null, message: describe(error) };
  }
  if (response.status === 404 || response.status === 410) {
    await response.body?.cancel();
    return { status: "not-found" };
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    return { status: "failed", httpStatus: response.status, message: `HTTP ${response.status}` };
  }
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > options.maxBytes) {
    await response.body.cancel();
    return { status: "too-large", sizeBytes: declared };
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > options.maxBytes) {
        await reader.cancel();
        return { status: "too-large", sizeBytes: size };
      }
      chunks.push(value);
    }
  } catch (error) {
    return { status: "failed", httpStatus: response.status, message: describe(error) };
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { status: "ok", bytes };
}

/** Whether a composite exists (HEAD), for the first run's backwards probe. */
export async function compositeExists(url: string, timeoutMs: number): Promise<boolean> {
  const response = await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(timeoutMs) });
  await response.body?.cancel();
  if (response.ok) return true;
  if (response.status === 404 || response.status === 410) return false;
  throw new Error(`HEAD ${url}: HTTP ${response.status}`);
}

const clockSchema = z.object({ now: z.iso.datetime({ offset: true }) });

/**
 * The clock new frames are judged against: the source's (a URL answering {"now": iso},
 * like the replay server's /__clock) when configured, else the real time.
 */
export async function ingestClock(clockUrl: string | null, fallback: Date, timeoutMs: number): Promise<Date> {
  if (!clockUrl) return fallback;
  const response = await fetch(clockUrl, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`clock ${clockUrl}: HTTP ${response.status}`);
  }
  const parsed = clockSchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success) throw new Error(`clock ${clockUrl}: the answer is not {"now": iso time}`);
  return new Date(parsed.data.now);
}
