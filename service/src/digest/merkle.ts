import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { keccak256 } from "ethers";

/**
 * A fast builder of OpenZeppelin `StandardMerkleTree`s for the two fixed leaf encodings Shuquan uses. The
 * library's own `of()` ABI-encodes each value generically and `getProof()` re-validates each value, which takes
 * about a minute each for 100,000 leaves; this encodes the two layouts directly and hashes with the same
 * keccak-256, giving the identical tree (same layout, sorted leaves, sorted pairs), checked against
 * `StandardMerkleTree.of` in test/service/digest/merkle.test.ts.
 */

const hexToBuf = (h: string): Buffer => Buffer.from(h.slice(2), "hex");

/** keccak256(keccak256(encoded)) — the OpenZeppelin standard leaf hash of an already ABI-encoded value. */
function standardLeaf(encoded: Uint8Array): Buffer {
  return hexToBuf(keccak256(hexToBuf(keccak256(encoded))));
}

/** abi.encode(bytes32 a, uint256 b) for two 0x + 64 hex words. */
export function encodeBytes32Uint256(a: string, b: string): Buffer {
  return Buffer.concat([hexToBuf(a), hexToBuf(b)]);
}

/** abi.encode(string s, bytes32 d). */
export function encodeStringBytes32(s: string, d: string): Buffer {
  const data = Buffer.from(s, "utf8");
  const padded = Buffer.alloc(Math.ceil(data.length / 32) * 32);
  data.copy(padded);
  const head = Buffer.alloc(32);
  head.writeUInt32BE(0x40, 28);
  const len = Buffer.alloc(32);
  len.writeUInt32BE(data.length, 28);
  return Buffer.concat([head, hexToBuf(d), len, padded]);
}

class PrebuiltStandardTree<T extends unknown[]> extends StandardMerkleTree<T> {
  private readonly treeRef: string[];
  private readonly indexRef: number[];

  private constructor(tree: string[], values: { value: T; treeIndex: number }[], leafEncoding: string[]) {
    super(tree, values, leafEncoding);
    this.treeRef = tree;
    this.indexRef = values.map((v) => v.treeIndex);
  }

  static build<T extends unknown[]>(values: T[], encoded: Buffer[], leafEncoding: string[]): PrebuiltStandardTree<T> {
    const n = values.length;
    if (n === 0) throw new Error("Expected non-zero number of leaves");
    const leaves = encoded.map(standardLeaf);
    const order = leaves.map((_, i) => i).sort((a, b) => Buffer.compare(leaves[a] as Buffer, leaves[b] as Buffer) || a - b);
    const size = 2 * n - 1;
    const nodes: Buffer[] = new Array<Buffer>(size);
    const treeIndex: number[] = new Array<number>(n);
    order.forEach((valueIndex, leafIndex) => {
      const ti = size - 1 - leafIndex;
      nodes[ti] = leaves[valueIndex] as Buffer;
      treeIndex[valueIndex] = ti;
    });
    for (let i = size - 1 - n; i >= 0; i--) {
      const l = nodes[2 * i + 1] as Buffer;
      const r = nodes[2 * i + 2] as Buffer;
      nodes[i] = hexToBuf(keccak256(Buffer.compare(l, r) <= 0 ? Buffer.concat([l, r]) : Buffer.concat([r, l])));
    }
    const tree = nodes.map((b) => "0x" + b.toString("hex"));
    return new PrebuiltStandardTree<T>(tree, values.map((value, i) => ({ value, treeIndex: treeIndex[i] as number })), leafEncoding);
  }

  /** Proof of the value at `leaf` (an index: sibling walk without re-encoding; a value: the library's path). */
  override getProof(leaf: number | T): string[] {
    if (typeof leaf !== "number") return super.getProof(leaf);
    let i = this.indexRef[leaf];
    if (i === undefined) throw new Error("Index out of bounds");
    const proof: string[] = [];
    while (i > 0) {
      proof.push(this.treeRef[i % 2 === 1 ? i + 1 : i - 1] as string);
      i = Math.floor((i - 1) / 2);
    }
    return proof;
  }
}

/** The standard tree over (bytes32, uint256) values (hex strings), identical to `StandardMerkleTree.of`. */
export function standardTreeBytes32Uint256(values: [string, string][]): StandardMerkleTree<[string, string]> {
  return PrebuiltStandardTree.build(values, values.map(([a, b]) => encodeBytes32Uint256(a, b)), ["bytes32", "uint256"]);
}

/** The standard tree over (string, bytes32) values, identical to `StandardMerkleTree.of`. */
export function standardTreeStringBytes32(values: [string, string][]): StandardMerkleTree<[string, string]> {
  return PrebuiltStandardTree.build(values, values.map(([s, d]) => encodeStringBytes32(s, d)), ["string", "bytes32"]);
}

/**
 * The standard tree over values whose every field is a static 32-byte word (bytes32, address, uintN): `words(v)`
 * gives the fields as `0x` hex, each left-padded to 32 bytes by the caller. Identical to `StandardMerkleTree.of`.
 */
export function standardTreeStaticWords<T extends unknown[]>(values: T[], words: (v: T) => string[], leafEncoding: string[]): StandardMerkleTree<T> {
  return PrebuiltStandardTree.build(values, values.map((v) => Buffer.concat(words(v).map(hexToBuf))), leafEncoding);
}

/** The standard leaf hash of a value of static 32-byte words (see {@link standardTreeStaticWords}). */
export function standardLeafStaticWords(words: string[]): string {
  return "0x" + standardLeaf(Buffer.concat(words.map(hexToBuf))).toString("hex");
}

/** The standard leaf hash of (bytes32, uint256). */
export function standardLeafBytes32Uint256(a: string, b: string): string {
  return "0x" + standardLeaf(encodeBytes32Uint256(a, b)).toString("hex");
}
