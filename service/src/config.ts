/**
 * Service configuration from the environment, validated with zod. Errors name the offending variable.
 *
 * | variable | default | meaning |
 * | --- | --- | --- |
 * | DATA_DIR | data/ in the installation | local data (SQLite file, content store, embedded chain); the CLI resolves it the same way |
 * | DATABASE_URL | — | `postgres://…` selects PostgreSQL; otherwise SQLite at $DATA_DIR/shuquan.sqlite |
 * | RPC_URL | http://127.0.0.1:8545 | JSON-RPC endpoint of the chain |
 * | DEPLOYMENT | deployments/<chainId>.json | deployments file (contract addresses, start block) |
 * | CHAIN_ID | from DEPLOYMENT | expected chain id |
 * | CONFIRMATIONS | 0 on 31337, else 12 | confirmation depth for finality |
 * | POLL_INTERVAL_MS | 1000 | live polling interval |
 * | PORT / HOST | 3000 / 127.0.0.1 | API listener |
 * | IPFS_API_URL | — | Kubo RPC API; otherwise the local content store |
 * | LOG_LEVEL | info | pino level |
 * | HEALTH_MAX_LAG_BLOCKS | 50 | /health fails when a chain lags more blocks than this |
 * | HEALTH_STALL_AFTER_MS | 60000 | /health fails when a chain that is behind has not advanced, has been retrying, or has not had its head read, for this long |
 * | EVIDENCE_CACHE_LEAVES | 2000000 | bound of the API's evidence tree cache, in leaves |
 * | CORS_ORIGINS | * | origins allowed to call the API from a browser: `*`, a comma-separated list, or `none` |
 * | PUBLIC_URL | http://HOST:PORT | base URL of the public page: certificates link to `<PUBLIC_URL>/asset/<id>` and carry it as a QR code |
 * | PUBLIC_RPC_URL | the embedded chain's URL; none on a network | JSON-RPC URL the web page reads the chain from (told to browsers; RPC_URL never is) |
 * | ROLE | all | `indexer` (the one writer: follows the chain, serves /health), `api` (a reader: serves the API from the database, never writes), or `all` |
 * | DATABASE_SCHEMA | — | PostgreSQL schema (created by the writer) instead of the server's search_path |
 * | DATABASE_PREPARED_STATEMENTS | on | PostgreSQL: recurring reads as named prepared statements; `off` behind a pooler without session state (PgBouncer in transaction mode before 1.21) |
 * | LOG_FORMAT | pretty on a terminal, else json | `pretty` or `json` |
 * | CHAIN_PORT | 8545 | the embedded chain's port (`npm start` without RPC_URL) |
 */
import path from "node:path";
import { z } from "zod";
import { ConfigError } from "./errors";
import { resolveDataDir } from "./paths";

const intFrom = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

const envSchema = z.object({
  DATA_DIR: z.string().trim().min(1).optional(),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^(postgres(ql)?:\/\/|sqlite:|file:|\/|\.)/, "must be a postgres:// URL or an SQLite file path")
    .optional(),
  RPC_URL: z.string().trim().url("must be a URL such as http://127.0.0.1:8545").default("http://127.0.0.1:8545"),
  DEPLOYMENT: z.string().trim().min(1).optional(),
  CHAIN_ID: intFrom(1, 2 ** 53 - 1).optional(),
  CONFIRMATIONS: intFrom(0, 10_000).optional(),
  POLL_INTERVAL_MS: intFrom(10, 3_600_000).default(1000),
  PORT: intFrom(0, 65535).default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  IPFS_API_URL: z.string().trim().url("must be a URL such as http://127.0.0.1:5001").optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  HEALTH_MAX_LAG_BLOCKS: intFrom(0, 2 ** 31).default(50),
  HEALTH_STALL_AFTER_MS: intFrom(1000, 2 ** 31).default(60_000),
  EVIDENCE_CACHE_LEAVES: intFrom(0, 2 ** 31).default(2_000_000),
  CORS_ORIGINS: z
    .string()
    .trim()
    .regex(
      /^(\*|none|https?:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?(\s*,\s*https?:\/\/(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?\/?)*)$/,
      "must be *, none, or a comma-separated list of origins (scheme://host[:port]) such as https://audit.example",
    )
    .default("*"),
  PUBLIC_RPC_URL: z.string().trim().url("must be a URL such as https://rpc.example").optional(),
  PUBLIC_URL: z.string().trim().url("must be a URL such as https://registry.example").optional(),
  ROLE: z.enum(["all", "indexer", "api"]).default("all"),
  DATABASE_SCHEMA: z.string().trim().regex(/^[a-z_][a-z0-9_]{0,62}$/, "must be a lower-case SQL identifier").optional(),
  DATABASE_PREPARED_STATEMENTS: z.enum(["on", "off"]).default("on"),
  LOG_FORMAT: z.enum(["pretty", "json"]).optional(),
  CHAIN_PORT: intFrom(1, 65535).default(8545),
});

/** What a process does: index (the one writer), serve the API (a reader), or both. */
export type Role = "all" | "indexer" | "api";

/** Which database to use. */
export type DatabaseConfig = { kind: "sqlite"; file: string } | { kind: "postgres"; url: string };

/** The validated configuration. */
export interface Config {
  dataDir: string;
  database: DatabaseConfig;
  rpcUrl: string;
  deploymentFile: string | undefined;
  chainId: number | undefined;
  confirmations: number | undefined;
  pollIntervalMs: number;
  port: number;
  host: string;
  ipfsApiUrl: string | undefined;
  logLevel: string;
  /** /health: the most blocks a chain may lag. */
  healthMaxLagBlocks: number;
  /** /health: how long a chain that is behind may go without progress (ms). */
  healthStallAfterMs: number;
  /** API evidence tree cache bound, in leaves. */
  evidenceCacheLeaves: number;
  /** Origins allowed by CORS: `*`, a list, or none (empty list). */
  corsOrigins: "*" | string[];
  /** JSON-RPC URL told to the web page, when set (else the chain's own URL). */
  publicRpcUrl: string | undefined;
  /** Base URL of the public page, for certificate links (PUBLIC_URL). */
  publicUrl: string | undefined;
  role: Role;
  /** PostgreSQL schema, or undefined for the server's search_path. */
  databaseSchema: string | undefined;
  /** PostgreSQL: recurring reads as named prepared statements (DATABASE_PREPARED_STATEMENTS). */
  preparedStatements: boolean;
  /** Log line format, or undefined for "pretty on a terminal, else json". */
  logFormat: "pretty" | "json" | undefined;
  /** The embedded chain's port. */
  chainPort: number;
}

/**
 * Reads the configuration from `env` (default `process.env`).
 * @throws ConfigError naming each bad variable
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present: Record<string, string> = {};
  for (const k of Object.keys(envSchema.shape)) {
    const v = env[k];
    if (v !== undefined && v.trim() !== "") present[k] = v;
  }
  const r = envSchema.safeParse(present);
  if (!r.success) {
    const msg = r.error.issues.map((i) => `${i.path.join(".")}: ${i.message} (got "${present[String(i.path[0])] ?? ""}")`).join("; ");
    throw new ConfigError(`invalid configuration: ${msg}`);
  }
  const e = r.data;
  const dataDir = resolveDataDir(e.DATA_DIR);
  let database: DatabaseConfig;
  if (e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL)) database = { kind: "postgres", url: e.DATABASE_URL };
  else if (e.DATABASE_URL) database = { kind: "sqlite", file: path.resolve(e.DATABASE_URL.replace(/^(sqlite|file):(\/\/)?/, "")) };
  else database = { kind: "sqlite", file: path.join(dataDir, "shuquan.sqlite") };
  return {
    dataDir,
    database,
    rpcUrl: e.RPC_URL,
    deploymentFile: e.DEPLOYMENT,
    chainId: e.CHAIN_ID,
    confirmations: e.CONFIRMATIONS,
    pollIntervalMs: e.POLL_INTERVAL_MS,
    port: e.PORT,
    host: e.HOST,
    ipfsApiUrl: e.IPFS_API_URL,
    logLevel: e.LOG_LEVEL,
    healthMaxLagBlocks: e.HEALTH_MAX_LAG_BLOCKS,
    healthStallAfterMs: e.HEALTH_STALL_AFTER_MS,
    evidenceCacheLeaves: e.EVIDENCE_CACHE_LEAVES,
    corsOrigins: e.CORS_ORIGINS === "*" ? "*" : e.CORS_ORIGINS === "none" ? [] : e.CORS_ORIGINS.split(",").map((o) => o.trim().replace(/\/$/, "")),
    publicRpcUrl: e.PUBLIC_RPC_URL,
    publicUrl: e.PUBLIC_URL,
    role: e.ROLE,
    databaseSchema: e.DATABASE_SCHEMA,
    preparedStatements: e.DATABASE_PREPARED_STATEMENTS === "on",
    logFormat: e.LOG_FORMAT,
    chainPort: e.CHAIN_PORT,
  };
}
