/**
 * The one declaration of the index's tables. Each table's columns are listed once, here; from this come the DDL of
 * both backends and the versioned migrations (`migrations.ts`), the indexer's column lists and positional row types
 * (`indexer/handlers/`), and the row types the API reads (`api/queries/`). docs/indexer.md says what each column
 * means; docs/architecture.md shows how to add a table.
 *
 * Append-only, like the migrations it makes: a table or column carries the migration version (`since`) that creates
 * it. Never change what an applied version creates; add a table or column with the next version instead.
 */

/** SQL types, portable between SQLite and PostgreSQL. */
export type ColumnType = "text" | "integer" | "bigint";

/** One column. */
export interface Column<
  N extends string = string,
  T extends ColumnType = ColumnType,
  Nullable extends boolean = boolean,
  Later extends boolean = boolean,
> {
  readonly name: N;
  readonly type: T;
  readonly nullable: Nullable;
  /** SQL default expression, e.g. `'pending'` or `0`. */
  readonly default?: string;
  /** Migration version that adds the column to its existing table (default: the table's own version). */
  readonly since?: number;
  /** Written after insertion (by the manifest verifier), not by the row's writer: not in the writer's columns. */
  readonly later: Later;
}

/** Options of a column builder. */
interface ColumnOptions {
  nullable?: boolean;
  default?: string;
  since?: number;
  later?: boolean;
}

type NullableOf<O> = O extends { nullable: true } ? true : false;
type LaterOf<O> = O extends { later: true } ? true : false;

const column =
  <T extends ColumnType>(type: T) =>
  <const N extends string, const O extends ColumnOptions = Record<never, never>>(
    name: N,
    options?: O,
  ): Column<N, T, NullableOf<O>, LaterOf<O>> => ({
    name,
    type,
    nullable: (options?.nullable ?? false) as NullableOf<O>,
    later: (options?.later ?? false) as LaterOf<O>,
    ...(options?.default !== undefined ? { default: options.default } : {}),
    ...(options?.since !== undefined ? { since: options.since } : {}),
  });

/** TEXT: addresses, hashes and ids as lower-case 0x hex, amounts as decimal text, enum names. */
const text = column("text");
/** INTEGER: log indexes, counts, sequences, booleans as 0/1. */
const integer = column("integer");
/** BIGINT: block numbers and unix times. Read back as JS numbers on both backends. */
const bigint = column("bigint");

/** The columns every indexed row starts with: where the event came from. Key: (chain_id, block_number, log_index). */
export const EVENT_COLUMN_DEFS = [
  integer("chain_id"),
  text("contract"),
  bigint("block_number"),
  integer("log_index"),
  text("tx_hash"),
  bigint("block_time"),
] as const;

/** Names of {@link EVENT_COLUMN_DEFS}, in order. */
export const EVENT_COLUMNS = EVENT_COLUMN_DEFS.map((c) => c.name) as unknown as Names<typeof EVENT_COLUMN_DEFS>;

type Names<C extends readonly Column[]> = { readonly [I in keyof C]: C[I] extends Column<infer N> ? N : never };

/** Who writes an indexed table's rows. */
export type Writer =
  /** an event handler in `indexer/handlers/` */
  | "handler"
  /** the evidence manifest verifier (`indexer/manifests.ts`), once a manifest rebuilds its root */
  | "manifest verifier"
  /** the dispatcher, for logs of a followed contract that no handler maps */
  | "dispatcher"
  /** the receipt verifier (`indexer/receipt-manifests.ts`), once a receipt manifest rebuilds its root */
  | "receipt verifier";

/**
 * An index: its columns, the migration that adds it when later than the table, and the migration that drops it when a
 * later index serves its queries (kept declared so that the versions before keep creating it).
 */
export type IndexDef<C extends string = string> =
  | readonly C[]
  | { readonly on: readonly C[]; readonly since: number; readonly dropped?: number };

/** The sort key of every list (a table's key order): lists order by it so that the index below serves the page. */
const POSITION = ["chain_id", "block_number", "log_index"] as const;
/** An index on `column` then the key, added by migration 6: an equality filter on `column`, ordered by the key. */
const byKey = <const C extends string>(...columns: C[]) => ({ on: [...columns, ...POSITION], since: 6 }) as const;
/** Transaction search (`/v1/search` with a transaction hash) reads every event table by tx_hash. */
const TX = { on: ["tx_hash"], since: 6 } as const;
/** A version-1 index that migration 6 replaces with a key-ordered one. */
const replaced = <const C extends string>(...columns: C[]) => ({ on: columns, since: 1, dropped: 6 }) as const;
/**
 * The reports' partial days (api/queries/day-totals.ts) read a time window in chunks ordered by time then key:
 * added by migration 11 (on trades it replaces the version-1 block_time index, which it serves as well).
 */
const BY_TIME = { on: ["block_time", ...POSITION], since: 11 } as const;
/**
 * Migration 12 puts the regulated-use, lifecycle and consent lists on key-ordered indexes (as migration 6 did the
 * others): an equality filter on `column`, then the key, then `rest` (the receipts' leaf index, a violation's code).
 */
const byKey12 = <const C extends string>(column: C, ...rest: C[]) => ({ on: [column, ...POSITION, ...rest], since: 12 }) as const;
/** A version-7 index that a key-ordered one of migration 12 replaces. */
const replaced7 = <const C extends string>(...columns: C[]) => ({ on: columns, since: 7, dropped: 12 }) as const;
/** Transaction search over the tables of migrations 5 and 7 (migration 12). */
const TX12 = { on: ["tx_hash"], since: 12 } as const;

/** A table of indexed chain data: event columns first, rolled back on a reorg. */
export interface EventTable<C extends readonly Column[] = readonly Column[], W extends Writer = Writer> {
  readonly kind: "event";
  readonly since: number;
  readonly writer: W;
  /** The table's own columns, after the event columns. */
  readonly columns: C;
  /** Key columns after (chain_id, block_number, log_index), when one log makes several rows. */
  readonly key: readonly string[];
  /** Indexes by name suffix: `<table>_<suffix>`. */
  readonly indexes: Readonly<Record<string, IndexDef>>;
}

/** A table the store keeps for itself (progress, kept headers, followed contracts). */
export interface StoreTable<C extends readonly Column[] = readonly Column[]> {
  readonly kind: "store";
  readonly since: number;
  readonly columns: C;
  readonly primaryKey: readonly string[];
  /** Rolled back on a reorg like the event tables (kept block hashes). */
  readonly rolledBack: boolean;
  readonly indexes: Readonly<Record<string, IndexDef>>;
  /** A derived table's rows from the event tables already indexed, written by the migration that creates it. */
  readonly fill?: string;
  /** A derived table (store/derived.ts keeps it with every range): the event tables its rows are computed from. */
  readonly derivedFrom?: readonly string[];
}

type EventColumnName = (typeof EVENT_COLUMNS)[number];

/** Declares an event table. */
function eventTable<const C extends readonly Column[], const W extends Writer = "handler">(def: {
  since: number;
  columns: C;
  writer?: W;
  key?: readonly C[number]["name"][];
  indexes?: Readonly<Record<string, IndexDef<C[number]["name"] | EventColumnName>>>;
}): EventTable<C, W> {
  return {
    kind: "event",
    since: def.since,
    writer: (def.writer ?? "handler") as W,
    columns: def.columns,
    key: def.key ?? [],
    indexes: def.indexes ?? {},
  };
}

/** Declares a store table. */
function storeTable<const C extends readonly Column[]>(def: {
  since: number;
  columns: C;
  primaryKey: readonly C[number]["name"][];
  rolledBack?: boolean;
  indexes?: Readonly<Record<string, IndexDef<C[number]["name"]>>>;
  fill?: string;
  derivedFrom?: readonly string[];
}): StoreTable<C> {
  return {
    kind: "store", since: def.since, columns: def.columns, primaryKey: def.primaryKey, rolledBack: def.rolledBack ?? false, indexes: def.indexes ?? {},
    ...(def.fill !== undefined ? { fill: def.fill } : {}),
    ...(def.derivedFrom !== undefined ? { derivedFrom: def.derivedFrom } : {}),
  };
}

/** Trade row `t` has a link either way: its own, or a trade (of any chain) names it (`linked_trades`). */
export const LINKED_TRADE_SQL = "(t.linked_trade_id IS NOT NULL OR EXISTS (SELECT 1 FROM trades l WHERE l.linked_trade_id = t.trade_id))";
/** Every linked trade's `linked_trades` row, from the trades indexed (an empty table; `rebuildDerived`, migration 13). */
export const LINKED_TRADES_FILL = `INSERT INTO linked_trades (chain_id, block_number, log_index, trade_id)
  SELECT t.chain_id, t.block_number, t.log_index, t.trade_id FROM trades t WHERE ${LINKED_TRADE_SQL}`;

/** Rows of `alias` logged after registration row `a` (a registration cancelled and made again starts afresh). */
export const AFTER_REGISTRATION = (alias: string): string =>
  `(${alias}.block_number > a.block_number OR (${alias}.block_number = a.block_number AND ${alias}.log_index > a.log_index))`;
/** Registration row `a` is frozen now: its latest freeze row (after it) froze it. 1 or 0. */
export const FROZEN_SQL = `COALESCE((SELECT f.frozen FROM freezes f WHERE f.chain_id = a.chain_id AND f.contract = a.contract AND f.asset_id = a.asset_id
  AND ${AFTER_REGISTRATION("f")} ORDER BY f.block_number DESC, f.log_index DESC LIMIT 1), 0)`;
/** Registration row `a` is pledged now: its latest pledge-lock row (after it) locked it. 1 or 0. */
export const PLEDGED_SQL = `COALESCE((SELECT p.pledged FROM pledge_locks p WHERE p.chain_id = a.chain_id AND p.contract = a.contract AND p.asset_id = a.asset_id
  AND ${AFTER_REGISTRATION("p")} ORDER BY p.block_number DESC, p.log_index DESC LIMIT 1), 0)`;
/** Registration row `a` is its registry's latest of the asset id (an earlier one was cancelled). */
export const LATEST_REGISTRATION_SQL = `NOT EXISTS (SELECT 1 FROM assets b WHERE b.asset_id = a.asset_id AND b.chain_id = a.chain_id
  AND b.contract = a.contract AND ${AFTER_REGISTRATION("b")})`;

/**
 * The `asset_locks` rows of the current registrations of the assets `ids` selects (a subquery or a list, of asset
 * ids; one `?` per parameter in `params`, after `scope`): those frozen or pledged now.
 */
export function assetLocksInsert(scope: string, ids: string): string {
  return `INSERT INTO asset_locks (chain_id, contract, asset_id, block_number, log_index, frozen, pledged)
  SELECT s.chain_id, s.contract, s.asset_id, s.block_number, s.log_index, s.frozen, s.pledged FROM (
    SELECT a.chain_id, a.contract, a.asset_id, a.block_number, a.log_index, ${FROZEN_SQL} AS frozen, ${PLEDGED_SQL} AS pledged
    FROM assets a WHERE ${scope} a.asset_id IN (${ids}) AND ${LATEST_REGISTRATION_SQL}) s
  WHERE s.frozen = 1 OR s.pledged = 1`;
}
/** Every `asset_locks` row, from the rows indexed (an empty table; `rebuildDerived`, migration 16). */
export const ASSET_LOCKS_FILL = assetLocksInsert("", "SELECT asset_id FROM freezes UNION SELECT asset_id FROM pledge_locks");

/**
 * Every table, in creation order. To index a new event: add its table here with `since` = the next migration
 * version, then a handler in `indexer/handlers/` (docs/architecture.md, "Adding an event").
 */
/**
 * What the daily trade summaries (`trade_days`, `price_days`) are kept per: the UTC day and everything the price
 * report filters or groups by.
 */
const DAY_GROUP_COLUMNS = [
  bigint("day"),
  integer("chain_id"),
  text("exchange"),
  text("kind"),
  text("right"),
  text("venue"),
  integer("cross_border"),
  text("destination"),
  text("currency"),
] as const;
const DAY_GROUP_KEY = DAY_GROUP_COLUMNS.map((c) => c.name);

export const SCHEMA = {
  checkpoints: storeTable({
    since: 1,
    columns: [
      integer("chain_id"),
      bigint("block_number"),
      text("block_hash"),
      bigint("block_time"),
      bigint("head_block"),
      bigint("finalized_block"),
      integer("confirmations"),
      bigint("updated_at"),
    ],
    primaryKey: ["chain_id"],
  }),
  block_hashes: storeTable({
    since: 1,
    columns: [integer("chain_id"), bigint("block_number"), text("block_hash"), text("parent_hash"), bigint("block_time")],
    primaryKey: ["chain_id", "block_number"],
    rolledBack: true,
  }),
  contracts: storeTable({
    since: 1,
    columns: [integer("chain_id"), text("address"), text("name"), bigint("start_block")],
    primaryKey: ["chain_id", "address"],
  }),
  // what the index was built from (the chain's genesis hash), checked at every start
  meta: storeTable({
    since: 3,
    columns: [text("key"), text("value")],
    primaryKey: ["key"],
  }),

  // ParticipantRegistry
  exchanges: eventTable({
    since: 1,
    columns: [text("exchange"), text("code"), text("name"), text("regulator")],
    indexes: { exchange: ["exchange"], code: ["code"], tx: TX },
  }),
  exchange_status_changes: eventTable({
    since: 1,
    columns: [text("exchange"), text("status"), text("regulator"), text("reason")],
    indexes: { exchange: ["exchange", "block_number"], tx: TX },
  }),
  merchants: eventTable({
    since: 1,
    columns: [text("merchant"), text("home_exchange"), text("category"), text("credential_digest")],
    indexes: { merchant: ["merchant"], home_exchange: replaced("home_exchange"), home_key: byKey("home_exchange"), tx: TX },
  }),
  merchant_status_changes: eventTable({
    since: 1,
    columns: [text("merchant"), text("status"), text("by_account"), integer("by_regulator"), text("reason")],
    indexes: { merchant: ["merchant", "block_number"], tx: TX },
  }),
  recognitions: eventTable({
    since: 1,
    columns: [text("recogniser"), text("subject"), text("subject_kind"), integer("active")],
    indexes: { pair: ["recogniser", "subject", "block_number"], subject: ["subject"], tx: TX },
  }),

  // DataAssetRegistry
  assets: eventTable({
    since: 1,
    columns: [
      text("asset_id"),
      text("holder"),
      text("exchange"),
      text("exchange_code"),
      integer("sequence"),
      text("kind"),
      text("source"),
      text("level"),
      text("metadata_digest"),
      text("metadata_cid"),
      text("consent_digest", { nullable: true }),
      text("registration_number"),
      integer("parent_count"),
    ],
    indexes: {
      asset_id: ["asset_id"],
      registration_number: ["registration_number"],
      holder: ["holder"],
      exchange: replaced("exchange"),
      kind: replaced("kind", "source", "level"),
      exchange_key: byKey("exchange"),
      kind_key: byKey("kind"),
      tx: TX,
      time_key: BY_TIME,
      // an asset id's registrations in key order: the derived tables' "registration at or before" reads (migration 11)
      asset_key: { on: ["asset_id", ...POSITION], since: 11 },
    },
  }),
  asset_parents: eventTable({
    since: 1,
    columns: [text("asset_id"), text("parent_id"), integer("position")],
    key: ["position"],
    indexes: { asset: ["asset_id"], parent: ["parent_id"] },
  }),
  holdings: eventTable({
    since: 1,
    columns: [text("asset_id"), text("from_address"), text("to_address"), text("trade_id", { nullable: true }), text("kind")],
    indexes: {
      asset: replaced("asset_id", "block_number"),
      asset_key: byKey("asset_id"),
      to: ["to_address"],
      from: ["from_address"],
      trade: ["trade_id"],
      tx: TX,
    },
  }),
  freezes: eventTable({
    since: 1,
    columns: [text("asset_id"), integer("frozen"), text("regulator"), text("reason")],
    indexes: { asset: replaced("asset_id", "block_number"), asset_key: byKey("asset_id"), tx: TX },
  }),
  pledge_locks: eventTable({
    since: 1,
    columns: [text("asset_id"), integer("pledged"), text("pledge_id")],
    indexes: { asset: replaced("asset_id", "block_number"), asset_key: byKey("asset_id") },
  }),
  licences: eventTable({
    since: 1,
    columns: [
      text("licence_id"),
      text("asset_id"),
      text("grantee"),
      text("grantor"),
      text("right"),
      text("scope_digest"),
      bigint("start_time"),
      bigint("end_time"),
      integer("exclusive"),
      integer("sublicensable"),
      integer("revocable"),
      text("trade_id", { nullable: true }),
    ],
    indexes: {
      licence: ["licence_id"],
      asset: replaced("asset_id", "block_number"),
      asset_key: byKey("asset_id"),
      grantee: replaced("grantee"),
      grantee_key: byKey("grantee"),
      grantor_key: byKey("grantor"),
      trade: ["trade_id"],
      tx: TX,
    },
  }),
  licence_revocations: eventTable({
    since: 1,
    columns: [text("licence_id"), text("asset_id"), text("by_account"), integer("by_regulator"), bigint("revoked_at"), text("reason")],
    indexes: { licence: ["licence_id"], asset: replaced("asset_id"), asset_key: byKey("asset_id"), tx: TX },
  }),

  // TradeRecorder
  trades: eventTable({
    since: 1,
    columns: [
      text("trade_id"),
      text("asset_id"),
      text("exchange"),
      text("seller"),
      text("buyer"),
      text("right"),
      text("licence_id", { nullable: true }),
      text("price", { nullable: true }),
      text("currency", { nullable: true }),
      text("price_commitment", { nullable: true }),
      integer("confidential"),
      text("contract_digest"),
      text("venue"),
      text("linked_trade_id", { nullable: true }),
    ],
    indexes: {
      trade: ["trade_id"],
      asset: replaced("asset_id", "block_number"),
      seller: replaced("seller"),
      buyer: replaced("buyer"),
      exchange: replaced("exchange", "block_time"),
      time: { on: ["block_time"], since: 1, dropped: 11 },
      time_key: BY_TIME,
      linked: ["linked_trade_id"],
      asset_key: byKey("asset_id"),
      seller_key: byKey("seller"),
      buyer_key: byKey("buyer"),
      exchange_key: byKey("exchange"),
      tx: TX,
    },
  }),

  // PledgeRegistry
  pledges: eventTable({
    since: 1,
    columns: [
      text("pledge_id"),
      text("asset_id"),
      text("lender"),
      text("holder"),
      text("amount"),
      text("currency"),
      bigint("start_time"),
      bigint("end_time"),
      text("agreement_digest"),
    ],
    indexes: { pledge: ["pledge_id"], asset: ["asset_id"], lender: ["lender"], holder_key: byKey("holder"), tx: TX, time_key: BY_TIME },
  }),
  pledge_status_changes: eventTable({
    since: 1,
    columns: [text("pledge_id"), text("asset_id"), text("status"), text("by_account"), text("reason")],
    indexes: { pledge: ["pledge_id"], asset: ["asset_id"], tx: TX },
  }),

  // Consent and the regulator's corrections (issue 9), from every contract: one row per event. `kind` names it
  // (application-cancelled, registration-cancelled, registration-reassigned, asset-deidentified, merchant-moved,
  // merchant-rehomed, merchant-offboarded, onboarding-consent-cancelled, derivation-approved); `subject` is the asset
  // id or the merchant; `party` the holder, the new home or the approved child; `counterparty` the former holder or
  // home; `digest` the reason, finding or credential digest; `detail` a reason text or number (epoch, nonce, pledge).
  consent_events: eventTable({
    since: 8,
    columns: [
      text("kind"),
      text("subject"),
      text("party", { nullable: true }),
      text("counterparty", { nullable: true }),
      text("by_account"),
      text("digest", { nullable: true }),
      text("detail", { nullable: true }),
    ],
    // key-ordered as the lists read them (newest first by subject or kind); tx_hash as every event table since 6
    indexes: { subject: ["subject", ...POSITION], kind: ["kind", ...POSITION], tx: ["tx_hash"] },
  }),

  // EvidenceAnchor
  evidence_batches: eventTable({
    since: 1,
    columns: [
      text("root"),
      text("exchange"),
      text("asset_id", { nullable: true }),
      bigint("leaf_count"),
      text("manifest_cid"),
      text("manifest_status", { default: "'pending'", later: true }),
      text("manifest_error", { nullable: true, later: true }),
      integer("manifest_attempts", { default: "0", later: true }),
      bigint("manifest_checked_at", { nullable: true, later: true }),
      // when an unavailable manifest is due again (ms since the epoch; null: at once)
      bigint("manifest_retry_at", { nullable: true, later: true, since: 4 }),
    ],
    indexes: {
      root: ["root"],
      exchange: ["exchange"],
      asset: replaced("asset_id"),
      asset_key: byKey("asset_id"),
      status: ["manifest_status"],
      tx: TX,
      time_key: BY_TIME,
    },
  }),
  evidence_items: eventTable({
    since: 1,
    writer: "manifest verifier",
    columns: [
      text("batch_root"),
      integer("leaf_index"),
      integer("tree_index"),
      text("item_digest"),
      text("asset_id"),
      text("label", { nullable: true }),
      text("leaf_hash"),
      // sibling hashes from the leaf up, concatenated: "0x" + 64 hex per node ("0x" for a one-leaf batch)
      text("proof", { nullable: true, since: 2 }),
    ],
    key: ["leaf_index"],
    indexes: {
      digest: ["item_digest"],
      asset: replaced("asset_id"),
      asset_key: { on: ["asset_id", ...POSITION, "leaf_index"], since: 6 },
      batch: ["batch_root", "leaf_index"],
    },
  }),

  // DataAssetRegistry again (wired once by its deployer)
  modules_wired: eventTable({
    since: 1,
    columns: [text("trade_recorder"), text("pledge_registry")],
  }),

  // RegistrationLifecycle, and DataAssetRegistry's AssetStatusChanged: one row per lifecycle event, `event` names it
  // (status, terms, objection, resolution, notice_closed, renewal, validity_limit, change, correction, cancellation_request,
  // cancellation); the other columns are null where the event does not carry them (docs/lifecycle.md)
  lifecycle_events: eventTable({
    since: 5,
    columns: [
      text("asset_id", { nullable: true }),
      text("event"),
      text("status", { nullable: true }),
      bigint("valid_until", { nullable: true }),
      bigint("previous_valid_until", { nullable: true }),
      text("actor", { nullable: true }),
      text("objection_id", { nullable: true }),
      integer("upheld", { nullable: true }),
      integer("by_regulator", { nullable: true }),
      integer("own_earlier_right", { nullable: true }),
      text("digest", { nullable: true }),
      text("ref_digest", { nullable: true }),
      text("cid", { nullable: true }),
      text("reason", { nullable: true }),
      integer("notice_days", { nullable: true }),
      integer("term_days", { nullable: true }),
      integer("window_days", { nullable: true }),
    ],
    indexes: {
      asset: ["asset_id", "event", "block_number"],
      event: { on: ["event", "block_number"], since: 5, dropped: 12 },
      objection: ["objection_id"],
      actor: { on: ["actor"], since: 5, dropped: 12 },
      asset_key: byKey12("asset_id"),
      event_key: byKey12("event"),
      actor_key: byKey12("actor"),
      tx: TX12,
    },
  }),

  // ReceiptAnchor (docs/regulated-use.md)
  receipt_batches: eventTable({
    since: 7,
    columns: [
      text("root"),
      text("submitter"),
      bigint("leaf_count"),
      text("manifest_cid"),
      text("manifest_status", { default: "'pending'", later: true }),
      text("manifest_error", { nullable: true, later: true }),
      integer("manifest_attempts", { default: "0", later: true }),
      bigint("manifest_checked_at", { nullable: true, later: true }),
      // when an unavailable manifest is due again (ms since the epoch; null: at once), as evidence_batches since 4
      bigint("manifest_retry_at", { nullable: true, later: true, since: 9 }),
    ],
    indexes: {
      root: ["root"],
      submitter: replaced7("submitter"),
      status: replaced7("manifest_status"),
      submitter_key: byKey12("submitter"),
      status_key: byKey12("manifest_status"),
      tx: TX12,
    },
  }),
  receipt_operators: eventTable({
    since: 7,
    columns: [text("licensee"), text("operator"), integer("authorised")],
    indexes: { pair: ["licensee", "operator", "block_number"], tx: TX12 },
  }),
  // one row per receipt of a batch whose manifest rebuilds the anchored root; the licence's asset and grantor as
  // indexed at the batch's position
  receipts: eventTable({
    since: 7,
    writer: "receipt verifier",
    columns: [
      text("batch_root"),
      integer("leaf_index"),
      text("licence_id"),
      text("licensee"),
      text("submitter"),
      text("asset_id", { nullable: true }),
      text("licensor", { nullable: true }),
      text("purpose_digest"),
      text("inputs_root"),
      // the input digests, comma-separated
      text("inputs"),
      text("output_digest"),
      text("parameters_digest"),
      bigint("start_time"),
      bigint("end_time"),
      text("leaf_hash"),
      text("proof"),
      integer("violation_count"),
    ],
    key: ["leaf_index"],
    indexes: {
      licence: replaced7("licence_id", "block_number"),
      asset: replaced7("asset_id", "block_number"),
      licensee: replaced7("licensee", "block_number"),
      batch: ["batch_root", "leaf_index"],
      leaf: ["leaf_hash"],
      licence_key: byKey12("licence_id", "leaf_index"),
      asset_key: byKey12("asset_id", "leaf_index"),
      licensee_key: byKey12("licensee", "leaf_index"),
      batch_key: byKey12("batch_root", "leaf_index"),
    },
  }),
  // what a receipt did outside its licence (one row per receipt and reason); never dropped
  receipt_violations: eventTable({
    since: 7,
    writer: "receipt verifier",
    columns: [
      text("batch_root"),
      integer("leaf_index"),
      text("code"),
      text("detail"),
      text("licence_id"),
      text("asset_id", { nullable: true }),
      text("licensor", { nullable: true }),
      text("licensee"),
      text("submitter"),
    ],
    key: ["leaf_index", "code"],
    indexes: {
      batch: ["batch_root", "leaf_index"],
      licensor: replaced7("licensor", "block_number"),
      licensee: replaced7("licensee", "block_number"),
      asset: replaced7("asset_id"),
      time: ["block_number"],
      licensor_key: byKey12("licensor", "leaf_index", "code"),
      licensee_key: byKey12("licensee", "leaf_index", "code"),
      asset_key: byKey12("asset_id", "leaf_index", "code"),
      licence_key: byKey12("licence_id", "leaf_index", "code"),
      code_key: byKey12("code", "leaf_index"),
    },
  }),

  // TradeRecorder: the cross-border terms of a trade (its row in `trades` comes from the same transaction)
  cross_border_trades: eventTable({
    since: 7,
    columns: [text("trade_id"), text("asset_id"), text("mechanism"), text("filing_digest", { nullable: true }), text("destination")],
    indexes: {
      trade: ["trade_id"],
      asset: replaced7("asset_id"),
      destination: replaced7("destination", "block_time"),
      asset_key: byKey12("asset_id"),
      destination_key: byKey12("destination"),
      mechanism_key: byKey12("mechanism"),
      tx: TX12,
    },
  }),

  // AssessmentRegistry
  assessor_grants: eventTable({
    since: 7,
    columns: [text("merchant"), text("by_account"), integer("categories"), integer("by_regulator")],
    indexes: { merchant: ["merchant", "block_number"], tx: TX12 },
  }),
  assessments: eventTable({
    since: 7,
    columns: [
      text("assessment_id"),
      text("asset_id"),
      text("assessor"),
      text("kind"),
      text("result"),
      text("value", { nullable: true }),
      text("currency", { nullable: true }),
      text("report_digest"),
      text("report_cid"),
      bigint("valid_until"),
    ],
    indexes: {
      assessment: ["assessment_id"],
      asset: replaced7("asset_id", "block_number"),
      assessor: replaced7("assessor"),
      asset_key: byKey12("asset_id"),
      assessor_key: byKey12("assessor"),
      kind_key: byKey12("kind"),
      tx: TX12,
    },
  }),
  assessment_responses: eventTable({
    since: 7,
    columns: [text("assessment_id"), text("asset_id"), text("holder"), text("response_digest"), text("response_cid")],
    indexes: { assessment: ["assessment_id"], asset: ["asset_id"], tx: TX12 },
  }),
  assessment_withdrawals: eventTable({
    since: 7,
    columns: [text("assessment_id"), text("asset_id"), text("by_account"), integer("by_regulator"), text("reason")],
    indexes: { assessment: ["assessment_id"], asset: ["asset_id"], tx: TX12 },
  }),
  assessment_policies: eventTable({
    since: 7,
    columns: [text("exchange"), integer("listing_kinds"), integer("pledge_kinds")],
    indexes: { exchange: ["exchange", "block_number"], tx: TX12 },
  }),

  // Derived tables (store/derived.ts): kept by the store in the same transaction as each range's rows and each
  // rollback, from the event tables alone, so that a reorg leaves them exactly as a rebuild would (`rebuildDerived`).

  // the current holder of each asset's current registration (the latest holdings row after it, else the holder it
  // was registered to), at the registration's position: `/v1/assets?holder=` reads a holder's page in key order
  current_holders: storeTable({
    since: 10,
    columns: [integer("chain_id"), text("contract"), text("asset_id"), bigint("block_number"), integer("log_index"), text("holder")],
    primaryKey: ["chain_id", "asset_id", "contract"],
    indexes: { holder_key: ["holder", "chain_id", "block_number", "log_index"] },
    derivedFrom: ["assets", "holdings"],
  }),
  // every trade with a link either way (its linked_trade_id is set, or another trade's names it), at the trade's
  // position: `/v1/trades?linked=true` reads a page in key order instead of merging the trades that link with those
  // linked to (the second a read of every link: 429 ms at 1M trades on PostgreSQL)
  linked_trades: storeTable({
    since: 13,
    columns: [integer("chain_id"), bigint("block_number"), integer("log_index"), text("trade_id")],
    primaryKey: ["chain_id", "block_number", "log_index"],
    indexes: { trade: ["trade_id"] },
    // a store indexed before this table has its links already (store/derived.ts keeps them from then on)
    fill: LINKED_TRADES_FILL,
    derivedFrom: ["trades"],
  }),
  // trades per UTC day (block_time / 86400) and everything the price report filters or groups by, one row per
  // distinct price: the report reads the days asked, not the trades. '' stands for none (kind: asset not indexed;
  // destination: domestic; currency and price: not disclosed)
  trade_days: storeTable({
    since: 11,
    columns: [...DAY_GROUP_COLUMNS, text("price"), bigint("trades")],
    primaryKey: [...DAY_GROUP_KEY, "price"],
    derivedFrom: ["trades", "cross_border_trades", "assets"],
  }),
  // the activity report's counters per UTC day, chain and exchange ('' for pledges, which name none)
  activity_days: storeTable({
    since: 11,
    columns: [
      bigint("day"),
      integer("chain_id"),
      text("exchange"),
      bigint("registrations"),
      bigint("trades"),
      bigint("confidential_trades"),
      bigint("pledges"),
      bigint("evidence_batches"),
      bigint("evidence_items"),
    ],
    primaryKey: ["day", "chain_id", "exchange"],
    derivedFrom: ["assets", "trades", "pledges", "evidence_batches"],
  }),

  // the price report's summary per UTC day and everything it filters or groups by (trade_days' key less the price):
  // exact trade count, volume (sum), min and max, and a mergeable log-bucket histogram of the prices
  // (store/price-sketch.ts) from which the quartiles are estimated within a stated relative accuracy. The report
  // merges one row per day and group, not one per distinct price. Undisclosed prices (currency ''): count only,
  // volume '0', min, max and sketch ''
  price_days: storeTable({
    since: 14,
    columns: [...DAY_GROUP_COLUMNS, bigint("trades"), text("volume"), text("min_price"), text("max_price"), text("sketch")],
    primaryKey: DAY_GROUP_KEY,
    derivedFrom: ["trades", "cross_border_trades", "assets"],
  }),

  // the current registrations frozen or pledged now, at the registration's position: `/v1/assets?status=frozen`
  // (and `pledged`) reads a page of them in key order by the index the flag leads, instead of working out the state of
  // every asset ever frozen before it keeps the page (28 ms p99 on PostgreSQL at 10M items, 1.75× its 10k figure on
  // SQLite). A row goes when its asset is neither any more, or is registered again
  asset_locks: storeTable({
    since: 16,
    columns: [integer("chain_id"), text("contract"), text("asset_id"), bigint("block_number"), integer("log_index"), integer("frozen"), integer("pledged")],
    primaryKey: ["chain_id", "asset_id", "contract"],
    indexes: { frozen_key: ["frozen", "chain_id", "block_number", "log_index"], pledged_key: ["pledged", "chain_id", "block_number", "log_index"] },
    fill: ASSET_LOCKS_FILL,
    derivedFrom: ["assets", "freezes", "pledge_locks"],
  }),

  // any other log of a followed contract (AccessControl, ERC-721 Approval …), kept raw
  other_events: eventTable({
    since: 1,
    writer: "dispatcher",
    columns: [text("topic0"), text("topics"), text("data")],
  }),
} as const;

/** Names of the migrations, by version (informational: stored in `schema_migrations.name`). */
export const MIGRATION_NAMES: Readonly<Record<number, string>> = {
  1: "initial schema",
  2: "evidence item proofs stored at index time",
  3: "meta: what the index was built from (the chain's genesis hash)",
  4: "evidence manifests: when an unavailable one is due again (a retry queue that never holds up later batches)",
  5: "lifecycle_events: registration status history, objections, renewals, changes, cancellations",
  6: "indexes in each list's filter and key order; tx_hash for transaction search",
  7: "regulated use: processing receipts and violations, third-party assessments, cross-border trades",
  8: "consent_events: registration corrections, merchant moves, de-identification findings, consent cancellations",
  9: "receipt manifests: the evidence manifests' retry queue (an unavailable one never holds up later batches)",
  10: "current_holders: each asset's current holder kept at index time (assets by current holder, in key order)",
  11: "trade_days, activity_days: per-day totals kept at index time; block_time indexes for the reports' partial days",
  12: "regulated-use, lifecycle and consent lists on key-ordered indexes; tx_hash on their tables for transaction search",
  13: "linked_trades: the trades with a link either way kept at index time (linked trades in key order)",
  14: "price_days: per-day price summaries (exact totals, log-bucket quantile sketch) kept at index time",
  15: "derived tables rebuilt from the event tables (a store upgraded with rows got them empty from 10, 11 and 14)",
  16: "asset_locks: the current registrations frozen or pledged now, kept at index time",
  17: 'text compared byte by byte on PostgreSQL (COLLATE "C"), as on SQLite: one order on both backends, prefix search under any database locale',
};

type Schema = typeof SCHEMA;

/** Any table's name. */
export type TableName = keyof Schema;

/** Names of the tables of indexed chain data (event columns first). */
export type EventTableName = { [K in TableName]: Schema[K] extends EventTable ? K : never }[TableName];

/** Tables whose rows an event handler writes. */
export type HandledTable = { [K in TableName]: Schema[K] extends EventTable<readonly Column[], "handler"> ? K : never }[TableName];

/** The JS value of a column: TEXT → string, INTEGER/BIGINT → number; nullable → or null. */
export type ValueOf<C> = C extends Column<string, infer T, infer Nullable>
  ? (T extends "text" ? string : number) | (Nullable extends true ? null : never)
  : never;

type RowObject<C extends readonly Column[]> = { [K in C[number] as K["name"]]: ValueOf<K> };
type Simplify<T> = { [K in keyof T]: T[K] };

/** The event columns of a row as read back. */
export type EventRow = RowObject<typeof EVENT_COLUMN_DEFS>;

/** A whole row of a table as read back (`SELECT *`): event columns first for event tables. */
export type StoredRow<T extends TableName> = Simplify<
  (Schema[T] extends EventTable ? EventRow : unknown) & RowObject<Schema[T]["columns"]>
>;

/** Some columns of a table's row, with the event columns for an event table (what `eventCols(…)` plus these select). */
export type RowOf<T extends TableName, K extends keyof RowObject<Schema[T]["columns"]>> = Simplify<
  (Schema[T] extends EventTable ? EventRow : unknown) & Pick<RowObject<Schema[T]["columns"]>, K>
>;

/** Some columns of a table's row, without the event columns. */
export type ColumnsOf<T extends TableName, K extends keyof StoredRow<T>> = Pick<StoredRow<T>, K>;

type Written<C> = C extends readonly [infer H, ...infer R] ? (H extends { later: true } ? Written<R> : [ValueOf<H>, ...Written<R>]) : [];

/** A handled table's own values in column order, as a handler writes them (columns set later left out). */
export type WrittenValues<T extends HandledTable> = Written<Schema[T]["columns"]>;

const isEvent = (t: EventTable | StoreTable): t is EventTable => t.kind === "event";

/** Tables of indexed chain data, in declaration order. */
export const EVENT_TABLES = (Object.keys(SCHEMA) as TableName[]).filter((t) => isEvent(SCHEMA[t])) as EventTableName[];

/**
 * Tables holding indexed chain data: a reorg rollback deletes from each `WHERE chain_id = ? AND block_number > ?`.
 * The event tables, then the kept block hashes.
 */
export const INDEXED_TABLES: readonly (EventTableName | "block_hashes")[] = [
  ...EVENT_TABLES,
  ...(Object.keys(SCHEMA) as TableName[]).filter((t): t is "block_hashes" => !isEvent(SCHEMA[t]) && (SCHEMA[t] as StoreTable).rolledBack),
];

/** Name of a table of {@link INDEXED_TABLES}. */
export type IndexedTable = (typeof INDEXED_TABLES)[number];

/** The columns a table's writer inserts, in order: event columns, then the table's own (those set later left out). */
export function writtenColumns(table: EventTableName): readonly string[] {
  return [...EVENT_COLUMNS, ...(SCHEMA[table].columns as readonly Column[]).filter((c) => !c.later).map((c) => c.name)];
}

/** The declared type of `table`.`column` (event columns included), or undefined for a name the schema does not declare. */
export function columnType(table: string, column: string): ColumnType | undefined {
  if (!Object.prototype.hasOwnProperty.call(SCHEMA, table)) return undefined;
  const t = SCHEMA[table as TableName] as EventTable | StoreTable;
  const own = (t.columns as readonly Column[]).find((c) => c.name === column);
  if (own) return own.type;
  return isEvent(t) ? EVENT_COLUMN_DEFS.find((c) => c.name === column)?.type : undefined;
}

/** The derived tables (store/derived.ts keeps them with every range), each with the event tables it is computed from. */
export const DERIVED_TABLES = (Object.keys(SCHEMA) as TableName[]).filter((t) => {
  const def = SCHEMA[t];
  return def.kind === "store" && def.derivedFrom !== undefined;
});

/** The event tables any derived table is computed from: a range that writes none of them leaves them all alone. */
export const DERIVED_SOURCE_TABLES: ReadonlySet<string> = new Set(
  DERIVED_TABLES.flatMap((t) => {
    const sources = (SCHEMA[t] as StoreTable).derivedFrom ?? [];
    for (const s of sources) if (!(EVENT_TABLES as readonly string[]).includes(s)) throw new Error(`schema: ${t} is derived from ${s}, which is no event table`);
    return sources;
  }),
);

/** The event tables `table` (a derived table) is computed from. */
export function derivedFrom(table: TableName): readonly string[] {
  return (SCHEMA[table] as StoreTable).derivedFrom ?? [];
}
