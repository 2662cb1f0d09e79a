/**
 * The one schema of the index, as an ordered migration list applied by both backends (portable SQL only:
 * TEXT, INTEGER, BIGINT). Never edit an applied migration; append a new one.
 *
 * Every indexed table is append-only and carries the {@link EVENT_COLUMNS}; current state is derived by queries
 * (latest row by (block_number, log_index) wins). See docs/indexer.md for the meaning of each column.
 */
import type { Db } from "./db";

/** Columns on every indexed row: where the event came from. Key: (chain_id, block_number, log_index). */
export const EVENT_COLUMNS = ["chain_id", "contract", "block_number", "log_index", "tx_hash", "block_time"] as const;

const EV = `chain_id INTEGER NOT NULL,
  contract TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  log_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  block_time BIGINT NOT NULL`;
const PK = "PRIMARY KEY (chain_id, block_number, log_index)";

/** Tables holding indexed chain data: a reorg rollback deletes from each `WHERE chain_id = ? AND block_number > ?`. */
export const INDEXED_TABLES = [
  "exchanges",
  "exchange_status_changes",
  "merchants",
  "merchant_status_changes",
  "recognitions",
  "assets",
  "asset_parents",
  "holdings",
  "freezes",
  "pledge_locks",
  "licences",
  "licence_revocations",
  "trades",
  "pledges",
  "pledge_status_changes",
  "evidence_batches",
  "evidence_items",
  "modules_wired",
  "other_events",
  "block_hashes",
] as const;

/** Name of an indexed table. */
export type IndexedTable = (typeof INDEXED_TABLES)[number];

/** One migration. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const V1 = `
CREATE TABLE IF NOT EXISTS checkpoints (
  chain_id INTEGER PRIMARY KEY,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  block_time BIGINT NOT NULL,
  head_block BIGINT NOT NULL,
  finalized_block BIGINT NOT NULL,
  confirmations INTEGER NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS block_hashes (
  chain_id INTEGER NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  parent_hash TEXT NOT NULL,
  block_time BIGINT NOT NULL,
  PRIMARY KEY (chain_id, block_number)
);
CREATE TABLE IF NOT EXISTS contracts (
  chain_id INTEGER NOT NULL,
  address TEXT NOT NULL,
  name TEXT NOT NULL,
  start_block BIGINT NOT NULL,
  PRIMARY KEY (chain_id, address)
);

CREATE TABLE IF NOT EXISTS exchanges (${EV},
  exchange TEXT NOT NULL, code TEXT NOT NULL, name TEXT NOT NULL, regulator TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS exchanges_exchange ON exchanges (exchange);
CREATE INDEX IF NOT EXISTS exchanges_code ON exchanges (code);

CREATE TABLE IF NOT EXISTS exchange_status_changes (${EV},
  exchange TEXT NOT NULL, status TEXT NOT NULL, regulator TEXT NOT NULL, reason TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS exchange_status_changes_exchange ON exchange_status_changes (exchange, block_number);

CREATE TABLE IF NOT EXISTS merchants (${EV},
  merchant TEXT NOT NULL, home_exchange TEXT NOT NULL, category TEXT NOT NULL, credential_digest TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS merchants_merchant ON merchants (merchant);
CREATE INDEX IF NOT EXISTS merchants_home_exchange ON merchants (home_exchange);

CREATE TABLE IF NOT EXISTS merchant_status_changes (${EV},
  merchant TEXT NOT NULL, status TEXT NOT NULL, by_account TEXT NOT NULL, by_regulator INTEGER NOT NULL,
  reason TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS merchant_status_changes_merchant ON merchant_status_changes (merchant, block_number);

CREATE TABLE IF NOT EXISTS recognitions (${EV},
  recogniser TEXT NOT NULL, subject TEXT NOT NULL, subject_kind TEXT NOT NULL, active INTEGER NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS recognitions_pair ON recognitions (recogniser, subject, block_number);
CREATE INDEX IF NOT EXISTS recognitions_subject ON recognitions (subject);

CREATE TABLE IF NOT EXISTS assets (${EV},
  asset_id TEXT NOT NULL, holder TEXT NOT NULL, exchange TEXT NOT NULL, exchange_code TEXT NOT NULL,
  sequence INTEGER NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL, level TEXT NOT NULL,
  metadata_digest TEXT NOT NULL, metadata_cid TEXT NOT NULL, consent_digest TEXT,
  registration_number TEXT NOT NULL, parent_count INTEGER NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS assets_asset_id ON assets (asset_id);
CREATE INDEX IF NOT EXISTS assets_registration_number ON assets (registration_number);
CREATE INDEX IF NOT EXISTS assets_holder ON assets (holder);
CREATE INDEX IF NOT EXISTS assets_exchange ON assets (exchange);
CREATE INDEX IF NOT EXISTS assets_kind ON assets (kind, source, level);

CREATE TABLE IF NOT EXISTS asset_parents (${EV},
  asset_id TEXT NOT NULL, parent_id TEXT NOT NULL, position INTEGER NOT NULL,
  PRIMARY KEY (chain_id, block_number, log_index, position));
CREATE INDEX IF NOT EXISTS asset_parents_asset ON asset_parents (asset_id);
CREATE INDEX IF NOT EXISTS asset_parents_parent ON asset_parents (parent_id);

CREATE TABLE IF NOT EXISTS holdings (${EV},
  asset_id TEXT NOT NULL, from_address TEXT NOT NULL, to_address TEXT NOT NULL, trade_id TEXT,
  kind TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS holdings_asset ON holdings (asset_id, block_number);
CREATE INDEX IF NOT EXISTS holdings_to ON holdings (to_address);
CREATE INDEX IF NOT EXISTS holdings_from ON holdings (from_address);
CREATE INDEX IF NOT EXISTS holdings_trade ON holdings (trade_id);

CREATE TABLE IF NOT EXISTS freezes (${EV},
  asset_id TEXT NOT NULL, frozen INTEGER NOT NULL, regulator TEXT NOT NULL, reason TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS freezes_asset ON freezes (asset_id, block_number);

CREATE TABLE IF NOT EXISTS pledge_locks (${EV},
  asset_id TEXT NOT NULL, pledged INTEGER NOT NULL, pledge_id TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS pledge_locks_asset ON pledge_locks (asset_id, block_number);

CREATE TABLE IF NOT EXISTS licences (${EV},
  licence_id TEXT NOT NULL, asset_id TEXT NOT NULL, grantee TEXT NOT NULL, grantor TEXT NOT NULL,
  "right" TEXT NOT NULL, scope_digest TEXT NOT NULL, start_time BIGINT NOT NULL, end_time BIGINT NOT NULL,
  exclusive INTEGER NOT NULL, sublicensable INTEGER NOT NULL, revocable INTEGER NOT NULL, trade_id TEXT, ${PK});
CREATE INDEX IF NOT EXISTS licences_licence ON licences (licence_id);
CREATE INDEX IF NOT EXISTS licences_asset ON licences (asset_id, block_number);
CREATE INDEX IF NOT EXISTS licences_grantee ON licences (grantee);
CREATE INDEX IF NOT EXISTS licences_trade ON licences (trade_id);

CREATE TABLE IF NOT EXISTS licence_revocations (${EV},
  licence_id TEXT NOT NULL, asset_id TEXT NOT NULL, by_account TEXT NOT NULL, by_regulator INTEGER NOT NULL,
  revoked_at BIGINT NOT NULL, reason TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS licence_revocations_licence ON licence_revocations (licence_id);
CREATE INDEX IF NOT EXISTS licence_revocations_asset ON licence_revocations (asset_id);

CREATE TABLE IF NOT EXISTS trades (${EV},
  trade_id TEXT NOT NULL, asset_id TEXT NOT NULL, exchange TEXT NOT NULL, seller TEXT NOT NULL, buyer TEXT NOT NULL,
  "right" TEXT NOT NULL, licence_id TEXT, price TEXT, currency TEXT, price_commitment TEXT,
  confidential INTEGER NOT NULL, contract_digest TEXT NOT NULL, venue TEXT NOT NULL, linked_trade_id TEXT, ${PK});
CREATE INDEX IF NOT EXISTS trades_trade ON trades (trade_id);
CREATE INDEX IF NOT EXISTS trades_asset ON trades (asset_id, block_number);
CREATE INDEX IF NOT EXISTS trades_seller ON trades (seller);
CREATE INDEX IF NOT EXISTS trades_buyer ON trades (buyer);
CREATE INDEX IF NOT EXISTS trades_exchange ON trades (exchange, block_time);
CREATE INDEX IF NOT EXISTS trades_time ON trades (block_time);
CREATE INDEX IF NOT EXISTS trades_linked ON trades (linked_trade_id);

CREATE TABLE IF NOT EXISTS pledges (${EV},
  pledge_id TEXT NOT NULL, asset_id TEXT NOT NULL, lender TEXT NOT NULL, holder TEXT NOT NULL, amount TEXT NOT NULL,
  currency TEXT NOT NULL, start_time BIGINT NOT NULL, end_time BIGINT NOT NULL, agreement_digest TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS pledges_pledge ON pledges (pledge_id);
CREATE INDEX IF NOT EXISTS pledges_asset ON pledges (asset_id);
CREATE INDEX IF NOT EXISTS pledges_lender ON pledges (lender);

CREATE TABLE IF NOT EXISTS pledge_status_changes (${EV},
  pledge_id TEXT NOT NULL, asset_id TEXT NOT NULL, status TEXT NOT NULL, by_account TEXT NOT NULL,
  reason TEXT NOT NULL, ${PK});
CREATE INDEX IF NOT EXISTS pledge_status_changes_pledge ON pledge_status_changes (pledge_id);
CREATE INDEX IF NOT EXISTS pledge_status_changes_asset ON pledge_status_changes (asset_id);

CREATE TABLE IF NOT EXISTS evidence_batches (${EV},
  root TEXT NOT NULL, exchange TEXT NOT NULL, asset_id TEXT, leaf_count BIGINT NOT NULL, manifest_cid TEXT NOT NULL,
  manifest_status TEXT NOT NULL DEFAULT 'pending', manifest_error TEXT, manifest_attempts INTEGER NOT NULL DEFAULT 0,
  manifest_checked_at BIGINT, ${PK});
CREATE INDEX IF NOT EXISTS evidence_batches_root ON evidence_batches (root);
CREATE INDEX IF NOT EXISTS evidence_batches_exchange ON evidence_batches (exchange);
CREATE INDEX IF NOT EXISTS evidence_batches_asset ON evidence_batches (asset_id);
CREATE INDEX IF NOT EXISTS evidence_batches_status ON evidence_batches (manifest_status);

CREATE TABLE IF NOT EXISTS evidence_items (${EV},
  batch_root TEXT NOT NULL, leaf_index INTEGER NOT NULL, tree_index INTEGER NOT NULL, item_digest TEXT NOT NULL,
  asset_id TEXT NOT NULL, label TEXT, leaf_hash TEXT NOT NULL,
  PRIMARY KEY (chain_id, block_number, log_index, leaf_index));
CREATE INDEX IF NOT EXISTS evidence_items_digest ON evidence_items (item_digest);
CREATE INDEX IF NOT EXISTS evidence_items_asset ON evidence_items (asset_id);
CREATE INDEX IF NOT EXISTS evidence_items_batch ON evidence_items (batch_root, leaf_index);

CREATE TABLE IF NOT EXISTS modules_wired (${EV},
  trade_recorder TEXT NOT NULL, pledge_registry TEXT NOT NULL, ${PK});

CREATE TABLE IF NOT EXISTS other_events (${EV},
  topic0 TEXT NOT NULL, topics TEXT NOT NULL, data TEXT NOT NULL, ${PK});
`;

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: "initial schema", sql: V1 },
  {
    version: 2,
    name: "evidence item proofs stored at index time",
    // sibling hashes from the leaf up, concatenated: "0x" + 64 hex per node ("0x" for a one-leaf batch)
    sql: "ALTER TABLE evidence_items ADD COLUMN proof TEXT",
  },
  {
    version: 3,
    name: "meta: what the index was built from (the chain's genesis hash)",
    // key/value facts about the index as a whole, e.g. `genesis:<chainId>` = the genesis block hash it indexed
    sql: "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
  },
];

const STATEMENT_SPLIT = /;\s*\n/;

/**
 * Applies the migrations not applied yet, each in its own transaction. Safe to call from several processes:
 * on PostgreSQL an advisory lock serialises them.
 * @returns the versions applied by this call
 */
export async function migrate(db: Db): Promise<number[]> {
  await db.exec(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
  );
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    const done = await db.transaction(async (tx) => {
      if (tx.dialect === "postgres") await tx.exec("SELECT pg_advisory_xact_lock(7305425)");
      const row = await tx.get("SELECT version FROM schema_migrations WHERE version = ?", [m.version]);
      if (row) return false;
      for (const stmt of m.sql.split(STATEMENT_SPLIT).map((s) => s.trim()).filter(Boolean)) await tx.exec(stmt);
      await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
        m.version,
        m.name,
        Math.floor(Date.now() / 1000),
      ]);
      return true;
    });
    if (done) applied.push(m.version);
  }
  return applied;
}
