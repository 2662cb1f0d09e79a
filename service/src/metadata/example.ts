import type { RegistrationMetadataInput } from "./schema";

/**
 * A complete, valid example metadata document (also in docs/cli.md). `evidence.fingerprint` is a placeholder:
 * `shuquan asset register` fills in the real content digest.
 */
export const EXAMPLE_METADATA: RegistrationMetadataInput = {
  type: "shuquan/registration-metadata",
  version: 1,
  registrant: {
    name: "上海示例数据科技有限公司",
    creditCode: "91310000MA1FL1234Q",
    subjectType: "legal-person",
    contact: { name: "Li Wei", email: "data@example.com" },
  },
  asset: {
    name: "City logistics delivery times 2025",
    objectType: "resource",
    form: "dataset",
    summary: "Anonymised parcel delivery times per district and hour, 2025.",
    industry: "logistics",
    keywords: ["logistics", "delivery"],
  },
  rights: [{ right: "holding", scope: "the whole dataset", term: { start: "2026-01-01", end: "2028-12-31" }, legalBasis: "self-produced operational records" }],
  source: { code: "A", authorisations: [] },
  dataProfile: { format: "CSV", scale: { records: 1200000, files: 12 }, updateFrequency: "monthly", timeRange: { from: "2025-01-01", to: "2025-12-31" }, storage: "exchange-hosted privacy computing node" },
  evidence: { digestAlgorithm: "oz-merkle-sha-256", fingerprint: "0x" + "0".repeat(64) },
  scenarios: [{ name: "route planning", description: "train delivery-time models for route planning" }],
  security: {
    level: "general",
    personalInformation: { contains: false, sensitive: false },
    thirdPartyInterests: {},
    crossBorder: { involved: false },
  },
  complianceReport: { firm: "Example Law Firm", digest: "0x" + "11".repeat(32), grade: "A", date: "2026-01-05" },
  pledgeDigest: "0x" + "22".repeat(32),
};
