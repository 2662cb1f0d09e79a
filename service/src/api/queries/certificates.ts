/**
 * Builds registration and trade certificates from the index (and, where a content store holds it, the
 * registration's metadata document for the asset's name, the registrant's name and credit code and the rights
 * claimed).
 */
import {
  certificateNumber,
  type CertificateParty,
  type CertificateRight,
  type RegistrationCertificate,
  type TradeCertificate,
} from "../../certificates";
import type { StoredRow } from "../../store/schema";
import type { FinalityCheck } from "../context";
import type { ApiContentStore } from "../types";
import type { ReadDb } from "../types";
import { getAsset, type AssetView } from "./assets";
import { getExchange } from "./participants";
import { getTrade } from "./trades";

/** What a certificate builder needs besides the store. */
export interface CertificateInputs {
  db: ReadDb;
  isFinal: FinalityCheck;
  contentStore?: ApiContentStore;
  /** Base URL of the public page (the asset link and QR code point under it). */
  publicUrl: string;
  /** Issue time, unix seconds. */
  now: number;
}

/** The parts of a registration metadata document a certificate shows (docs/metadata.md). */
interface MetadataSummary {
  assetName: string | null;
  registrantName: string | null;
  creditCode: string | null;
  rights: { right: string; scope: string; term?: { start?: string; end?: string } }[];
}

async function metadataOf(store: ApiContentStore | undefined, cid: string): Promise<MetadataSummary> {
  const empty: MetadataSummary = { assetName: null, registrantName: null, creditCode: null, rights: [] };
  if (!store) return empty;
  const bytes = await store.get(cid).catch(() => undefined);
  if (!bytes) return empty;
  try {
    const doc = JSON.parse(Buffer.from(bytes).toString("utf8")) as {
      asset?: { name?: unknown };
      registrant?: { name?: unknown; creditCode?: unknown };
      rights?: unknown;
    };
    const text = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null);
    const rights = Array.isArray(doc.rights)
      ? (doc.rights as { right?: unknown; scope?: unknown; term?: { start?: string; end?: string } }[]).filter(
          (r): r is { right: string; scope: string; term?: { start?: string; end?: string } } => typeof r.right === "string" && typeof r.scope === "string",
        )
      : [];
    return { assetName: text(doc.asset?.name), registrantName: text(doc.registrant?.name), creditCode: text(doc.registrant?.creditCode), rights };
  } catch {
    return empty;
  }
}

const unix = (date: string | undefined): number | null => {
  if (!date) return null;
  const t = Date.parse(date);
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
};

async function exchangeParty(db: ReadDb, address: string, isFinal: FinalityCheck): Promise<CertificateParty> {
  const ex = await getExchange(db, { address }, isFinal);
  return { address, name: ex?.name ?? null, code: ex?.code ?? null, codeKind: ex ? "exchange-code" : null };
}

async function merchantParty(db: ReadDb, address: string, registrant: { address: string; meta: MetadataSummary }): Promise<CertificateParty> {
  if (address === registrant.address && (registrant.meta.registrantName || registrant.meta.creditCode)) {
    return { address, name: registrant.meta.registrantName, code: registrant.meta.creditCode, codeKind: registrant.meta.creditCode ? "credit-code" : null };
  }
  const home = await db.get<Pick<StoredRow<"exchanges">, "code">>(
    `SELECT e.code FROM merchants m JOIN exchanges e ON e.exchange = m.home_exchange WHERE m.merchant = ? LIMIT 1`,
    [address],
  );
  return { address, name: null, code: home?.code ?? null, codeKind: home ? "home-exchange-code" : null };
}

function assetPart(a: AssetView, meta: MetadataSummary) {
  return { assetId: a.assetId, name: meta.assetName, kind: a.kind, source: a.source, level: a.level, metadataDigest: a.metadataDigest, metadataCid: a.metadataCid };
}

const link = (base: string, assetId: string): string => `${base.replace(/\/+$/, "")}/asset/${assetId}`;

async function asOfBlock(db: ReadDb, chainId: number): Promise<number> {
  const r = await db.get<{ b: number | string | null }>("SELECT MAX(block_number) AS b FROM checkpoints WHERE chain_id = ?", [chainId]);
  return Number(r?.b ?? 0);
}

/** The registration certificate of an asset, or undefined for an unknown asset. */
export async function registrationCertificate(assetId: string, p: CertificateInputs): Promise<RegistrationCertificate | undefined> {
  const a = await getAsset(p.db, assetId, p.isFinal);
  if (!a) return undefined;
  const meta = await metadataOf(p.contentStore, a.metadataCid);
  const registrant = { address: a.registeredHolder, meta };
  const claimed: CertificateRight[] = meta.rights.map((r) => ({ right: r.right, scope: r.scope, start: unix(r.term?.start), end: unix(r.term?.end) }));
  return {
    type: "shuquan/registration-certificate",
    certificateNumber: certificateNumber("R", a.assetId, p.now, a.exchangeCode),
    issuedAt: p.now,
    asOfBlock: await asOfBlock(p.db, a.registered.chainId),
    registrationNumber: a.registrationNumber,
    asset: assetPart(a, meta),
    holder: await merchantParty(p.db, a.holder, registrant),
    exchange: await exchangeParty(p.db, a.exchange, p.isFinal),
    rights: claimed.length > 0 ? claimed : [{ right: "holding", scope: "the whole asset", start: a.registered.blockTime, end: a.validUntil }],
    registeredAt: a.registered.blockTime,
    validUntil: a.validUntil,
    status: a.registrationStatus,
    frozen: a.frozen,
    pledged: a.pledged,
    link: link(p.publicUrl, a.assetId),
    chain: { chainId: a.registered.chainId, contract: a.registry, txHash: a.registered.txHash, blockNumber: a.registered.blockNumber, blockTime: a.registered.blockTime },
  };
}

/** The certificate of a trade (0x + 64 hex id), or undefined for an unknown trade. */
export async function tradeCertificate(tradeId: string, p: CertificateInputs): Promise<TradeCertificate | undefined> {
  const t = await getTrade(p.db, tradeId, p.isFinal);
  if (!t) return undefined;
  const a = await getAsset(p.db, t.assetId, p.isFinal);
  if (!a) return undefined;
  const meta = await metadataOf(p.contentStore, a.metadataCid);
  const registrant = { address: a.registeredHolder, meta };
  let rights: CertificateRight[] = [{ right: "holding", scope: "the whole asset", start: t.event.blockTime, end: null }];
  if (t.licenceId) {
    const l = await p.db.get<Pick<StoredRow<"licences">, "right" | "scope_digest" | "start_time" | "end_time">>(
      `SELECT "right", scope_digest, start_time, end_time FROM licences WHERE licence_id = ? AND trade_id = ? LIMIT 1`,
      [t.licenceId, t.tradeId],
    );
    if (l) rights = [{ right: l.right, scope: `scope document ${l.scope_digest}`, start: Number(l.start_time), end: Number(l.end_time) }];
  }
  return {
    type: "shuquan/trade-certificate",
    certificateNumber: certificateNumber("T", t.tradeId, p.now, (await exchangeParty(p.db, t.exchange, p.isFinal)).code ?? a.exchangeCode),
    issuedAt: p.now,
    asOfBlock: await asOfBlock(p.db, t.event.chainId),
    registrationNumber: a.registrationNumber,
    asset: assetPart(a, meta),
    tradeId: t.tradeId,
    seller: await merchantParty(p.db, t.seller, registrant),
    buyer: await merchantParty(p.db, t.buyer, registrant),
    exchange: await exchangeParty(p.db, t.exchange, p.isFinal),
    rights,
    right: t.right,
    licenceId: t.licenceId,
    price: t.price,
    currency: t.currency,
    confidential: t.confidential,
    contractDigest: t.contractDigest,
    venue: t.venue,
    linkedTradeId: t.linkedTradeId,
    recordedAt: t.event.blockTime,
    link: link(p.publicUrl, a.assetId),
    chain: { chainId: t.event.chainId, contract: t.event.contract, txHash: t.event.txHash, blockNumber: t.event.blockNumber, blockTime: t.event.blockTime },
  };
}
