/**
 * Browser stand-in for the part of `node:crypto` the shared digest code uses: `createHash("sha256")` over bytes in
 * memory (records, manifests). Files are hashed by the page's own streaming hasher, never through this.
 */
import { sha256 } from "ethers";

interface Hash {
  update(data: Uint8Array | string): Hash;
  digest(encoding: "hex"): string;
}

export function createHash(algorithm: string): Hash {
  if (algorithm !== "sha256") throw new Error(`only sha256 is available in the browser, not ${algorithm}`);
  const parts: Uint8Array[] = [];
  const hash: Hash = {
    update(data) {
      parts.push(typeof data === "string" ? new TextEncoder().encode(data) : data);
      return hash;
    },
    digest(encoding) {
      if (encoding !== "hex") throw new Error("only hex digests are available in the browser");
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) (all.set(p, at), (at += p.length));
      return sha256(all).slice(2);
    },
  };
  return hash;
}
