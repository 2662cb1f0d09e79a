import { createHash } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";
import * as path from "node:path";

/** A lower-case `0x`-prefixed hex string. */
export type Hex = string;

/** Called as bytes are hashed: bytes done so far and the total expected. */
export type ProgressFn = (done: number, total: number) => void;

/** One file of a dataset: relative POSIX path, SHA-256 of its bytes, and its size. */
export interface DatasetFile {
  path: string;
  digest: Hex;
  size: number;
}

/** SHA-256 of `data` (a string is hashed as its UTF-8 bytes), as `0x` + 64 lower-case hex. */
export function sha256Hex(data: Uint8Array | string): Hex {
  return "0x" + createHash("sha256").update(data).digest("hex");
}

/**
 * SHA-256 of a file's bytes, streamed (constant memory, any size). `onProgress(done, total)` is called after each
 * chunk; `offset` shifts the reported `done` (used when hashing several files under one progress total).
 */
export async function sha256File(file: string, onProgress?: ProgressFn, offset = 0, grandTotal?: number): Promise<Hex> {
  const total = grandTotal ?? (await fsp.stat(file)).size;
  const hash = createHash("sha256");
  let done = offset;
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    hash.update(buf);
    done += buf.length;
    onProgress?.(done, total);
  }
  return "0x" + hash.digest("hex");
}

/**
 * Lists every regular file under `dir` (recursively) and hashes each, streamed. Paths are relative, POSIX
 * (`/`-separated), NFC-normalised, sorted by code unit. Symbolic links and special files are refused (a dataset's
 * digest must not depend on what a link points to); empty directories contribute nothing.
 */
export async function hashDirectory(dir: string, onProgress?: ProgressFn): Promise<DatasetFile[]> {
  const found: { abs: string; rel: string; size: number }[] = [];
  async function walk(abs: string, rel: string): Promise<void> {
    const entries = await fsp.readdir(abs, { withFileTypes: true });
    for (const e of entries) {
      const childAbs = path.join(abs, e.name);
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(childAbs, childRel);
      else if (e.isFile()) found.push({ abs: childAbs, rel: childRel.normalize("NFC"), size: (await fsp.stat(childAbs)).size });
      else throw new Error(`${childAbs} is not a regular file or directory (symbolic link or special file); remove it or copy the data it points to`);
    }
  }
  const st = await fsp.stat(dir);
  if (!st.isDirectory()) throw new Error(`${dir} is not a directory`);
  await walk(dir, "");
  found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const total = found.reduce((s, f) => s + f.size, 0);
  const out: DatasetFile[] = [];
  let offset = 0;
  for (const f of found) {
    const digest = await sha256File(f.abs, onProgress, offset, total);
    offset += f.size;
    out.push({ path: f.rel, digest, size: f.size });
  }
  onProgress?.(total, total);
  return out;
}
