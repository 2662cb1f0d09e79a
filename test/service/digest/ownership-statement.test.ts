import { expect } from "chai";
import { buildOwnershipStatement, parseOwnershipStatement } from "../../../service/src/digest/ownership-statement";

describe("digest/ownership-statement", () => {
  it("should build the documented text and parse it back", () => {
    const text = buildOwnershipStatement({ assetId: `0x${"AB".repeat(32)}`, holder: "0x00000000000000000000000000000000000000Ff", chainId: 1, issuedAt: "2026-11-28T05:00:00Z" });
    expect(text.split("\n")).to.deep.equal([
      "Shuquan ownership statement",
      `I hold data asset 0x${"ab".repeat(32)}.`,
      `Asset: 0x${"ab".repeat(32)}`,
      "Holder: 0x00000000000000000000000000000000000000ff",
      "Chain: 1",
      "Block: latest",
      "Issued: 2026-11-28T05:00:00Z",
    ]);
    expect(parseOwnershipStatement(text)).to.include({ Block: "latest", Chain: "1" });
    expect(parseOwnershipStatement("I own it")).to.equal(undefined);
  });
});
