/** The store: {@link Db} backends, migrations and the indexer's writes. */
export type { Db, SqlValue } from "./db";
export { toNumberedPlaceholders } from "./db";
export { createSqliteDb } from "./sqlite";
export { createPostgresDb, dropPostgresSchema } from "./postgres";
export { migrate, migrations, type MigrateOptions } from "./migrations";
export { refreshStatistics } from "./statistics";
export { blockTimeAt } from "./block-time";
export { rebuildDerived, CURRENT_HOLDER_SQL, DAY_SECONDS } from "./derived";
export { SCHEMA, EVENT_TABLES, INDEXED_TABLES, writtenColumns, type IndexedTable } from "./schema";
export { createIndexStore, insertRows, insertValues, toRowSet, type RowSet, type Checkpoint, type StoreRow } from "./index-store";
