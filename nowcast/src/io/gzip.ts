import { RadarFormatError } from "./errors.js";

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips with the Web-standard DecompressionStream (Node 22, Workers, browsers). */
export async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("gzip"));
  try {
    return new Uint8Array(await new Response(stream).arrayBuffer());
  } catch (cause) {
    throw new RadarFormatError("bad-gzip", `gzip data is corrupt or truncated: ${String(cause)}`, { cause });
  }
}
