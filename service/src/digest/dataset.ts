import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import type { DatasetFile, Hex } from "./hash";
import { standardTreeStringBytes32 } from "./merkle";

/** Leaf encoding of a dataset tree: (relative POSIX path, SHA-256 of the file). */
export const DATASET_LEAF_ENCODING = ["string", "bytes32"] as const;

/** A dataset's content digest and the tree it is the root of. */
export interface DatasetDigest {
  root: Hex;
  tree: StandardMerkleTree<[string, string]>;
}

const HEX32 = /^0x[0-9a-f]{64}$/;

/** Checks a dataset path is relative, POSIX, without `.`/`..`/empty segments; throws otherwise. */
export function assertDatasetPath(p: string): void {
  if (p === "" || p.startsWith("/") || p.includes("\\") || p.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new Error(`invalid dataset path "${p}": must be relative, '/'-separated, without '.', '..' or empty segments`);
  }
}

/**
 * Content digest of a dataset: the root of an OpenZeppelin `StandardMerkleTree` (sorted leaves, the library
 * default) over `["string","bytes32"]` = (relative POSIX path, SHA-256 of the file). Independent of the order of
 * `files`. Throws on no files, duplicate paths, bad paths or digests.
 */
export function datasetDigest(files: readonly Pick<DatasetFile, "path" | "digest">[]): DatasetDigest {
  if (files.length === 0) throw new Error("a dataset needs at least one file");
  const seen = new Set<string>();
  const values: [string, string][] = files.map((f) => {
    assertDatasetPath(f.path);
    const digest = f.digest.toLowerCase();
    if (!HEX32.test(digest)) throw new Error(`invalid digest for ${f.path}: ${f.digest}`);
    if (seen.has(f.path)) throw new Error(`duplicate dataset path ${f.path}`);
    seen.add(f.path);
    return [f.path, digest];
  });
  const tree = standardTreeStringBytes32(values);
  return { root: tree.root.toLowerCase(), tree };
}
