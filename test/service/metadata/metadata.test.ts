import { expect } from "chai";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { EXAMPLE_METADATA, validateMetadata, type RegistrationMetadataInput } from "../../../service/src/metadata";
import { metadataSchemaText } from "../../../service/src/metadata/write-schema";

const clone = (): RegistrationMetadataInput => JSON.parse(JSON.stringify(EXAMPLE_METADATA)) as RegistrationMetadataInput;

describe("metadata document", () => {
  it("docs/metadata.schema.json is generated from the zod schema (regenerate with write-schema.ts)", () => {
    const published = readFileSync(path.join(__dirname, "..", "..", "..", "docs", "metadata.schema.json"), "utf8");
    expect(published).to.equal(metadataSchemaText());
  });
  it("accepts the example and applies defaults", () => {
    const m = validateMetadata(clone());
    expect(m.security.thirdPartyInterests).to.deep.equal({});
  });
  it("refuses core data, missing consent basis, cross-border without mechanism, source C without publicData", () => {
    const core = clone(); core.security.level = "core";
    expect(() => validateMetadata(core)).to.throw(/security\.level: core data is refused/);
    const pi = clone(); pi.security.personalInformation = { contains: true };
    expect(() => validateMetadata(pi)).to.throw(/consentBasis/);
    const cb = clone(); cb.security.crossBorder = { involved: true };
    expect(() => validateMetadata(cb)).to.throw(/mechanism/);
    const c = clone(); c.source = { code: "C", authorisations: [{ title: "agreement", digest: "0x" + "33".repeat(32) }] };
    expect(() => validateMetadata(c)).to.throw(/publicData/);
  });
  it("names each bad field", () => {
    const bad = clone() as Record<string, unknown>;
    bad.pledgeDigest = "0x12";
    bad.extra = true;
    expect(() => validateMetadata(bad)).to.throw(/pledgeDigest: must be 0x \+ 64/);
    const noCode = clone(); delete noCode.registrant.creditCode;
    expect(() => validateMetadata(noCode)).to.throw(/registrant\.creditCode/);
  });
});
