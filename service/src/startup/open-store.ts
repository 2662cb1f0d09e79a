/**
 * Opens the index database for this process's role. The writer (ROLE=indexer or all) creates and migrates the
 * schema; a reader (ROLE=api) opens it read-only — on PostgreSQL every transaction is read-only — and waits for
 * the writer to have created the schema. An unreachable database is one clear line, not a stack trace.
 */
import type { Config } from "../config";
import type { Logger } from "../logger";
import type { Db } from "../store/db";
import { latestVersion, migrate } from "../store/migrations";
import { createPostgresDb } from "../store/postgres";
import { createSqliteDb } from "../store/sqlite";
import { redactUrl, StartupError } from "./preflight";

const CONNECT_TIMEOUT_MS = 10_000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms).unref())]);
}

/** The schema version this code expects. */
const SCHEMA_VERSION = latestVersion();

async function schemaVersion(db: Db): Promise<number> {
  try {
    const row = await db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM schema_migrations");
    return Number(row?.v ?? 0);
  } catch {
    return 0; // no table yet
  }
}

/** Opens (and for the writer, migrates) the configured database. */
export async function openStore(config: Config, p: { writer: boolean; logger: Logger }): Promise<Db> {
  const where = config.database.kind === "postgres" ? `PostgreSQL at ${redactUrl(config.database.url)}` : `SQLite at ${config.database.file}`;
  let db: Db;
  try {
    if (config.database.kind === "postgres") {
      db = await withTimeout(createPostgresDb(config.database.url, { schema: config.databaseSchema, readOnly: !p.writer, preparedStatements: config.preparedStatements }), CONNECT_TIMEOUT_MS, "connect");
      await withTimeout(db.get("SELECT 1 AS one"), CONNECT_TIMEOUT_MS, "connect");
    } else {
      db = createSqliteDb(config.database.file, { readonly: !p.writer });
    }
  } catch (e) {
    throw new StartupError(`cannot open the database (${where}): ${(e as Error).message}`);
  }
  if (p.writer) {
    try {
      await migrate(db);
    } catch (e) {
      await db.close().catch(() => undefined);
      throw new StartupError(`cannot prepare the database (${where}): ${(e as Error).message}`);
    }
    return db;
  }
  let told = false;
  for (;;) {
    const v = await schemaVersion(db);
    if (v >= SCHEMA_VERSION) return db;
    if (!told) p.logger.info(`waiting for the indexer (ROLE=indexer) to create the schema in ${where}`);
    told = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}
