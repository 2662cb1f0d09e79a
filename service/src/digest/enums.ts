/**
 * The contracts' enums (contracts/common/Types.sol) as the lower-case names used in JSON, the API, the store and the
 * CLI. The index of a name in its list is its uint8 value on chain.
 */

/** AssetKind: resource (数据资源), product (数据产品/服务), compute (算力资源), model (算法模型). */
export const ASSET_KIND = ["resource", "product", "compute", "model"] as const;
/** AssetSource: public (公共数据), enterprise (企业数据), personal (个人数据). */
export const ASSET_SOURCE = ["public", "enterprise", "personal"] as const;
/** DataLevel: general (一般), important (重要), core (核心 — never tradeable). */
export const DATA_LEVEL = ["general", "important", "core"] as const;
/** Right: holding (持有权), processing (加工使用权), operating (经营权), product-use. */
export const RIGHT = ["holding", "processing", "operating", "product-use"] as const;
/** Venue: on-exchange (场内), off-exchange (场外). */
export const VENUE = ["on-exchange", "off-exchange"] as const;
/** MerchantCategory: data-resource, technology, third-party-service. */
export const MERCHANT_CATEGORY = ["data-resource", "technology", "third-party-service"] as const;
/** ParticipantStatus of an exchange or merchant. */
export const PARTICIPANT_STATUS = ["none", "active", "suspended"] as const;
/** RecognitionPath of a merchant at an exchange. */
export const RECOGNITION_PATH = ["none", "home", "whole-exchange", "single-merchant"] as const;
/** PledgeStatus. */
export const PLEDGE_STATUS = ["none", "active", "released", "lifted", "defaulted", "enforced"] as const;
/**
 * IDataAssetRegistry.Asset.status, the registration lifecycle: registered (in force, unless its validity end has
 * passed), notice (公示), objected (异议 open during the notice), refused (an objection upheld), cancelled (注销).
 */
export const ASSET_STATUS = ["none", "registered", "notice", "objected", "refused", "cancelled"] as const;

/** AssessmentKind (IAssessmentRegistry): quality, compliance, valuation, security. Bit k of a mask is kind k. */
export const ASSESSMENT_KIND = ["quality", "compliance", "valuation", "security"] as const;
/** AssessmentResult: pass, conditional (pass with conditions), fail. */
export const ASSESSMENT_RESULT = ["pass", "conditional", "fail"] as const;
/** PolicyPurpose: what an exchange's assessment policy guards. */
export const POLICY_PURPOSE = ["listing", "pledge"] as const;

/** CrossBorderMechanism (Types.sol): none, security-assessment, standard-contract, certification, exemption. */
export const CROSS_BORDER_MECHANISM = ["none", "security-assessment", "standard-contract", "certification", "exemption"] as const;

export type AssetKindName = (typeof ASSET_KIND)[number];
export type AssetSourceName = (typeof ASSET_SOURCE)[number];
export type DataLevelName = (typeof DATA_LEVEL)[number];
export type RightName = (typeof RIGHT)[number];
export type VenueName = (typeof VENUE)[number];
export type MerchantCategoryName = (typeof MERCHANT_CATEGORY)[number];
export type ParticipantStatusName = (typeof PARTICIPANT_STATUS)[number];
export type RecognitionPathName = (typeof RECOGNITION_PATH)[number];
export type PledgeStatusName = (typeof PLEDGE_STATUS)[number];
export type AssetStatusValueName = (typeof ASSET_STATUS)[number];

/**
 * The uint8 value of `name` in `names` (case-insensitive; `_` is accepted for `-`). A number or numeric string
 * in range is accepted as is. Throws a message listing the valid names otherwise.
 */
export function enumValue<T extends readonly string[]>(names: T, name: string | number, what: string): number {
  if (typeof name === "number" || /^\d+$/.test(name)) {
    const n = Number(name);
    if (Number.isInteger(n) && n >= 0 && n < names.length) return n;
  } else {
    const i = names.indexOf(name.trim().toLowerCase().replace(/_/g, "-"));
    if (i >= 0) return i;
  }
  throw new Error(`invalid ${what} "${name}": expected one of ${names.join(", ")}`);
}

/** The lower-case name of the uint8 `value` in `names`; throws if out of range. */
export function enumName<T extends readonly string[]>(names: T, value: number | bigint, what: string): T[number] {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n >= names.length) {
    throw new Error(`invalid ${what} value ${String(value)}: expected 0..${names.length - 1}`);
  }
  return names[n] as T[number];
}

/** The kinds named by bit mask `mask` (bit k = ASSESSMENT_KIND[k]). */
export function assessmentKindsOf(mask: number): (typeof ASSESSMENT_KIND)[number][] {
  return ASSESSMENT_KIND.filter((_, k) => (mask & (1 << k)) !== 0);
}

/** The bit mask of assessment kinds named in `names` (comma-separated or a list; empty or "none" is 0). */
export function assessmentMaskOf(names: string | readonly string[]): number {
  const list = (typeof names === "string" ? names.split(",") : names).map((n) => n.trim()).filter((n) => n !== "" && n !== "none");
  return list.reduce((m, n) => m | (1 << enumValue(ASSESSMENT_KIND, n, "assessment kind")), 0);
}
