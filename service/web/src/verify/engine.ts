/**
 * What a digest is — a registered asset, an anchored evidence item, or nothing known — decided with the shared
 * digest code (dataset root, evidence leaf, record digest: service/src/digest, the CLI's own functions), the Merkle
 * proof checked here, and the registration and the root read from the chain itself. The API only finds candidates
 * and supplies proofs; where the chain cannot be reached, the verdict says that it rests on the API.
 */
import "../shims/buffer-global";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { recordDigest } from "../../../src/digest/canonical";
import { datasetDigest } from "../../../src/digest/dataset";
import { evidenceLeafHash } from "../../../src/digest/evidence";
import { ApiError, get } from "../api";
import type { Asset, Occurrence } from "../types";
import { connectChain, type ChainAsset, type ChainBatch, type ChainReader } from "./chain";
import type { DatasetEntry } from "./folder";
import { sha256Blob, type Progress } from "./hash";
import { publicChains, rpcUrlOf, type PublicChain } from "./settings";

/** An evidence occurrence with what the browser and the chain made of it. */
export interface CheckedOccurrence {
  occurrence: Occurrence;
  /** evidenceLeafHash(digest, assetId) computed here equals the served leaf. */
  leafMatches: boolean;
  /** The proof folds to the batch root, checked here (OpenZeppelin's StandardMerkleTree.verify). */
  proofValid: boolean;
  /** The root as anchored on chain (null: the chain has no such batch); undefined when the chain was not asked. */
  chainBatch?: ChainBatch | null;
  /** EvidenceAnchor.verify(root, leaf, proof) on chain. */
  chainVerified?: boolean;
}

/** The verdict on one digest. */
export interface Verdict {
  subject: { kind: "file" | "dataset" | "record" | "digest"; name: string; size?: number; files?: { path: string; digest: string; size: number }[] };
  digest: string;
  /** What the service says is registered under this digest. */
  apiAsset: Asset | null;
  /** What the chain says (undefined when it could not be asked). */
  chainAsset?: ChainAsset;
  evidence: CheckedOccurrence[];
  /** The chain read from, or why it could not be. */
  chain: { url: string; chainId: number; head: number } | { url: string; error: string };
  /** registered / anchored / not-found, as decided. */
  outcome: "registered" | "anchored" | "not-found";
  /** True when the chain confirmed the outcome; false when it rests on the API's word. */
  chainConfirmed: boolean;
  /** Disagreements between the service and the chain. */
  conflicts: string[];
}

let chainConfig: Promise<PublicChain | undefined> | undefined;

async function reader(): Promise<{ reader?: ChainReader; url: string; error?: string }> {
  chainConfig ??= publicChains().then((c) => c[0], () => undefined);
  const chain = await chainConfig;
  const url = rpcUrlOf(chain);
  if (!chain) return { url, error: "the service did not describe its chain (/v1/config)" };
  try {
    return { reader: await connectChain(url, chain), url };
  } catch (e) {
    return { url, error: (e as Error).message };
  }
}

async function orNull<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Decides what `digest` is. */
export async function verifyDigest(digest: string, subject: Verdict["subject"]): Promise<Verdict> {
  const d = digest.toLowerCase();
  const [apiAsset, items, chain] = await Promise.all([
    orNull(get<Asset>(`/v1/assets/by-digest/${d}`)),
    orNull(get<{ occurrences: Occurrence[] }>(`/v1/evidence/items/${d}`)),
    reader(),
  ]);
  const conflicts: string[] = [];
  const evidence: CheckedOccurrence[] = [];
  for (const o of items?.occurrences ?? []) {
    const leafMatches = evidenceLeafHash(d, o.assetId) === o.leaf.toLowerCase();
    let proofValid = false;
    try {
      proofValid = StandardMerkleTree.verify(o.batch.root, ["bytes32", "uint256"], [d, o.assetId], o.proof);
    } catch {
      proofValid = false;
    }
    const c: CheckedOccurrence = { occurrence: o, leafMatches, proofValid };
    if (chain.reader) {
      c.chainBatch = await chain.reader.batch(o.batch.exchange, o.batch.root);
      c.chainVerified = await chain.reader.verifyLeaf(o.batch.exchange, o.batch.root, o.leaf, o.proof);
      if (!c.chainBatch) conflicts.push(`the service names batch ${o.batch.root}, but the chain has no such root`);
    }
    evidence.push(c);
  }
  const chainAsset = chain.reader ? await chain.reader.asset(d) : undefined;
  if (chainAsset && apiAsset && !chainAsset.exists) conflicts.push("the service says this digest is registered, the chain says it is not");
  if (chainAsset?.exists && !apiAsset) conflicts.push("the chain has this digest registered, the service's index does not (yet)");
  if (chainAsset?.exists && apiAsset && chainAsset.registrationNumber !== apiAsset.registrationNumber)
    conflicts.push(`registration numbers differ: chain ${chainAsset.registrationNumber}, service ${apiAsset.registrationNumber}`);
  const goodEvidence = evidence.filter((e) => e.leafMatches && e.proofValid && (!chain.reader || (e.chainBatch && e.chainVerified)));
  const registered = chain.reader ? Boolean(chainAsset?.exists) : apiAsset !== null;
  const outcome = registered ? "registered" : goodEvidence.length > 0 ? "anchored" : "not-found";
  return {
    subject,
    digest: d,
    apiAsset,
    chainAsset,
    evidence,
    chain: chain.reader ? { url: chain.url, chainId: chain.reader.chainId, head: chain.reader.head } : { url: chain.url, error: chain.error ?? "unreachable" },
    outcome,
    chainConfirmed: Boolean(chain.reader),
    conflicts,
  };
}

/** Hashes a file (streamed, with progress) and decides what it is. */
export async function verifyFile(file: File, onProgress?: Progress): Promise<Verdict> {
  const digest = await sha256Blob(file, onProgress);
  return verifyDigest(digest, { kind: "file", name: file.name, size: file.size });
}

/** Hashes a folder's files and computes the dataset root exactly as the CLI does, then decides what it is. */
export async function verifyDataset(name: string, entries: DatasetEntry[], onProgress?: Progress): Promise<Verdict> {
  if (entries.length === 0) throw new Error("the folder has no files: a dataset needs at least one");
  const total = entries.reduce((n, e) => n + e.file.size, 0);
  const files: { path: string; digest: string; size: number }[] = [];
  let done = 0;
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    files.push({ path: e.path, digest: await sha256Blob(e.file, onProgress, done, total), size: e.file.size });
    done += e.file.size;
  }
  const { root } = datasetDigest(files);
  return verifyDigest(root, { kind: "dataset", name, size: total, files });
}

/** A pasted evidence record (JSON: digested canonically, RFC 8785) or a digest (64 hex). */
export async function verifyPasted(text: string): Promise<Verdict> {
  const s = text.trim();
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(s)) return verifyDigest(`0x${s.replace(/^0x/, "")}`, { kind: "digest", name: s });
  let record: unknown;
  try {
    record = JSON.parse(s);
  } catch {
    throw new Error("not JSON and not a 64-hex digest");
  }
  return verifyDigest(recordDigest(record), { kind: "record", name: s.length > 60 ? `${s.slice(0, 60)}…` : s });
}
