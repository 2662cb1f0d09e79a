/**
 * The indexer benchmark's PostgreSQL server CPU (bench/indexer/server-cpu.ts) counts the work the server does for a
 * client — in an open connection's backend and in one that has since ended — and not the client's own work.
 */
import { expect } from "chai";
import pg from "pg";
import { postgresServerCpuSeconds } from "../../bench/indexer/server-cpu";
import { PG_URL } from "../helpers/backends";

/** A query the server spends about a second of CPU on, and nothing else. */
const BUSY_QUERY = "SELECT sum(i) FROM generate_series(1, 5000000) AS i";

async function timedQuery(client: pg.Client): Promise<number> {
  const t0 = performance.now();
  await client.query(BUSY_QUERY);
  return (performance.now() - t0) / 1000;
}

describe("indexer bench: the PostgreSQL server's CPU", function () {
  this.timeout(30_000);

  before(function () {
    if (!["127.0.0.1", "localhost"].includes(new URL(PG_URL).hostname)) this.skip(); // a remote server's processes are not visible
  });

  it("counts the CPU a query takes in an open connection's backend", async () => {
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      const before = postgresServerCpuSeconds();
      const seconds = await timedQuery(client);
      const used = postgresServerCpuSeconds() - before;
      expect(before).to.be.finite;
      expect(used).to.be.at.least(seconds * 0.5); // the backend was busy for most of the query's wall time
    } finally {
      await client.end();
    }
  });

  it("keeps counting it once the connection has ended (the postmaster's reaped children)", async () => {
    const before = postgresServerCpuSeconds();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    const seconds = await timedQuery(client);
    await client.end();
    await new Promise((resolve) => setTimeout(resolve, 500)); // the backend exits and is reaped
    expect(postgresServerCpuSeconds() - before).to.be.at.least(seconds * 0.5);
  });

  it("does not count the client's own CPU", () => {
    const before = postgresServerCpuSeconds();
    const until = performance.now() + 500;
    let spin = 0;
    while (performance.now() < until) spin++; // half a second of this process's CPU, none of the server's
    expect(spin).to.be.greaterThan(0);
    expect(postgresServerCpuSeconds() - before).to.be.below(0.25);
  });
});
