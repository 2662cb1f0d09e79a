/**
 * Authorised provenance (来源可溯): for each derivation (a child registered with a parent), the right that let the
 * registrant name that parent at that moment — its holding, or the processing licence in force — as the registry
 * checked it on chain. Saves an auditor from matching licences by time.
 */
import type { FinalityCheck } from "../context";
import type { ReadDb } from "../types";
import { eventRef, type EventRef } from "./rows";

/** What authorised one derivation. */
export interface DerivationView {
  child: string;
  parent: string;
  /** Who registered the child (its first holder). */
  registrant: string;
  /** The child's registration. */
  registered: EventRef;
  /** holding: the registrant held the parent; licence: a processing licence in force; unknown: not found in the index. */
  basis: "holding" | "licence" | "unknown";
  /** The licence, when basis is licence. */
  licence: { licenceId: string; grantor: string; start: number; end: number; granted: EventRef } | null;
  /** The holding move that made the registrant the parent's holder, when basis is holding. */
  holding: EventRef | null;
}

interface RegRow {
  chain_id: number;
  contract: string;
  block_number: number;
  log_index: number;
  tx_hash: string;
  block_time: number;
  asset_id: string;
  holder: string;
  parent_id: string;
}

type PositionRow = Omit<RegRow, "asset_id" | "holder" | "parent_id">;

/** The most children listed per asset. */
const MAX_DERIVATIONS = 100;

const BEFORE = "(x.block_number < ? OR (x.block_number = ? AND x.log_index < ?))";

async function authorise(db: ReadDb, r: RegRow, isFinal: FinalityCheck): Promise<DerivationView> {
  const at = [r.block_number, r.block_number, r.log_index];
  const base = { child: r.asset_id, parent: r.parent_id, registrant: r.holder, registered: eventRef(r, isFinal) };
  const held = await db.get<PositionRow & { to_address: string }>(
    `SELECT x.chain_id, x.contract, x.block_number, x.log_index, x.tx_hash, x.block_time, x.to_address FROM holdings x
     WHERE x.chain_id = ? AND x.asset_id = ? AND ${BEFORE} ORDER BY x.block_number DESC, x.log_index DESC LIMIT 1`,
    [r.chain_id, r.parent_id, ...at],
  );
  if (held && held.to_address === r.holder) return { ...base, basis: "holding", licence: null, holding: eventRef(held, isFinal) };
  const lic = await db.get<PositionRow & { licence_id: string; grantor: string; start_time: number; end_time: number }>(
    `SELECT x.chain_id, x.contract, x.block_number, x.log_index, x.tx_hash, x.block_time, x.licence_id, x.grantor, x.start_time, x.end_time
     FROM licences x WHERE x.chain_id = ? AND x.asset_id = ? AND x.grantee = ? AND x."right" = 'processing' AND ${BEFORE}
       AND x.start_time <= ? AND x.end_time > ?
       AND NOT EXISTS (SELECT 1 FROM licence_revocations v WHERE v.chain_id = x.chain_id AND v.licence_id = x.licence_id
         AND (v.block_number > x.block_number OR (v.block_number = x.block_number AND v.log_index > x.log_index)) AND v.revoked_at <= ?)
     ORDER BY x.block_number DESC, x.log_index DESC LIMIT 1`,
    [r.chain_id, r.parent_id, r.holder, ...at, r.block_time, r.block_time, r.block_time],
  );
  if (lic) {
    return {
      ...base,
      basis: "licence",
      licence: { licenceId: lic.licence_id, grantor: lic.grantor, start: Number(lic.start_time), end: Number(lic.end_time), granted: eventRef(lic, isFinal) },
      holding: null,
    };
  }
  return { ...base, basis: "unknown", licence: null, holding: null };
}

const SELECT = `SELECT a.chain_id, a.contract, a.block_number, a.log_index, a.tx_hash, a.block_time, a.asset_id, a.holder, p.parent_id
  FROM asset_parents p JOIN assets a ON a.chain_id = p.chain_id AND a.contract = p.contract AND a.block_number = p.block_number AND a.log_index = p.log_index`;

/** The derivations of `assetId` from its parents (up) and into its children (down, at most MAX_DERIVATIONS). */
export async function derivationsOf(
  db: ReadDb,
  assetId: string,
  isFinal: FinalityCheck,
): Promise<{ fromParents: DerivationView[]; intoChildren: DerivationView[] }> {
  const up = await db.all<RegRow>(`${SELECT} WHERE p.asset_id = ? ORDER BY p.position`, [assetId]);
  const down = await db.all<RegRow>(`${SELECT} WHERE p.parent_id = ? ORDER BY a.block_number, a.log_index LIMIT ${MAX_DERIVATIONS}`, [assetId]);
  return {
    fromParents: await Promise.all(up.map((r) => authorise(db, r, isFinal))),
    intoChildren: await Promise.all(down.map((r) => authorise(db, r, isFinal))),
  };
}
