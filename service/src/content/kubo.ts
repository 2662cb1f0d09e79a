import { create } from "kubo-rpc-client";
import { computeCid, parseCid, profileOptions, verifyCid, type CidProfile } from "./cid";
import { ContentIntegrityError, ContentNotFoundError, type ContentStore } from "./store";

/** Options of the Kubo store. */
export interface KuboContentStoreOptions {
  /** CID profile passed to `add` (default `kubo-cidv1`: --cid-version=1 --raw-leaves --chunker=size-262144). */
  profile?: CidProfile;
  /** Per-request timeout in ms (default 30 s). */
  timeoutMs?: number;
  /** Pin what is added (default true). */
  pin?: boolean;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const p of source) {
    parts.push(p);
    n += p.length;
  }
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/**
 * A content store backed by a Kubo node's RPC API (`IPFS_API_URL`, e.g. http://127.0.0.1:5001) via
 * kubo-rpc-client. `put` adds with explicit settings and checks the node's CID equals the one computed here;
 * `get` cats and verifies the bytes against the CID (a node cannot substitute content).
 */
export function createKuboContentStore(url: string, options: KuboContentStoreOptions = {}): ContentStore {
  const profile = options.profile ?? "kubo-cidv1";
  const timeout = options.timeoutMs ?? 30_000;
  const client = create({ url, timeout });
  const flags = profileOptions(profile).kubo;
  return {
    kind: "kubo",
    async put(bytes) {
      const expected = await computeCid(bytes, profile);
      let got: string;
      try {
        const r = await client.add(bytes, { ...flags, pin: options.pin ?? true });
        got = r.cid.toString();
      } catch (e) {
        throw new Error(`IPFS node at ${url} refused to add content: ${(e as Error).message}; check IPFS_API_URL and that the node is running`);
      }
      if (got !== expected) {
        throw new Error(`IPFS node at ${url} returned CID ${got} but the content's CID is ${expected}: the node's import settings differ`);
      }
      return got;
    },
    async get(cid) {
      parseCid(cid);
      let bytes: Uint8Array;
      try {
        bytes = await collect(client.cat(cid, { timeout }));
      } catch (e) {
        throw new ContentNotFoundError(cid, `IPFS node at ${url}: ${(e as Error).message}`);
      }
      if (!(await verifyCid(cid, bytes))) throw new ContentIntegrityError(cid, `IPFS node at ${url}`);
      return bytes;
    },
    async has(cid) {
      try {
        await client.block.stat(parseCid(cid), { timeout: Math.min(timeout, 5_000), offline: true } as Parameters<typeof client.block.stat>[1]);
        return true;
      } catch {
        return false;
      }
    },
  };
}
