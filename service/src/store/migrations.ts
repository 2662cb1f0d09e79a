/**
 * The versioned migrations of the index, derived from the table declarations in `schema.ts`: version N creates the
 * tables, columns and indexes declared with `since: N`. Both backends apply the same list (portable SQL only).
 * Append-only: an applied version must never change (test/service/store/migrations.test.ts pins versions 1 and 2 to
 * the DDL they have always had).
 */
import type { Db, Dialect } from "./db";
import { rebuildDerivedTables } from "./derived";
import { EVENT_COLUMN_DEFS, MIGRATION_NAMES, SCHEMA, type Column, type ColumnType, type EventTable, type IndexDef, type StoreTable } from "./schema";

/** One migration. */
export interface Migration {
  version: number;
  name: string;
  /** The statements, run in order in one transaction. */
  statements: readonly string[];
  /** A data step run after the statements, in the same transaction. */
  run?: (tx: Db) => Promise<void>;
}

/**
 * Steps run as code: versions that change rows, or whose DDL is one backend's only. 15 rebuilds every derived table
 * from the event tables: a store that already held rows when 10, 11 or 14 created a derived table got it empty, and
 * answered from it as if the registry had no holders, totals or prices before the upgrade. 17 collates PostgreSQL's
 * text columns "C" (nothing on SQLite).
 */
const DATA_STEPS: Readonly<Record<number, (tx: Db) => Promise<void>>> = {
  15: (tx) => rebuildDerivedTables(tx, 15),
  17: (tx) => compareTextByBytes(tx),
};

/**
 * From this version on, every text column on PostgreSQL is `COLLATE "C"`: compared byte by byte, as SQLite's BINARY
 * compares it. Before, a column took the database's default collation. With a language's collation (`en_US.UTF-8`,
 * an ICU locale) the two backends ordered the same rows differently, and the registration-number prefix search
 * (`col >= 'SHDE-' AND col < 'SHDE-~'`) found nothing, since such a collation puts `~` before the digits. Any collation
 * but "C" (`C.UTF-8` included) also slowed every sort of the index's hex ids: building an index on a hex column of
 * 60,000 rows took about 1.5 times as long (docs/indexer-benchmark-history.md, "Text in byte order on PostgreSQL").
 */
export const BYTE_ORDER_TEXT_VERSION = 17;

/**
 * How long a migration that locks tables waits for one that a reader holds (PostgreSQL `lock_timeout`). Kept below
 * the server's deadlock check (`deadlock_timeout`, 1 s by default): an API query that holds one table and waits for
 * another the migration has already locked is not chosen as a deadlock's victim, because the migration gives up
 * first, rolls back and is tried again ({@link migrate}).
 */
const LOCK_WAIT_MS = 100;
/** Attempts at a migration whose locks readers kept it from taking, the pause between them doubling to 2 s. */
const LOCK_TRIES = 100;

/** Version 17: the text columns created before it move to `COLLATE "C"` (PostgreSQL; SQLite already compares bytes). */
async function compareTextByBytes(tx: Db): Promise<void> {
  if (tx.dialect !== "postgres") return;
  const changes: [string, Column[]][] = [];
  for (const [name, table] of TABLES) {
    if (table.since >= BYTE_ORDER_TEXT_VERSION) continue;
    const text = (table.kind === "event" ? [...EVENT_COLUMN_DEFS, ...table.columns] : (table.columns as readonly Column[])).filter(
      (c) => c.type === "text" && sinceOf(table, c) < BYTE_ORDER_TEXT_VERSION,
    );
    if (text.length) changes.push([name, text]);
  }
  // Every table is locked before the first is altered, each lock waited for at most LOCK_WAIT_MS: taken one ALTER at
  // a time, a reader holding one table and waiting for another already altered was a deadlock, and its query failed.
  await tx.exec(`SET LOCAL lock_timeout = '${LOCK_WAIT_MS}ms'`);
  await tx.exec(`LOCK TABLE ${changes.map(([name]) => name).join(", ")} IN ACCESS EXCLUSIVE MODE`);
  await tx.exec("SET LOCAL lock_timeout = 0");
  // one statement per table: its indexes on these columns are rebuilt once, in the new order
  for (const [name, text] of changes) {
    await tx.exec(`ALTER TABLE ${name} ${text.map((c) => `ALTER COLUMN ${ident(c.name)} TYPE TEXT COLLATE "C"`).join(", ")}`);
  }
}

/** PostgreSQL's `lock_not_available`: a lock not granted within `lock_timeout`. */
const isLockTimeout = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === "55P03";

const SQL_TYPES: Record<Dialect, Record<ColumnType, string>> = {
  sqlite: { text: "TEXT", integer: "INTEGER", bigint: "BIGINT" },
  postgres: { text: "TEXT", integer: "INTEGER", bigint: "BIGINT" },
};

/** Column names that are reserved words in PostgreSQL or SQLite and must be quoted (always quote them in queries). */
const RESERVED = new Set([
  "all", "and", "any", "as", "asc", "both", "case", "cast", "check", "column", "constraint", "create", "default",
  "desc", "distinct", "do", "else", "end", "except", "false", "for", "foreign", "from", "full", "grant", "group",
  "having", "in", "inner", "into", "is", "join", "key", "left", "like", "limit", "natural", "not", "null", "offset",
  "on", "only", "or", "order", "outer", "primary", "references", "right", "select", "some", "table", "then", "to",
  "true", "union", "unique", "user", "using", "when", "where", "with",
]);

const ident = (name: string): string => (RESERVED.has(name) ? `"${name}"` : name);

type TableDef = EventTable | StoreTable;
const TABLES = Object.entries(SCHEMA) as [string, TableDef][];

const sinceOf = (table: TableDef, c: Column): number => c.since ?? table.since;
const indexOn = (i: IndexDef): readonly string[] => ("on" in i ? i.on : (i as readonly string[]));
const indexSince = (table: TableDef, i: IndexDef): number => ("since" in i ? i.since : table.since);
const indexDropped = (i: IndexDef): number | undefined => ("dropped" in i ? i.dropped : undefined);
const indexSql = (table: string, suffix: string, index: IndexDef): string =>
  `CREATE INDEX IF NOT EXISTS ${table}_${suffix} ON ${table} (${indexOn(index).map(ident).join(", ")})`;

function columnSql(c: Column, since: number, dialect: Dialect, inlineKey = false): string {
  const byteOrder = dialect === "postgres" && c.type === "text" && since >= BYTE_ORDER_TEXT_VERSION;
  const type = `${SQL_TYPES[dialect][c.type]}${byteOrder ? ' COLLATE "C"' : ""}`;
  if (inlineKey) return `${ident(c.name)} ${type} PRIMARY KEY`;
  return `${ident(c.name)} ${type}${c.nullable ? "" : " NOT NULL"}${c.default !== undefined ? ` DEFAULT ${c.default}` : ""}`;
}

function createTableSql(name: string, table: TableDef, dialect: Dialect): string {
  const own = (table.columns as readonly Column[]).filter((c) => sinceOf(table, c) <= table.since);
  if (table.kind === "event") {
    const cols = [...EVENT_COLUMN_DEFS, ...own].map((c) => columnSql(c, table.since, dialect));
    const key = ["chain_id", "block_number", "log_index", ...table.key].map(ident).join(", ");
    return `CREATE TABLE IF NOT EXISTS ${name} (${[...cols, `PRIMARY KEY (${key})`].join(", ")})`;
  }
  const single = table.primaryKey.length === 1 ? table.primaryKey[0] : undefined;
  const cols = own.map((c) => columnSql(c, table.since, dialect, c.name === single));
  if (!single) cols.push(`PRIMARY KEY (${table.primaryKey.map(ident).join(", ")})`);
  return `CREATE TABLE IF NOT EXISTS ${name} (${cols.join(", ")})`;
}

/** The statements of migration `version` on `dialect`, from the declarations in `schema.ts`. */
export function migrationStatements(version: number, dialect: Dialect): string[] {
  const out: string[] = [];
  for (const [name, table] of TABLES) {
    if (table.since === version) out.push(createTableSql(name, table, dialect));
    if (table.since < version) {
      for (const c of table.columns as readonly Column[]) {
        if (sinceOf(table, c) === version) out.push(`ALTER TABLE ${name} ADD COLUMN ${columnSql(c, version, dialect)}`);
      }
    }
    for (const [suffix, index] of Object.entries(table.indexes)) {
      if (indexSince(table, index) === version) {
        out.push(indexSql(name, suffix, index));
      }
      if (indexDropped(index) === version) out.push(`DROP INDEX IF EXISTS ${name}_${suffix}`);
    }
    if (table.since === version && table.kind === "store" && table.fill) out.push(table.fill);
  }
  return out;
}

/** A secondary index as the migrations leave it: its table, name and `CREATE INDEX IF NOT EXISTS` statement. */
export interface CurrentIndex {
  table: string;
  name: string;
  sql: string;
}

/** Every secondary index a fully migrated store has (declared, not dropped by a later version), with its DDL. */
export function currentIndexes(): CurrentIndex[] {
  const out: CurrentIndex[] = [];
  for (const [table, def] of TABLES) {
    for (const [suffix, index] of Object.entries(def.indexes)) {
      if (indexDropped(index) !== undefined) continue;
      out.push({ table, name: `${table}_${suffix}`, sql: indexSql(table, suffix, index) });
    }
  }
  return out;
}


/** The newest migration version the schema declares. */
export function latestVersion(): number {
  let v = 0;
  for (const [, table] of TABLES) {
    v = Math.max(v, table.since, ...(table.columns as readonly Column[]).map((c) => sinceOf(table, c)));
    v = Math.max(v, ...Object.values(table.indexes).map((i) => Math.max(indexSince(table, i), indexDropped(i) ?? 0)));
  }
  return Math.max(v, ...Object.keys(DATA_STEPS).map(Number));
}

/** What a version adds, as its name when `MIGRATION_NAMES` has none. */
function describe(version: number): string {
  const parts: string[] = [];
  for (const [name, table] of TABLES) {
    if (table.since === version) parts.push(`table ${name}`);
    else for (const c of table.columns as readonly Column[]) if (sinceOf(table, c) === version) parts.push(`column ${name}.${c.name}`);
  }
  return parts.length ? `add ${parts.join(", ")}` : "indexes";
}

/** The PostgreSQL advisory lock key that serialises migrations across processes. */
const MIGRATION_LOCK = 7305425;

/** Every migration, in order, for `dialect`. */
export function migrations(dialect: Dialect): Migration[] {
  return Array.from({ length: latestVersion() }, (_, i) => ({
    version: i + 1,
    name: MIGRATION_NAMES[i + 1] ?? describe(i + 1),
    statements: migrationStatements(i + 1, dialect),
    ...(DATA_STEPS[i + 1] ? { run: DATA_STEPS[i + 1] } : {}),
  }));
}

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** Apply the versions up to this one only (tests of an upgrade). Default: every version. */
  upTo?: number;
  /** Attempts at a version whose table locks queries keep it from taking before it fails. Default {@link LOCK_TRIES}. */
  lockTries?: number;
}

/**
 * Applies the migrations not applied yet, each in its own transaction. Safe to call from several processes:
 * on PostgreSQL an advisory lock serialises them. A version that could not take a table's lock from readers in time
 * is rolled back and tried again (up to {@link LOCK_TRIES} times), so the API beside it waits, never fails.
 * @returns the versions applied by this call
 */
export async function migrate(db: Db, options: MigrateOptions = {}): Promise<number[]> {
  // Under the lock too: two processes creating the table at once on PostgreSQL collide in its catalogue (a unique
  // violation on pg_type), so the second would fail instead of finding the table there.
  await db.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.exec(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  });
  const applied: number[] = [];
  for (const m of migrations(db.dialect).filter((m) => m.version <= (options.upTo ?? Infinity))) {
    if (await applyWithRetries(db, m, options.lockTries ?? LOCK_TRIES)) applied.push(m.version);
  }
  return applied;
}

/** One version, in one transaction, tried again while readers kept it from its locks. True when this call applied it. */
async function applyWithRetries(db: Db, m: Migration, tries: number): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce(db, m);
    } catch (e) {
      if (!isLockTimeout(e)) throw e;
      if (attempt >= tries) {
        throw new Error(`migration ${m.version} (${m.name}) could not lock its tables in ${tries} tries: queries kept holding them (${(e as Error).message})`, { cause: e });
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, LOCK_WAIT_MS * 2 ** (attempt - 1))));
    }
  }
}

function applyOnce(db: Db, m: Migration): Promise<boolean> {
  return db.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.exec(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    const row = await tx.get("SELECT version FROM schema_migrations WHERE version = ?", [m.version]);
    if (row) return false;
    for (const stmt of m.statements) await tx.exec(stmt);
    if (m.run) await m.run(tx);
    await tx.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", [
      m.version,
      m.name,
      Math.floor(Date.now() / 1000),
    ]);
    return true;
  });
}
