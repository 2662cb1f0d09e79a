import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { AssetKind, AssetSource, exchangeCode } from "../helpers/fixture";
import { formatRegistrationNumber, iso7064Mod3736 } from "../../service/src/digest";

/** An independent reference for ISO 7064 MOD 37,36 validation: with the check character appended, s ends at 1. */
function isValidMod3736(text: string): boolean {
  const A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  let p = 36;
  let s = 0;
  for (const ch of text) {
    s = (p + A.indexOf(ch)) % 36;
    if (s === 0) s = 36;
    p = (2 * s) % 37;
  }
  return s === 1;
}

const JAN_1_2026 = 1767225600; // 2026-01-01T00:00:00Z

describe("RegistrationNumber", function () {
  async function harnessFixture() {
    const harness = await ethers.deployContract("RegistrationNumberHarness");
    return { harness };
  }

  describe("checkCharacter", function () {
    context("with the published GRid example", function () {
      it("should give M for A1-2425G-ABC1234002", async function () {
        const { harness } = await loadFixture(harnessFixture);
        expect(await harness.checkCharacter("A1-2425G-ABC1234002")).to.equal(ethers.hexlify(ethers.toUtf8Bytes("M")));
      });
    });

    context("with arbitrary alphanumerics", function () {
      it("should agree with the TypeScript twin and validate (final s = 1)", async function () {
        const { harness } = await loadFixture(harnessFixture);
        for (const text of ["0", "Z", "SHDE2026RE00000001", "GZ2026RP99999999", "AB12CD34", "ZZZZ9999MG00000000"]) {
          const c = ethers.toUtf8String(await harness.checkCharacter(text));
          expect(c, text).to.equal(iso7064Mod3736(text));
          expect(isValidMod3736(text + c), text).to.equal(true);
        }
      });
    });

    context("with a character outside [0-9A-Z]", function () {
      it("should revert with RegistrationNumberInvalidCharacter", async function () {
        const { harness } = await loadFixture(harnessFixture);
        await expect(harness.checkCharacter("SHde"))
          .to.be.revertedWithCustomError(harness, "RegistrationNumberInvalidCharacter")
          .withArgs(ethers.hexlify(ethers.toUtf8Bytes("d")));
      });
    });
  });

  describe("utcYear", function () {
    context("around year boundaries, leap days and century rules", function () {
      it("should equal the UTC year JavaScript computes", async function () {
        const { harness } = await loadFixture(harnessFixture);
        const instants = [
          "1970-01-01T00:00:00Z",
          "1999-12-31T23:59:59Z",
          "2000-01-01T00:00:00Z",
          "2000-02-29T12:00:00Z",
          "2026-12-31T23:59:59Z",
          "2027-01-01T00:00:00Z",
          "2028-02-29T23:59:59Z",
          "2028-03-01T00:00:00Z",
          "2100-02-28T23:59:59Z",
          "2100-03-01T00:00:00Z",
          "2400-12-31T23:59:59Z",
          "9999-12-31T23:59:59Z",
        ];
        for (const iso of instants) {
          const t = Date.parse(iso) / 1000;
          expect(await harness.utcYear(t), iso).to.equal(BigInt(new Date(iso).getUTCFullYear()));
        }
      });
    });
  });

  describe("format", function () {
    context("with the worked examples of docs/registration-number.md", function () {
      it("should produce them exactly", async function () {
        const { harness } = await loadFixture(harnessFixture);
        const cases: [string, number, number, number, number, string][] = [
          ["SHDE", JAN_1_2026, AssetKind.Resource, AssetSource.Enterprise, 1, "SHDE-2026-RE-00000001-S"],
          ["SHDE", JAN_1_2026, AssetKind.Resource, AssetSource.Enterprise, 12, "SHDE-2026-RE-00000012-M"],
          ["SZDE", JAN_1_2026, AssetKind.Product, AssetSource.Enterprise, 3, "SZDE-2026-PE-00000003-Y"],
          ["GZ", JAN_1_2026, AssetKind.Resource, AssetSource.Personal, 99999999, "GZ-2026-RP-99999999-4"],
          ["BJ01", 1893456000, AssetKind.Model, AssetSource.Personal, 42, "BJ01-2030-MP-00000042-1"],
        ];
        for (const [code, at, kind, source, seq, expected] of cases) {
          expect(await harness.format(exchangeCode(code), at, kind, source, seq)).to.equal(expected);
        }
      });
    });

    context("with every kind and source letter", function () {
      it("should agree with the TypeScript twin", async function () {
        const { harness } = await loadFixture(harnessFixture);
        for (const kind of [0, 1, 2, 3]) {
          for (const source of [0, 1, 2]) {
            const at = JAN_1_2026 - 1 + kind * 86400 * 400; // 2025, 2027, 2028, 2029
            const got = await harness.format(exchangeCode("BJ01"), at, kind, source, 42 + kind * 3 + source);
            expect(got).to.equal(
              formatRegistrationNumber({ exchangeCode: "BJ01", registeredAt: at, kind, source, sequence: 42 + kind * 3 + source }),
            );
            expect(got).to.match(/^BJ01-\d{4}-[RPCM][GEP]-\d{8}-[0-9A-Z]$/);
          }
        }
      });
    });

    context("with a sequence above 99,999,999", function () {
      it("should widen the sequence rather than truncate it", async function () {
        const { harness } = await loadFixture(harnessFixture);
        const got = await harness.format(exchangeCode("SHDE"), JAN_1_2026, 0, 1, 4294967295n);
        expect(got).to.equal(
          formatRegistrationNumber({ exchangeCode: "SHDE", registeredAt: JAN_1_2026, kind: 0, source: 1, sequence: 4294967295 }),
        );
        expect(got.split("-")[3]).to.equal("4294967295");
      });
    });
  });
});
