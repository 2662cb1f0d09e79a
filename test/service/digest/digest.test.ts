import { expect } from "chai";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { AbiCoder, keccak256 } from "ethers";
import {
  ASSET_KIND, RIGHT, VENUE, enumName, enumValue, sha256Hex, sha256File, hashDirectory, datasetDigest, canonicalJson,
  recordDigest, buildEvidenceTree, evidenceLeafHash, buildManifest, parseManifest, rebuildManifestRoot, licenceIdOf,
  tradeIdOf, parseTradeId, assetIdFromDigest, digestFromAssetId, formatAssetId, formatRegistrationNumber,
  parseRegistrationNumber, iso7064Mod3736, exchangeCodeBytes4, exchangeCodeText,
} from "../../../service/src/digest";

describe("digest: encodings", () => {
  describe("sha256", () => {
    it("matches the FIPS 180-2 vectors", () => {
      expect(sha256Hex("")).to.equal("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      expect(sha256Hex("abc")).to.equal("0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
      expect(sha256Hex(new TextEncoder().encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))).to.equal(
        "0x248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      );
    });
    it("streams a multi-megabyte file to the same digest and reports progress", async () => {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-digest-"));
      const data = new Uint8Array(3 * 1024 * 1024 + 17).map((_, i) => (i * 31) & 0xff);
      const file = path.join(dir, "big.bin");
      await fsp.writeFile(file, data);
      const seen: number[] = [];
      const d = await sha256File(file, (done, total) => { expect(total).to.equal(data.length); seen.push(done); });
      expect(d).to.equal(sha256Hex(data));
      expect(seen.at(-1)).to.equal(data.length);
      expect(seen.length).to.be.greaterThan(1);
      await fsp.rm(dir, { recursive: true });
    });
  });

  describe("canonical JSON (RFC 8785)", () => {
    it("reproduces the RFC 8785 §3.2.2 example", () => {
      const input = JSON.parse(
        '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
          '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
      );
      expect(canonicalJson(input)).to.equal(
        '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
      );
    });
    it("sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example)", () => {
      const input = { "\u20ac": 1, "\r": 2, "\ufb33": 3, "1": 4, "\ud83d\ude00": 5, "\u0080": 6, "\u00f6": 7 };
      const keys = Object.keys(JSON.parse(canonicalJson(input)) as object);
      // JSON.parse re-orders the integer-like key "1" first, so compare the serialised order instead
      expect(canonicalJson(input)).to.equal('{"\\r":2,"1":4,"\u0080":6,"ö":7,"€":1,"😀":5,"דּ":3}');
      expect(keys).to.have.length(7);
    });
    it("gives one digest for equal records whatever the key order", () => {
      expect(recordDigest({ a: 1, b: [true, null] })).to.equal(recordDigest({ b: [true, null], a: 1 }));
      expect(recordDigest({ a: 1 })).to.equal(sha256Hex('{"a":1}'));
    });
    it("refuses values JSON cannot carry", () => {
      expect(() => canonicalJson(undefined)).to.throw(/cannot canonicalise/);
      expect(() => canonicalJson({ a: Infinity })).to.throw(/cannot canonicalise/);
    });
  });

  describe("dataset digest", () => {
    const files = [
      { path: "a.csv", digest: sha256Hex("a\n") },
      { path: "sub/b.csv", digest: sha256Hex("b\n") },
      { path: "sub/c.json", digest: sha256Hex("{}") },
    ];
    it("is the OpenZeppelin standard tree root over (path, sha256) and independent of file order", () => {
      const r1 = datasetDigest(files).root;
      const r2 = datasetDigest([files[2]!, files[0]!, files[1]!]).root;
      expect(r1).to.equal(r2);
      expect(r1).to.equal(StandardMerkleTree.of(files.map((f) => [f.path, f.digest]), ["string", "bytes32"]).root);
      // regression vector, also in docs/digests.md
      expect(r1).to.equal(DATASET_VECTOR);
    });
    it("changes when a path or a byte changes", () => {
      const r = datasetDigest(files).root;
      expect(datasetDigest([{ ...files[0]!, path: "A.csv" }, files[1]!, files[2]!]).root).to.not.equal(r);
      expect(datasetDigest([{ ...files[0]!, digest: sha256Hex("a") }, files[1]!, files[2]!]).root).to.not.equal(r);
    });
    it("refuses bad paths, duplicates and empty datasets", () => {
      expect(() => datasetDigest([])).to.throw(/at least one file/);
      expect(() => datasetDigest([{ path: "../x", digest: sha256Hex("") }])).to.throw(/invalid dataset path/);
      expect(() => datasetDigest([{ path: "/x", digest: sha256Hex("") }])).to.throw(/invalid dataset path/);
      expect(() => datasetDigest([files[0]!, files[0]!])).to.throw(/duplicate/);
    });
    it("hashes a directory tree into relative POSIX paths, sorted", async () => {
      const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-ds-"));
      await fsp.mkdir(path.join(dir, "sub"));
      await fsp.writeFile(path.join(dir, "sub", "c.json"), "{}");
      await fsp.writeFile(path.join(dir, "a.csv"), "a\n");
      await fsp.writeFile(path.join(dir, "sub", "b.csv"), "b\n");
      const listed = await hashDirectory(dir);
      expect(listed.map((f) => f.path)).to.deep.equal(["a.csv", "sub/b.csv", "sub/c.json"]);
      expect(datasetDigest(listed).root).to.equal(DATASET_VECTOR);
      await fsp.symlink(path.join(dir, "a.csv"), path.join(dir, "link"));
      let err: Error | undefined;
      await hashDirectory(dir).catch((e: Error) => (err = e));
      expect(err?.message).to.match(/symbolic link/);
      await fsp.rm(dir, { recursive: true });
    });
  });

  describe("evidence", () => {
    const items = [
      { digest: sha256Hex("receipt 1"), label: "r1" },
      { digest: sha256Hex("receipt 2"), assetId: 5n },
      { digest: recordDigest({ id: 3, op: "processed" }), assetId: "0x" + "ab".repeat(32) },
    ];
    it("leaf hash is keccak256(keccak256(abi.encode(bytes32,uint256)))", () => {
      const inner = keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32", "uint256"], [items[1]!.digest, 5n]));
      expect(evidenceLeafHash(items[1]!.digest, 5n)).to.equal(keccak256(inner));
      const tree = buildEvidenceTree(items);
      expect(tree.leafHash([items[1]!.digest, formatAssetId(5n)])).to.equal(evidenceLeafHash(items[1]!.digest, 5n));
      for (let i = 0; i < items.length; i++) {
        const [d, a] = tree.at(i)!;
        expect(StandardMerkleTree.verify(tree.root, ["bytes32", "uint256"], [d, a], tree.getProof(i))).to.equal(true);
      }
    });
    it("builds a canonical manifest that parses back and rebuilds its root", () => {
      const built = buildManifest(items);
      const text = new TextDecoder().decode(built.bytes);
      expect(text).to.equal(canonicalJson(JSON.parse(text)));
      const parsed = parseManifest(built.bytes);
      expect(parsed).to.deep.equal(built.manifest);
      expect(rebuildManifestRoot(parsed)).to.equal(built.manifest.root);
      expect(parsed.items[0]!.assetId).to.equal(formatAssetId(0n));
      expect(parsed.items[0]!.label).to.equal("r1");
      expect(parsed.items[1]).to.not.have.property("label");
      // order of items does not change the root (sorted leaves)
      expect(buildManifest([items[2]!, items[0]!, items[1]!]).manifest.root).to.equal(built.manifest.root);
    });
    it("rejects malformed manifests with the offending field", () => {
      const m = buildManifest(items).manifest;
      expect(() => parseManifest("not json")).to.throw(/not UTF-8 JSON/);
      expect(() => parseManifest(JSON.stringify({ ...m, leafCount: 2 }))).to.throw(/leafCount/);
      expect(() => parseManifest(JSON.stringify({ ...m, version: 2 }))).to.throw(/version/);
      expect(() => parseManifest(JSON.stringify({ ...m, items: [{ ...m.items[0], digest: "0x12" }, m.items[1], m.items[2]] }))).to.throw(/items\.0\.digest/);
      expect(() => parseManifest(JSON.stringify({ ...m, extra: 1 }))).to.throw(/invalid evidence manifest/);
      const tampered = { ...m, items: [{ ...m.items[0]!, digest: sha256Hex("other") }, m.items[1]!, m.items[2]!] };
      expect(rebuildManifestRoot(parseManifest(JSON.stringify(tampered)))).to.not.equal(m.root);
    });
    it("refuses duplicates and empty batches", () => {
      expect(() => buildManifest([])).to.throw(/at least one item/);
      expect(() => buildManifest([items[0]!, { digest: items[0]!.digest }])).to.throw(/duplicate/);
    });
  });

  describe("ids", () => {
    it("asset id <-> digest", () => {
      const d = sha256Hex("x");
      expect(assetIdFromDigest(d)).to.equal(BigInt(d));
      expect(digestFromAssetId(assetIdFromDigest(d))).to.equal(d);
      expect(formatAssetId(1n)).to.equal("0x" + "0".repeat(63) + "1");
      expect(() => assetIdFromDigest("0x12")).to.throw(/invalid content digest/);
    });
    it("licence id is keccak256(abi.encode(uint256,address,uint8))", () => {
      const grantee = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
      const expected = keccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "address", "uint8"], [7n, grantee, 1]));
      expect(licenceIdOf(7n, grantee, "processing")).to.equal(expected);
      expect(licenceIdOf("0x07", grantee.toLowerCase(), 1)).to.equal(expected);
    });
    it("trade id packs exchange and serial, and unpacks", () => {
      const ex = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
      const id = tradeIdOf(ex, 42);
      expect(id).to.equal((BigInt(ex) << 96n) | 42n);
      expect(parseTradeId(id)).to.deep.equal({ exchange: ex, serial: 42n });
      expect(() => tradeIdOf(ex, 1n << 96n)).to.throw(/96 bits/);
    });
  });

  describe("enums", () => {
    it("map lower-case names to uint8 values and back", () => {
      expect(enumValue(ASSET_KIND, "model", "kind")).to.equal(3);
      expect(enumValue(RIGHT, "product_use", "right")).to.equal(3);
      expect(enumName(VENUE, 1n, "venue")).to.equal("off-exchange");
      expect(() => enumValue(ASSET_KIND, "dataset", "kind")).to.throw(/expected one of resource, product, compute, model/);
      expect(() => enumName(ASSET_KIND, 4, "kind")).to.throw(/0\.\.3/);
    });
  });

  describe("registration numbers", () => {
    it("ISO 7064 MOD 37,36 matches the published GRid example A1-2425G-ABC1234002-M", () => {
      expect(iso7064Mod3736("A12425GABC1234002")).to.equal("M");
    });
    it("formats CODE-YYYY-KS-NNNNNNNN-C from the UTC year", () => {
      // 2026-01-01T00:00:00Z = 1767225600; one second earlier is still 2025 in UTC
      const parts = { exchangeCode: "SHDE", registeredAt: 1767225600, kind: "resource", source: "enterprise", sequence: 12 } as const;
      expect(formatRegistrationNumber(parts)).to.equal("SHDE-2026-RE-00000012-M");
      expect(formatRegistrationNumber({ ...parts, registeredAt: 1767225599 }).startsWith("SHDE-2025-RE-")).to.equal(true);
      expect(formatRegistrationNumber({ ...parts, exchangeCode: "0x53484445", kind: 1, source: 0, sequence: 1 })).to.match(
        /^SHDE-2026-PG-00000001-[0-9A-Z]$/,
      );
    });
    it("agrees with every worked example of docs/registration-number.md (the Solidity twin's)", () => {
      const at2026 = 1767225600;
      const cases: [string, number, string, string, number, string][] = [
        ["SHDE", at2026, "resource", "enterprise", 1, "SHDE-2026-RE-00000001-S"],
        ["SHDE", at2026, "resource", "enterprise", 12, "SHDE-2026-RE-00000012-M"],
        ["SZDE", at2026, "product", "enterprise", 3, "SZDE-2026-PE-00000003-Y"],
        ["GZ", at2026, "resource", "personal", 99999999, "GZ-2026-RP-99999999-4"],
        ["BJ01", 1893456000, "model", "personal", 42, "BJ01-2030-MP-00000042-1"],
      ];
      for (const [exchangeCode, registeredAt, kind, source, sequence, expected] of cases) {
        expect(formatRegistrationNumber({ exchangeCode, registeredAt, kind: kind as "resource", source: source as "public", sequence })).to.equal(expected);
        expect(parseRegistrationNumber(expected).sequence).to.equal(sequence);
      }
    });
    it("parses back and rejects a wrong check character or a typo", () => {
      const n = formatRegistrationNumber({ exchangeCode: "GZ", registeredAt: 1767225600, kind: "model", source: "personal", sequence: 99_999_999 });
      expect(parseRegistrationNumber(n.toLowerCase())).to.deep.include({ exchangeCode: "GZ", year: 2026, kind: "model", source: "personal", sequence: 99_999_999 });
      const wrong = n.slice(0, -1) + (n.endsWith("0") ? "1" : "0");
      expect(() => parseRegistrationNumber(wrong)).to.throw(/check character/);
      const typo = n.replace("99999999", "99999989");
      expect(() => parseRegistrationNumber(typo)).to.throw(/check character/);
      expect(() => parseRegistrationNumber("SHDE-2026-XE-00000012-M")).to.throw(/kind letter/);
      expect(() => parseRegistrationNumber("SHDE-26-RE-12-M")).to.throw(/not a registration number/);
      // past 99,999,999 the sequence widens, as RegistrationNumber.sol does
      const wide = formatRegistrationNumber({ exchangeCode: "GZ", registeredAt: 1767225600, kind: "model", source: "personal", sequence: 100_000_000 });
      expect(wide).to.match(/^GZ-2026-MP-100000000-[0-9A-Z]$/);
      expect(parseRegistrationNumber(wide).sequence).to.equal(100_000_000);
    });
    it("exchange codes round-trip between text and bytes4", () => {
      expect(exchangeCodeBytes4("SZ")).to.equal("0x535a0000");
      expect(exchangeCodeText("0x535a0000")).to.equal("SZ");
      expect(() => exchangeCodeText("shde")).to.throw(/exchange code/);
      expect(() => formatRegistrationNumber({ exchangeCode: "SH", registeredAt: 0, kind: "resource", source: "public", sequence: 0 })).to.throw(/sequence/);
    });
  });
});

const DATASET_VECTOR = "0x73f3b74e85eeb3363f2cc16415fdb3dc7deaee4f7c15905223577b9c7546f80e";
