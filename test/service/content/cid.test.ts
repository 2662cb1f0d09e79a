import { expect } from "chai";
import { createCipheriv, createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  computeCid, verifyCid, createLocalContentStore, ContentIntegrityError, ContentNotFoundError,
} from "../../../service/src/content";

/**
 * Kubo's deterministic test data (test/cli/harness IPFSAddDeterministic): the ChaCha20 keystream with key
 * SHA-256(seed), zero nonce, counter 0 — as ported bit-for-bit by js-ipfs-unixfs test/helpers/deterministic.ts.
 */
function deterministicBytes(size: number, seed: string): Uint8Array {
  const key = createHash("sha256").update(seed).digest();
  const c = createCipheriv("chacha20", key, Buffer.alloc(16));
  return new Uint8Array(Buffer.concat([c.update(Buffer.alloc(size)), c.final()]));
}
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

describe("content: CIDs equal published Kubo reference values", function () {
  this.timeout(120_000);

  // Each value: input, profile, expected CID, where it is published.
  const vectors: [string, () => Uint8Array, Parameters<typeof computeCid>[1], string, string][] = [
    ["'hello feasibility\\n'", () => utf8("hello feasibility\n"), "kubo-cidv1", "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua", "raw-codec CIDv1 over the SHA-256 of the bytes (one block)"],
    ["'hello world'", () => utf8("hello world"), "kubo-cidv1", "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e", "kubo test/cli/add_test.go shortStringCidV1"],
    ["empty file", () => new Uint8Array(0), "kubo-cidv1", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "`ipfs add --cid-version 1 empty`, ipfs-shipyard/py-ipfs-http-client#293"],
    ["'hello world'", () => utf8("hello world"), "kubo-cidv0", "Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD", "kubo test/cli/add_test.go shortStringCidV0"],
    ["44544 KiB, seed v0-seed (174 x 256 KiB chunks)", () => deterministicBytes(44544 * 1024, "v0-seed"), "kubo-cidv0", "QmUbBALi174SnogsUzLpYbD4xPiBSFANF4iztWCsHbMKh2", "kubo test/cli/add_test.go + cid_profiles_test.go (unixfs-v0-2015 FileAtMaxLinksCID)"],
    ["44800 KiB, seed v0-seed (175 chunks, rebalanced)", () => deterministicBytes(44800 * 1024, "v0-seed"), "kubo-cidv0", "QmepeWtdmS1hHXx1oZXsPUv6bMrfRRKfZcoPPU4eEfjnbf", "kubo test/cli/cid_profiles_test.go (unixfs-v0-2015 FileOverMaxLinksCID)"],
    ["1 MiB + 1, seed chunk-v1-seed (2 raw leaves)", () => deterministicBytes(1_048_577, "chunk-v1-seed"), "unixfs-v1-2025", "bafybeigmix7t42i6jacydtquhet7srwvgpizfg7gjbq7627d35mjomtu64", "js-ipfs-unixfs ipfs-unixfs-importer test/ipip-499-profiles.spec.ts"],
  ];
  for (const [name, data, profile, expected, source] of vectors) {
    it(`${name} under ${profile} → ${expected} (${source})`, async () => {
      const bytes = data();
      expect(await computeCid(bytes, profile)).to.equal(expected);
      expect(await verifyCid(expected, bytes)).to.equal(true);
    });
  }

  it("a multi-chunk file under the default profile is a dag-pb CIDv1 with raw leaves, and verifies", async () => {
    const bytes = deterministicBytes(44544 * 1024, "v0-seed");
    const cid = await computeCid(bytes);
    expect(cid).to.match(/^bafybei/);
    expect(await verifyCid(cid, bytes)).to.equal(true);
    bytes[12345] ^= 1;
    expect(await verifyCid(cid, bytes)).to.equal(false);
  });
});

describe("content: local store", () => {
  let dir: string;
  beforeEach(async () => { dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-content-")); });
  afterEach(async () => { await fsp.rm(dir, { recursive: true, force: true }); });

  it("puts, has and gets by CID; putting twice is idempotent", async () => {
    const store = createLocalContentStore(dir);
    const cid = await store.put(utf8("hello feasibility\n"));
    expect(cid).to.equal("bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua");
    expect(await store.has(cid)).to.equal(true);
    expect(new TextDecoder().decode(await store.get(cid))).to.equal("hello feasibility\n");
    expect(await store.put(utf8("hello feasibility\n"))).to.equal(cid);
    expect((await fsp.readdir(dir)).filter((f) => f.endsWith(".tmp"))).to.have.length(0);
  });

  it("stores multi-chunk content and reads it back verified", async () => {
    const store = createLocalContentStore(dir);
    const bytes = deterministicBytes(600 * 1024, "big");
    const cid = await store.put(bytes);
    expect(cid).to.match(/^bafybei/);
    expect(Buffer.compare(Buffer.from(await store.get(cid)), Buffer.from(bytes))).to.equal(0);
  });

  it("refuses tampered content on read", async () => {
    const store = createLocalContentStore(dir);
    const cid = await store.put(utf8('{"a":1}'));
    await fsp.writeFile(path.join(dir, cid), '{"a":2}');
    let err: unknown;
    await store.get(cid).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ContentIntegrityError);
    expect((err as Error).message).to.match(/does not match CID/);
  });

  it("reports absent content and malformed CIDs clearly", async () => {
    const store = createLocalContentStore(dir);
    let err: unknown;
    await store.get("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku").catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(ContentNotFoundError);
    expect(await store.has("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku")).to.equal(false);
    err = undefined;
    await store.get("../../etc/passwd").catch((e: unknown) => (err = e));
    expect((err as Error).message).to.match(/is not a CID/);
  });

  it("supports Kubo's default CIDv0 settings", async () => {
    const store = createLocalContentStore(dir, { profile: "kubo-cidv0" });
    const cid = await store.put(utf8("hello world"));
    expect(cid).to.equal("Qmf412jQZiuVUtdgnB36FXFX7xg5V6KEbSJ4dpQuhkLyfD");
    expect(new TextDecoder().decode(await store.get(cid))).to.equal("hello world");
  });
});
