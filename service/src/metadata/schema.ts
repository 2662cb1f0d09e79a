import { z } from "zod";

/**
 * The registration metadata document (登记信息): what a registration describes, after the practice summarised in
 * docs/registration-practice.md. Stored off chain by CID; its SHA-256 (of the RFC 8785 canonical JSON) is
 * the asset's `metadataDigest` on chain. Published as JSON Schema in docs/metadata.schema.json.
 */

const hex32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lower-case hex (a SHA-256 digest)");
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD");
const text = (max = 500) => z.string().trim().min(1, "must not be empty").max(max);
/** 统一社会信用代码: 18 characters (GB 32100-2015 alphabet, no I O Z S V). */
const creditCode = z
  .string()
  .regex(/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/, "must be an 18-character unified social credit code (统一社会信用代码)");

const contact = z.object({ name: text(100).optional(), email: z.email().optional(), phone: text(40).optional(), address: text(300).optional() }).strict();

const term = z
  .object({ start: date, end: date.optional() })
  .strict()
  .refine((t) => t.end === undefined || t.end > t.start, { message: "end must be after start", path: ["end"] });

const documentRef = z.object({ title: text(200), digest: hex32, cid: z.string().optional() }).strict();

const report = z.object({ firm: text(200), digest: hex32, grade: text(50).optional(), date }).strict();

/** The metadata document. */
const registrationMetadataSchema = z
  .object({
    type: z.literal("shuquan/registration-metadata"),
    version: z.literal(1),
    registrant: z
      .object({
        name: text(200),
        creditCode: creditCode.optional().describe("统一社会信用代码; required unless subjectType is natural-person"),
        subjectType: z.enum(["legal-person", "other-organisation", "natural-person", "public-body"]),
        contact,
        agent: z.object({ name: text(200), creditCode: creditCode.optional(), contact: contact.optional() }).strict().optional(),
      })
      .strict()
      .refine((r) => r.subjectType === "natural-person" || r.creditCode !== undefined, {
        message: "creditCode is required for organisations",
        path: ["creditCode"],
      }),
    asset: z
      .object({
        name: text(200),
        objectType: z.enum(["resource", "product", "service"]),
        form: z.enum(["dataset", "api", "report", "model", "index", "other"]),
        summary: text(2000),
        industry: text(100).optional(),
        keywords: z.array(text(50)).max(20).default([]),
      })
      .strict(),
    rights: z
      .array(
        z
          .object({
            right: z.enum(["holding", "processing", "operating"]).describe("holding 持有权, processing 加工使用权, operating 产品经营权"),
            scope: text(1000),
            term,
            legalBasis: text(1000),
          })
          .strict(),
      )
      .min(1, "claim at least one right"),
    source: z
      .object({
        code: z.enum(["A", "B", "C", "D", "E", "F"]).describe("A self-produced, B publicly collected, C public data under authorisation, D co-produced, E purchased, F other"),
        description: text(1000).optional(),
        authorisations: z.array(documentRef).default([]),
      })
      .strict()
      .refine((s) => !["C", "E"].includes(s.code) || s.authorisations.length > 0, {
        message: "source C (authorised public data) and E (purchased) need the digest of at least one authorisation document",
        path: ["authorisations"],
      }),
    dataProfile: z
      .object({
        format: text(100),
        scale: z.object({ records: z.number().int().nonnegative().optional(), bytes: z.number().int().nonnegative().optional(), files: z.number().int().nonnegative().optional() }).strict(),
        structure: z.array(z.object({ name: text(100), type: text(50), description: text(500).optional() }).strict()).optional(),
        updateFrequency: z.enum(["once", "realtime", "hourly", "daily", "weekly", "monthly", "quarterly", "yearly", "irregular"]),
        timeRange: z.object({ from: date, to: date.optional() }).strict().optional(),
        storage: text(300),
      })
      .strict(),
    evidence: z
      .object({
        digestAlgorithm: z.enum(["sha-256", "oz-merkle-sha-256"]).describe("sha-256 of a file, or the OpenZeppelin Merkle root over a dataset's (path, sha-256) — docs/digests.md"),
        fingerprint: hex32.describe("the content digest (= the asset id)"),
        anchoredAt: z.object({ chainId: z.number().int().positive(), batchRoot: hex32.optional(), txHash: hex32.optional(), time: z.iso.datetime().optional() }).strict().optional(),
      })
      .strict(),
    scenarios: z.array(z.object({ name: text(200), description: text(2000) }).strict()).min(1, "name at least one scenario of use (无场景不授权)"),
    security: z
      .object({
        level: z.enum(["general", "important", "core"]),
        personalInformation: z
          .object({
            contains: z.boolean(),
            sensitive: z.boolean().default(false),
            consentBasis: text(1000).optional(),
            deidentification: text(1000).optional(),
          })
          .strict()
          .refine((p) => !p.contains || p.consentBasis !== undefined, { message: "consentBasis is required when personal information is contained", path: ["consentBasis"] }),
        thirdPartyInterests: z
          .object({ regulatory: text(1000).optional(), privacy: text(1000).optional(), tradeSecrets: text(1000).optional(), otherAgreements: text(1000).optional() })
          .strict()
          .default({}),
        crossBorder: z
          .object({ involved: z.boolean(), mechanism: z.enum(["security-assessment", "standard-contract", "certification"]).optional() })
          .strict()
          .refine((c) => !c.involved || c.mechanism !== undefined, { message: "mechanism is required when cross-border transfer is involved", path: ["mechanism"] }),
      })
      .strict()
      .refine((s) => s.level !== "core", { message: "core data is refused (核心数据不予登记)", path: ["level"] }),
    complianceReport: report.optional().describe("needed before listing"),
    qualityReport: report.optional(),
    valuationReport: report.optional(),
    pledgeDigest: hex32.describe("SHA-256 of the registrant's signed pledge (登记承诺书)"),
    publicData: z
      .object({ agreementId: text(100), operator: text(200), term })
      .strict()
      .refine((p) => p.term.end !== undefined, { message: "an authorised-operation term has an end (at most 5 years)", path: ["term", "end"] })
      .optional()
      .describe("public-data authorised operation (公共数据授权运营)"),
  })
  .strict()
  .refine((m) => m.source.code !== "C" || m.publicData !== undefined, {
    message: "source C (public data under authorisation) needs publicData (agreement, operator, term)",
    path: ["publicData"],
  });

/** A registration metadata document (after defaults are applied). */
export type RegistrationMetadata = z.output<typeof registrationMetadataSchema>;
/** A registration metadata document as written (defaults may be omitted). */
export type RegistrationMetadataInput = z.input<typeof registrationMetadataSchema>;

/** Validates `value`; returns the document with defaults applied, or throws listing every problem with its path. */
export function validateMetadata(value: unknown): RegistrationMetadata {
  const r = registrationMetadataSchema.safeParse(value);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 20).map((i) => `  ${i.path.join(".") || "(document)"}: ${i.message}`);
  throw new Error(`metadata document is invalid (docs/metadata.schema.json):\n${lines.join("\n")}`);
}

/** The JSON Schema (draft 2020-12) of the metadata document, as published in docs/metadata.schema.json. */
export function metadataJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(registrationMetadataSchema, { target: "draft-2020-12", io: "input" }) as Record<string, unknown>;
  return {
    $schema: schema.$schema,
    $id: "https://shuquan.example/schemas/registration-metadata/v1.json",
    title: "Shuquan registration metadata (登记信息)",
    description:
      "What a data-asset registration describes. Stored by CID; SHA-256 of its RFC 8785 canonical JSON is the asset's metadataDigest. Generated from service/src/metadata/schema.ts (zod); cross-field rules (core refused, consent basis, cross-border mechanism, source C/E documents) are enforced by the zod twin and the CLI.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}
