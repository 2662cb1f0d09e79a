/** Streaming SHA-256 of files in the browser (hash-wasm): constant memory, so a multi-GB file works. */
import { createSHA256 } from "hash-wasm";

/** Bytes read per step. */
const CHUNK = 8 * 1024 * 1024;

/** Called as bytes are hashed: done so far, and the total of the whole job. */
export type Progress = (done: number, total: number) => void;

/** SHA-256 of a file (or any Blob) as 0x + 64 hex; `offset`/`total` place it within a larger job's progress. */
export async function sha256Blob(blob: Blob, onProgress?: Progress, offset = 0, total = blob.size): Promise<string> {
  const h = await createSHA256();
  h.init();
  for (let at = 0; at < blob.size; at += CHUNK) {
    const part = new Uint8Array(await blob.slice(at, at + CHUNK).arrayBuffer());
    h.update(part);
    onProgress?.(offset + at + part.length, total);
  }
  onProgress?.(offset + blob.size, total);
  return `0x${h.digest("hex")}`;
}
