import * as path from "node:path";
import { createKuboContentStore } from "./kubo";
import { createLocalContentStore, type ContentStore } from "./store";
import type { CidProfile } from "./cid";

export * from "./cid";
export * from "./store";
export * from "./kubo";

/**
 * The configured content store: Kubo at `ipfsApiUrl` when given (IPFS_API_URL), else the local store under
 * `<dataDir>/content`.
 */
export function createContentStore(opts: { dataDir: string; ipfsApiUrl?: string; profile?: CidProfile }): ContentStore {
  if (opts.ipfsApiUrl) return createKuboContentStore(opts.ipfsApiUrl, { profile: opts.profile });
  return createLocalContentStore(path.join(opts.dataDir, "content"), { profile: opts.profile });
}
