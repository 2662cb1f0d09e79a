/**
 * The receipt verifier's pure parts: a manifest checked against its anchored root and count, and one receipt judged
 * against a licence history (grants, re-grants, revocations, operators) — the cases the end-to-end test does not
 * drive on chain.
 */
import { expect } from "chai";
import { buildReceiptManifest, inputsRoot, sha256Hex, type ManifestReceipt } from "../../../service/src/digest";
import { checkReceiptManifest, judgeReceipt } from "../../../service/src/indexer/receipt-manifests";
import type { LicenceGrant, LicenceRevocation, ReceiptContext } from "../../../service/src/store/receipt-store";

const LICENCE = sha256Hex("licence");
const SCOPE = sha256Hex("scope");
const BOB = "0x" + "b0".repeat(20);
const OPERATOR = "0x" + "0e".repeat(20);
const inputs = [sha256Hex("input")];

const receipt = (start: number, end: number, over: Partial<ManifestReceipt> = {}): ManifestReceipt => ({
  licenceId: LICENCE,
  licensee: BOB,
  purposeDigest: SCOPE,
  inputsRoot: inputsRoot(inputs),
  inputs,
  outputDigest: sha256Hex("out"),
  parametersDigest: sha256Hex("{}"),
  start,
  end,
  ...over,
});
const grant = (start: number, end: number, blockNumber: number): LicenceGrant => ({
  licenceId: LICENCE, assetId: sha256Hex("asset"), grantee: BOB, grantor: "0x" + "a1".repeat(20), scopeDigest: SCOPE, start, end, blockNumber, logIndex: 0,
});
const revoke = (revokedAt: number, blockNumber: number): LicenceRevocation => ({ licenceId: LICENCE, revokedAt, blockNumber, logIndex: 0 });
const ctx = (grants: LicenceGrant[], revocations: LicenceRevocation[] = [], operators: string[] = []): ReceiptContext => ({
  grants: new Map([[LICENCE, grants]]),
  revocations: new Map([[LICENCE, revocations]]),
  operatorOf: new Set(operators),
});
const codes = (r: ManifestReceipt, c: ReceiptContext, submitter = BOB, anchoredAt = 10_000) => judgeReceipt(r, submitter, anchoredAt, c).map((v) => v.code).sort();

describe("receipt verifier", () => {
  describe("checkReceiptManifest", () => {
    const built = buildReceiptManifest([{ ...receipt(100, 200), inputs }]);
    it("accepts a manifest that rebuilds the anchored root and count", () => {
      expect(checkReceiptManifest({ root: built.manifest.root, leafCount: 1 }, built.bytes).status).to.equal("valid");
    });
    it("marks a wrong count, a wrong root, altered inputs or bad JSON as a mismatch", () => {
      expect(checkReceiptManifest({ root: built.manifest.root, leafCount: 2 }, built.bytes)).to.deep.include({ status: "mismatch" });
      expect(checkReceiptManifest({ root: sha256Hex("other"), leafCount: 1 }, built.bytes)).to.deep.include({ status: "mismatch" });
      const doc = JSON.parse(new TextDecoder().decode(built.bytes));
      doc.receipts[0].inputs = [sha256Hex("another input")];
      const r = checkReceiptManifest({ root: built.manifest.root, leafCount: 1 }, new TextEncoder().encode(JSON.stringify(doc)));
      expect(r.status === "mismatch" && r.error).to.contain("inputs do not rebuild");
      expect(checkReceiptManifest({ root: built.manifest.root, leafCount: 1 }, new TextEncoder().encode("{"))).to.deep.include({ status: "mismatch" });
    });
  });

  describe("judgeReceipt", () => {
    it("finds nothing in a receipt inside its licence, its end exactly at the licence's end", () => {
      expect(codes(receipt(100, 1000), ctx([grant(100, 1000, 1)]))).to.deep.equal([]);
    });
    it("flags a job that starts before or ends after the window", () => {
      expect(codes(receipt(99, 500), ctx([grant(100, 1000, 1)]))).to.deep.equal(["outside-window"]);
      expect(codes(receipt(500, 1001), ctx([grant(100, 1000, 1)]))).to.deep.equal(["outside-window"]);
    });
    it("flags a job running past a revocation, but not one that ended before it", () => {
      const c = ctx([grant(100, 5000, 1)], [revoke(600, 2)]);
      expect(codes(receipt(500, 700), c)).to.deep.equal(["after-revocation"]);
      expect(codes(receipt(500, 600), c)).to.deep.equal([]);
    });
    it("judges a job under a re-grant by the re-grant, not by the earlier revocation", () => {
      const c = ctx([grant(100, 5000, 1), grant(800, 5000, 3)], [revoke(600, 2)]);
      expect(codes(receipt(900, 950), c)).to.deep.equal([]);
      expect(codes(receipt(650, 700), c)).to.deep.equal(["after-revocation"]); // between the revocation and the re-grant
    });
    it("flags another purpose, another licensee, an unknown licence", () => {
      expect(codes(receipt(100, 200, { purposeDigest: sha256Hex("marketing") }), ctx([grant(100, 1000, 1)]))).to.deep.equal(["purpose-mismatch"]);
      expect(codes(receipt(100, 200, { licensee: OPERATOR }), ctx([grant(100, 1000, 1)]), OPERATOR)).to.deep.equal(["wrong-licensee"]);
      expect(codes(receipt(100, 200), ctx([]))).to.deep.equal(["unknown-licence"]);
    });
    it("accepts an operator the licensee named, flags any other submitter, and a job ending after the anchor", () => {
      expect(codes(receipt(100, 200), ctx([grant(100, 1000, 1)], [], [BOB]), OPERATOR)).to.deep.equal([]);
      expect(codes(receipt(100, 200), ctx([grant(100, 1000, 1)]), OPERATOR)).to.deep.equal(["unauthorised-submitter"]);
      expect(codes(receipt(100, 900), ctx([grant(100, 1000, 1)]), BOB, 800)).to.deep.equal(["ends-after-anchoring"]);
    });
  });
});
