import { promises as fsp } from "node:fs";
import { datasetDigest, hashDirectory, sha256File, type DatasetFile } from "../digest";
import { CliError } from "./errors";
import { startProgress } from "./progress";

/** The content digest of a file or a directory (dataset), and how it was computed. */
export interface ContentDigest {
  digest: string;
  algorithm: "sha-256" | "oz-merkle-sha-256";
  kind: "file" | "dataset";
  bytes: number;
  files?: DatasetFile[];
}

const SHOW_PROGRESS_ABOVE = 8 * 1024 * 1024;

/**
 * Hashes a file (SHA-256, streamed) or a directory (dataset root over its files), with a progress bar for
 * large inputs. Errors say what is wrong with the path.
 */
export async function hashPath(p: string, quiet: boolean): Promise<ContentDigest> {
  let st;
  try {
    st = await fsp.stat(p);
  } catch {
    throw new CliError(`${p} does not exist`, "give a file or a directory");
  }
  if (st.isFile()) {
    const bar = startProgress(`hashing ${p}`, st.size, "bytes", quiet || st.size < SHOW_PROGRESS_ABOVE);
    try {
      const digest = await sha256File(p, (done) => bar.update(done));
      return { digest, algorithm: "sha-256", kind: "file", bytes: st.size };
    } finally {
      bar.stop();
    }
  }
  if (st.isDirectory()) {
    let bar: ReturnType<typeof startProgress> | undefined;
    try {
      const files = await hashDirectory(p, (done, total) => {
        bar ??= startProgress(`hashing ${p}`, total, "bytes", quiet || total < SHOW_PROGRESS_ABOVE);
        bar.update(done);
      });
      if (files.length === 0) throw new CliError(`${p} contains no files`, "a dataset needs at least one file");
      const { root } = datasetDigest(files);
      return { digest: root, algorithm: "oz-merkle-sha-256", kind: "dataset", bytes: files.reduce((s, f) => s + f.size, 0), files };
    } catch (e) {
      if (e instanceof CliError) throw e;
      throw new CliError(`cannot hash ${p}: ${(e as Error).message}`);
    } finally {
      bar?.stop();
    }
  }
  throw new CliError(`${p} is neither a file nor a directory`);
}
