/**
 * The store backends every store/indexer test runs against: SQLite (temp file) and PostgreSQL (a fresh schema per
 * open, dropped on cleanup). PostgreSQL: DATABASE_URL if it is a postgres URL, else the local test server.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { createPostgresDb, createSqliteDb, dropPostgresSchema, migrate, type Db } from "../../service/src/store";

/** Where PostgreSQL tests connect. */
export const PG_URL =
  process.env.DATABASE_URL && /^postgres/.test(process.env.DATABASE_URL)
    ? process.env.DATABASE_URL
    : "postgres://postgres@127.0.0.1:5432/test";

/** An opened, migrated database and how to reopen or remove it. */
export interface OpenedDb {
  db: Db;
  /** A string a child process can use to open the same database (file path or `postgres://…#schema`). */
  locator: string;
  /** Opens another connection to the same database. */
  reopen(): Promise<Db>;
  /** Closes and deletes the database. */
  cleanup(): Promise<void>;
}

/** A backend to parametrise over. */
export interface Backend {
  name: "sqlite" | "postgres";
  /** Opens an empty database, migrated unless `migrate` is false. */
  open(options?: { migrate?: boolean }): Promise<OpenedDb>;
}

/** Both backends. */
export const BACKENDS: Backend[] = [
  {
    name: "sqlite",
    async open(options = {}) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-store-"));
      const file = path.join(dir, "index.sqlite");
      const db = createSqliteDb(file);
      if (options.migrate !== false) await migrate(db);
      const extra: Db[] = [];
      return {
        db,
        locator: file,
        async reopen() {
          const d = createSqliteDb(file);
          extra.push(d);
          return d;
        },
        async cleanup() {
          for (const d of extra) await d.close().catch(() => undefined);
          await db.close().catch(() => undefined);
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: "postgres",
    async open(options = {}) {
      const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString("hex")}`;
      const db = await createPostgresDb(PG_URL, { schema });
      if (options.migrate !== false) await migrate(db);
      const extra: Db[] = [];
      return {
        db,
        locator: `${PG_URL}#${schema}`,
        async reopen() {
          const d = await createPostgresDb(PG_URL, { schema });
          extra.push(d);
          return d;
        },
        async cleanup() {
          for (const d of extra) await d.close().catch(() => undefined);
          await db.close().catch(() => undefined);
          await dropPostgresSchema(PG_URL, schema);
        },
      };
    },
  },
];

/** Opens a database from a locator made by {@link OpenedDb.locator} (child processes). */
export async function openLocator(locator: string): Promise<Db> {
  if (locator.startsWith("postgres")) {
    const [url, schema] = locator.split("#");
    const db = await createPostgresDb(url, { schema });
    await migrate(db);
    return db;
  }
  const db = createSqliteDb(locator);
  await migrate(db);
  return db;
}

/** Every indexed table's rows in a canonical order, for comparing two databases. */
export async function dumpTables(db: Db, tables: readonly string[]): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const t of tables) {
    const rows = await db.all(`SELECT * FROM ${t}`);
    out[t] = rows.map((r) => JSON.stringify(r)).sort().map((s) => JSON.parse(s) as unknown);
  }
  return out;
}

/**
 * Databases of `backend` that live for one test: each one `open()` returns is removed after the test that opened it.
 * Call in a suite's body (it registers the suite's `afterEach`).
 */
export function openPerTest(backend: Backend, options: { migrate?: boolean } = {}): () => Promise<OpenedDb> {
  const opened: OpenedDb[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.cleanup();
  });
  return async () => {
    const o = await backend.open(options);
    opened.push(o);
    return o;
  };
}
