import { expect } from "chai";
import path from "node:path";
import { loadConfig } from "../../service/src/config";
import { ConfigError } from "../../service/src/errors";

describe("config", () => {
  it("should default to SQLite under ./data", () => {
    const c = loadConfig({});
    expect(c.database).to.deep.equal({ kind: "sqlite", file: path.resolve("data/shuquan.sqlite") });
    expect(c).to.include({ rpcUrl: "http://127.0.0.1:8545", pollIntervalMs: 1000, port: 3000, host: "127.0.0.1", logLevel: "info" });
    expect(c.confirmations).to.equal(undefined);
  });

  it("should read the role, schema and log format, and resolve DATA_DIR against the current folder", () => {
    const c = loadConfig({ ROLE: "api", DATABASE_SCHEMA: "shuquan_v2", LOG_FORMAT: "json", DATA_DIR: "var/sq" });
    expect(c).to.include({ role: "api", databaseSchema: "shuquan_v2", logFormat: "json", chainPort: 8545 });
    expect(c.dataDir).to.equal(path.resolve("var/sq"));
    expect(loadConfig({}).role).to.equal("all");
  });

  it("should select PostgreSQL from a postgres DATABASE_URL", () => {
    const c = loadConfig({ DATABASE_URL: "postgres://u@h:5432/db", CONFIRMATIONS: "6", POLL_INTERVAL_MS: "250" });
    expect(c.database).to.deep.equal({ kind: "postgres", url: "postgres://u@h:5432/db" });
    expect(c).to.include({ confirmations: 6, pollIntervalMs: 250, preparedStatements: true });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: "off" }).preparedStatements).to.equal(false);
  });

  it("should read CORS_ORIGINS as *, a list of origins, or none, and PUBLIC_RPC_URL as a URL", () => {
    expect(loadConfig({}).corsOrigins).to.equal("*");
    expect(loadConfig({}).publicRpcUrl).to.equal(undefined);
    expect(loadConfig({ CORS_ORIGINS: "https://audit.example/, http://127.0.0.1:5173" }).corsOrigins).to.deep.equal(["https://audit.example", "http://127.0.0.1:5173"]);
    expect(loadConfig({ CORS_ORIGINS: "none" }).corsOrigins).to.deep.equal([]);
    expect(loadConfig({ PUBLIC_RPC_URL: "https://rpc.example/public" }).publicRpcUrl).to.equal("https://rpc.example/public");
  });

  for (const [name, value] of [
    ["CONFIRMATIONS", "-1"],
    ["POLL_INTERVAL_MS", "soon"],
    ["PORT", "70000"],
    ["RPC_URL", "not a url"],
    ["LOG_LEVEL", "loud"],
    ["DATABASE_PREPARED_STATEMENTS", "sometimes"],
    ["DATABASE_URL", "mysql://x"],
    ["HEALTH_MAX_LAG_BLOCKS", "many"],
    ["CORS_ORIGINS", "audit.example"],
    ["CORS_ORIGINS", "https://a.example;https://b.example"],
    ["PUBLIC_RPC_URL", "localhost 8545"],
    ["ROLE", "writer"],
    ["LOG_FORMAT", "xml"],
    ["DATABASE_SCHEMA", "Drop Table"],
    ["CHAIN_PORT", "0"],
  ]) {
    it(`should name ${name} when it is invalid`, () => {
      expect(() => loadConfig({ [name]: value })).to.throw(ConfigError, name);
    });
  }
});
