/** The store: {@link Db} backends, migrations and the indexer's writes. */
import type { DatabaseConfig } from "../config";
import type { Db } from "./db";
import { migrate } from "./migrations";
import { createPostgresDb } from "./postgres";
import { createSqliteDb } from "./sqlite";

export type { Db, SqlValue } from "./db";
export { toNumberedPlaceholders } from "./db";
export { createSqliteDb } from "./sqlite";
export { createPostgresDb, dropPostgresSchema } from "./postgres";
export { migrate, migrations } from "./migrations";
export { refreshStatistics } from "./statistics";
export { blockTimeAt } from "./block-time";
export { rebuildDerived, CURRENT_HOLDER_SQL, DAY_SECONDS } from "./derived";
export { SCHEMA, EVENT_TABLES, INDEXED_TABLES, writtenColumns, type IndexedTable } from "./schema";
export { createIndexStore, insertRows, insertValues, toRowSet, type RowSet, type Checkpoint, type StoreRow } from "./index-store";

/** Opens the configured database and applies the migrations. */
export async function openDb(config: DatabaseConfig, options: { schema?: string } = {}): Promise<Db> {
  const db = config.kind === "postgres" ? await createPostgresDb(config.url, { schema: options.schema }) : createSqliteDb(config.file);
  await migrate(db);
  return db;
}
