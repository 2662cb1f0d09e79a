import { promises as fsp } from "node:fs";
import * as path from "node:path";
import { randomBytes } from "node:crypto";
import { computeCid, parseCid, verifyCid, type CidProfile } from "./cid";

/** A content-addressed store of documents (metadata, evidence manifests). */
export interface ContentStore {
  /** "local" (disk, CIDs computed here) or "kubo" (a Kubo node over its RPC API). */
  readonly kind: "local" | "kubo";
  /** Stores `bytes`; returns its CID (the same Kubo's `ipfs add` gives under the store's profile). */
  put(bytes: Uint8Array): Promise<string>;
  /** The bytes of `cid`, verified against it. ContentNotFoundError if absent, ContentIntegrityError if they do not match. */
  get(cid: string): Promise<Uint8Array>;
  /** True when the store holds `cid` (locally; never fetches from the network). */
  has(cid: string): Promise<boolean>;
}

/** The store does not have (or cannot reach) the content. Retrying later may help. */
export class ContentNotFoundError extends Error {
  constructor(readonly cid: string, detail?: string) {
    super(`content ${cid} not found${detail ? `: ${detail}` : ""}`);
    this.name = "ContentNotFoundError";
  }
}

/** The bytes returned for a CID are not that CID's content (tampered or corrupt). Never use them. */
export class ContentIntegrityError extends Error {
  constructor(readonly cid: string, source: string) {
    super(`content from ${source} does not match CID ${cid}: refusing it (tampered or corrupt)`);
    this.name = "ContentIntegrityError";
  }
}

/** Options of the local store. */
export interface LocalContentStoreOptions {
  /** CID profile for `put` (default `kubo-cidv1`). */
  profile?: CidProfile;
}

/**
 * A content store on local disk: each document is one file `<dir>/<cid>`, written atomically (temp + rename),
 * named by the standard IPFS CID computed here with ipfs-unixfs-importer. `get` re-verifies the bytes against the
 * CID, so a file edited on disk is refused.
 */
export function createLocalContentStore(dir: string, options: LocalContentStoreOptions = {}): ContentStore {
  const profile = options.profile ?? "kubo-cidv1";
  const fileOf = (cid: string): string => {
    const text = parseCid(cid).toString();
    return path.join(dir, text);
  };
  return {
    kind: "local",
    async put(bytes) {
      const cid = await computeCid(bytes, profile);
      const file = fileOf(cid);
      await fsp.mkdir(dir, { recursive: true });
      try {
        await fsp.access(file);
        if (await verifyCid(cid, await fsp.readFile(file))) return cid; // already stored and intact
      } catch {
        /* absent: write it */
      }
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      await fsp.writeFile(tmp, bytes);
      await fsp.rename(tmp, file);
      return cid;
    },
    async get(cid) {
      const file = fileOf(cid);
      let bytes: Uint8Array;
      try {
        bytes = await fsp.readFile(file);
      } catch {
        throw new ContentNotFoundError(cid, `no ${file}`);
      }
      if (!(await verifyCid(cid, bytes))) throw new ContentIntegrityError(cid, file);
      return bytes;
    },
    async has(cid) {
      try {
        await fsp.access(fileOf(cid));
        return true;
      } catch {
        return false;
      }
    },
  };
}
