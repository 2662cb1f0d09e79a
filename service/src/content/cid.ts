import { importer, type ImporterOptions } from "ipfs-unixfs-importer";
import { CID } from "kubo-rpc-client";
import { createHash } from "node:crypto";

/**
 * How bytes are chunked and encoded into a UnixFS DAG; each equals a Kubo `ipfs add` setting:
 * - `kubo-cidv1` (default): `ipfs add --cid-version=1` — CIDv1, raw leaves, 256 KiB chunks, 174 links per node.
 * - `kubo-cidv0`: plain `ipfs add` on Kubo's default config, = IPIP-499 `unixfs-v0-2015` — CIDv0, dag-pb leaves.
 * - `unixfs-v1-2025`: IPIP-499 profile — CIDv1, raw leaves, 1 MiB chunks, 1024 links per node.
 */
export type CidProfile = "kubo-cidv1" | "kubo-cidv0" | "unixfs-v1-2025";

const RAW_CODEC = 0x55;
const DAG_PB_CODEC = 0x70;
const SHA2_256 = 0x12;

/** The importer options (and Kubo `add` flags) of a profile. */
export function profileOptions(profile: CidProfile): { importer: ImporterOptions; kubo: { cidVersion: 0 | 1; rawLeaves: boolean; chunker: string } } {
  switch (profile) {
    case "kubo-cidv1":
      return { importer: { cidVersion: 1, rawLeaves: true }, kubo: { cidVersion: 1, rawLeaves: true, chunker: "size-262144" } };
    case "kubo-cidv0":
      return { importer: { profile: "unixfs-v0-2015" }, kubo: { cidVersion: 0, rawLeaves: false, chunker: "size-262144" } };
    case "unixfs-v1-2025":
      return { importer: { profile: "unixfs-v1-2025" }, kubo: { cidVersion: 1, rawLeaves: true, chunker: "size-1048576" } };
  }
}

/** A blockstore that keeps nothing: we only need the root CID (blocks are not read back while importing). */
const discard = { put: async (cid: CID): Promise<CID> => cid };

/** The standard IPFS CID (string) of `bytes` imported as one UnixFS file under `profile` — what Kubo's `ipfs add` gives. */
export async function computeCid(bytes: Uint8Array, profile: CidProfile = "kubo-cidv1"): Promise<string> {
  let root: string | undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  for await (const entry of importer([{ content: bytes }], discard as any, profileOptions(profile).importer)) root = entry.cid.toString();
  if (!root) throw new Error("importer produced no CID");
  return root;
}

/** Parses a CID string; throws a clear error if it is not one. */
export function parseCid(cid: string): CID {
  try {
    return CID.parse(cid.trim());
  } catch (e) {
    throw new Error(`"${cid}" is not a CID: ${(e as Error).message}`);
  }
}

/**
 * True when `bytes` is the content addressed by `cid`: a raw sha2-256 CID must hash to it; a dag-pb CID must be
 * what importing `bytes` gives under one of the profiles of its version.
 */
export async function verifyCid(cid: string, bytes: Uint8Array): Promise<boolean> {
  const parsed = parseCid(cid);
  if (parsed.multihash.code !== SHA2_256) return false;
  if (parsed.code === RAW_CODEC) {
    const d = createHash("sha256").update(bytes).digest();
    return Buffer.compare(d, Buffer.from(parsed.multihash.digest)) === 0;
  }
  if (parsed.code !== DAG_PB_CODEC) return false;
  const candidates: CidProfile[] = parsed.version === 0 ? ["kubo-cidv0"] : ["kubo-cidv1", "unixfs-v1-2025"];
  for (const p of candidates) {
    const again = parseCid(await computeCid(bytes, p));
    if (again.equals(parsed.version === 0 ? parsed : parsed.toV1())) return true;
  }
  return false;
}
