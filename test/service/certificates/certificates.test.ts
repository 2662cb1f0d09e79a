import { expect } from "chai";
import {
  assessCertificate,
  certificateNumber,
  checkCertificateNumber,
  extractCertificate,
  renderCertificateHtml,
  type ChainFacts,
  type RegistrationCertificate,
  type TradeCertificate,
} from "../../../service/src/certificates";
import { formatRegistrationNumber } from "../../../service/src/digest";

const ISSUED = 1_790_000_000; // 2026-09-21
const HOLDER = "0x" + "aa".repeat(20);
const OTHER = "0x" + "bb".repeat(20);
const REG_NO = formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: ISSUED - 86_400, kind: 0, source: 1, sequence: 7 });

function registration(overrides: Partial<RegistrationCertificate> = {}): RegistrationCertificate {
  return {
    type: "shuquan/registration-certificate",
    certificateNumber: certificateNumber("R", "0x" + "12".repeat(32), ISSUED, "SHDE"),
    issuedAt: ISSUED,
    asOfBlock: 99,
    registrationNumber: REG_NO,
    asset: { assetId: "0x" + "12".repeat(32), name: "城市物流 <test>", kind: "resource", source: "enterprise", level: "general", metadataDigest: "0x" + "34".repeat(32), metadataCid: "bafy" },
    holder: { address: HOLDER, name: "上海示例数据科技有限公司", code: "91310000MA1FL1234Q", codeKind: "credit-code" },
    exchange: { address: OTHER, name: "Shanghai Data Exchange", code: "SHDE", codeKind: "exchange-code" },
    rights: [{ right: "holding", scope: "the whole dataset", start: ISSUED - 86_400, end: null }],
    link: "http://127.0.0.1:3000/asset/0x" + "12".repeat(32),
    chain: { chainId: 31337, contract: OTHER, txHash: "0x" + "56".repeat(32), blockNumber: 42, blockTime: ISSUED - 86_400 },
    registeredAt: ISSUED - 86_400,
    validUntil: ISSUED + 365 * 86_400,
    status: "registered",
    frozen: false,
    pledged: false,
    ...overrides,
  };
}

function facts(overrides: Partial<ChainFacts> = {}): ChainFacts {
  return { recorded: true, registrationNumber: REG_NO, status: "registered", validUntil: ISSUED + 365 * 86_400, holder: HOLDER, frozen: false, pledged: false, now: ISSUED + 10, ...overrides };
}

describe("certificates", () => {
  describe("numbers", () => {
    it("should carry kind, month, exchange code and a check character that detects a changed character", () => {
      const n = certificateNumber("R", "0x01", ISSUED, "SHDE");
      expect(n).to.match(/^SQR-202609-SHDE-[0-9A-Z]{8}-[0-9A-Z]$/);
      expect(() => checkCertificateNumber(n)).to.not.throw();
      const last = n.at(-1) as string;
      const wrong = n.slice(0, -1) + (last === "0" ? "1" : "0");
      expect(() => checkCertificateNumber(wrong)).to.throw(/check character/);
      expect(() => checkCertificateNumber("SQX-1")).to.throw(/not a certificate number/);
      expect(certificateNumber("T", "0x01", ISSUED, "SHDE")).to.not.equal(certificateNumber("T", "0x01", ISSUED + 1, "SHDE"));
    });
  });

  describe("assessment", () => {
    it("should find every fact still holding", () => {
      const a = assessCertificate(registration(), facts());
      expect(a.verdict).to.equal("valid");
      expect(a.summary).to.equal("valid: every fact still holds");
    });

    it("should say a cancelled registration was valid at issue, since cancelled", () => {
      const a = assessCertificate(registration(), facts({ status: "cancelled", validUntil: 0 }));
      expect(a.verdict).to.equal("valid-at-issue");
      expect(a.summary).to.equal("valid at issue, since cancelled");
    });

    it("should report a transfer, a renewal, an expiry and a freeze as changes since issue", () => {
      expect(assessCertificate(registration(), facts({ holder: OTHER })).summary).to.equal(`valid at issue, since transferred to ${OTHER}`);
      const later = ISSUED + 730 * 86_400;
      expect(assessCertificate(registration(), facts({ validUntil: later })).summary).to.match(/since renewed until \d{4}-\d\d-\d\d$/);
      expect(assessCertificate(registration(), facts({ now: ISSUED + 400 * 86_400 })).summary).to.equal("valid at issue, since expired");
      expect(assessCertificate(registration(), facts({ frozen: true })).summary).to.equal("valid at issue, since frozen");
    });

    it("should call a certificate invalid with a bad check character, a registration number the chain does not give, or no such transaction", () => {
      const cert = registration();
      const badNo = REG_NO.slice(0, -1) + (REG_NO.endsWith("0") ? "1" : "0");
      const a = assessCertificate({ ...cert, registrationNumber: badNo }, facts());
      expect(a.verdict).to.equal("invalid");
      expect(a.summary).to.match(/check character/);
      const n = cert.certificateNumber;
      const b = assessCertificate({ ...cert, certificateNumber: n.slice(0, -1) + (n.endsWith("0") ? "1" : "0") }, facts());
      expect(b.verdict).to.equal("invalid");
      expect(assessCertificate(cert, facts({ recorded: false, recordedProblem: "transaction not on this chain" })).summary).to.match(/not on this chain/);
      expect(assessCertificate(cert, facts({ registrationNumber: null })).verdict).to.equal("invalid");
    });

    it("should check a licence trade's licence and a holding trade's buyer", () => {
      const trade: TradeCertificate = {
        ...registration(),
        type: "shuquan/trade-certificate",
        certificateNumber: certificateNumber("T", "0x77", ISSUED, "SHDE"),
        tradeId: "0x77",
        seller: { address: HOLDER, name: null, code: "SHDE", codeKind: "home-exchange-code" },
        buyer: { address: OTHER, name: null, code: "SHDE", codeKind: "home-exchange-code" },
        right: "processing",
        licenceId: "0x" + "99".repeat(32),
        price: "100",
        currency: "CNY",
        confidential: false,
        contractDigest: "0x" + "88".repeat(32),
        venue: "on-exchange",
        linkedTradeId: null,
        recordedAt: ISSUED,
      };
      expect(assessCertificate(trade, facts({ licence: { end: ISSUED + 1000, revoked: false } })).verdict).to.equal("valid");
      expect(assessCertificate(trade, facts({ licence: { end: ISSUED, revoked: true } })).summary).to.equal("valid at issue, since licence revoked");
      const holding = { ...trade, right: "holding", licenceId: null };
      expect(assessCertificate(holding, facts({ holder: OTHER })).verdict).to.equal("valid");
      expect(assessCertificate(holding, facts({ holder: HOLDER })).summary).to.equal(`valid at issue, since the asset moved on to ${HOLDER}`);
    });
  });

  describe("the printable page", () => {
    it("should be bilingual, escape text, carry a QR code and the link, and give back the same certificate", async () => {
      const cert = registration();
      const html = await renderCertificateHtml(cert);
      expect(html).to.contain("数据资产登记证书").and.contain("Data Asset Registration Certificate");
      expect(html).to.contain("<svg").and.contain(cert.link).and.contain(cert.certificateNumber).and.contain(cert.registrationNumber);
      expect(html).to.contain("城市物流 &lt;test&gt;").and.not.contain("城市物流 <test>");
      expect(html).to.contain("91310000MA1FL1234Q").and.contain("有效 / In force");
      expect(extractCertificate(html)).to.deep.equal(cert);
      expect(extractCertificate(JSON.stringify({ data: cert }))).to.deep.equal(cert);
      expect(() => extractCertificate("<html></html>")).to.throw(/no Shuquan certificate/);
      expect(() => extractCertificate(JSON.stringify({ type: "other" }))).to.throw(/not a Shuquan certificate/);
    });
  });
});
