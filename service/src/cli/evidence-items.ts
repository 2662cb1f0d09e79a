import { createReadStream, promises as fsp } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { hashDirectory, recordDigest, sha256File, type EvidenceItem } from "../digest";
import { CliError } from "./errors";
import { startProgress } from "./progress";

/**
 * The label a path gets in a manifest: never where it lives on this machine. Inside the current folder, its path
 * relative to that folder; elsewhere (an absolute path, `../…`), its own name. Separators are `/`.
 */
export function relativeLabel(p: string, cwd = process.cwd()): string {
  const abs = path.resolve(cwd, p);
  const rel = path.relative(cwd, abs);
  if (rel === "") return ""; // the current folder itself: its files are labelled by their paths inside it
  const inside = rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
  return (inside ? rel : path.basename(abs)).split(path.sep).join("/");
}

/**
 * Collects evidence items: every file under each directory (label: the directory's {@link relativeLabel} + the
 * file's path inside it), each file (label: its {@link relativeLabel}), and each line of each JSONL file (a record;
 * digest of its canonical JSON; label: its `id` field, else `<file name>:<line>`). Labels are relative: a manifest
 * is published, and an absolute path would publish this machine's folders. Blank lines are skipped; a line that is
 * not JSON is an error.
 */
export async function collectEvidenceItems(paths: string[], jsonl: string[], assetId: string | undefined, quiet: boolean): Promise<EvidenceItem[]> {
  const items: EvidenceItem[] = [];
  const withAsset = (digest: string, label: string): EvidenceItem => ({ digest, label, ...(assetId ? { assetId } : {}) });
  for (const p of paths) {
    let st;
    try {
      st = await fsp.stat(p);
    } catch {
      throw new CliError(`${p} does not exist`);
    }
    const prefix = relativeLabel(p);
    if (st.isDirectory()) {
      let bar: ReturnType<typeof startProgress> | undefined;
      try {
        const files = await hashDirectory(p, (done, total) => {
          bar ??= startProgress(`hashing ${p}`, total, "bytes", quiet || total < 8 * 1024 * 1024);
          bar.update(done);
        });
        for (const f of files) items.push(withAsset(f.digest, prefix === "" ? f.path : `${prefix}/${f.path}`));
      } catch (e) {
        throw new CliError(`cannot hash ${p}: ${(e as Error).message}`);
      } finally {
        bar?.stop();
      }
    } else if (st.isFile()) items.push(withAsset(await sha256File(p), prefix));
    else throw new CliError(`${p} is neither a file nor a directory`);
  }
  for (const file of jsonl) {
    const size = (await fsp.stat(file).catch(() => undefined))?.size;
    if (size === undefined) throw new CliError(`${file} does not exist`);
    const bar = startProgress(`reading ${file}`, size, "bytes", quiet || size < 8 * 1024 * 1024);
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let n = 0;
    let bytes = 0;
    try {
      for await (const line of rl) {
        n++;
        bytes += Buffer.byteLength(line) + 1;
        if (n % 1000 === 0) bar.update(Math.min(bytes, size));
        if (line.trim() === "") continue;
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch (e) {
          throw new CliError(`${file} line ${n} is not JSON: ${(e as Error).message}`, "a JSONL file has one JSON record per line");
        }
        const id = (record as { id?: unknown } | null)?.id;
        const label = typeof id === "string" || typeof id === "number" ? String(id) : `${path.basename(file)}:${n}`;
        items.push(withAsset(recordDigest(record), label));
      }
    } finally {
      bar.stop();
    }
  }
  return items;
}
