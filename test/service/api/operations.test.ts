import { expect } from "chai";
import request from "supertest";
import { Registry } from "prom-client";
import { createApi, type IndexerStatus } from "../../../service/src/api";
import { evaluateHealth, FIRST_BACKFILL_PROBLEM } from "../../../service/src/api/health";
import { BACKENDS, fixtureStatus, quietLogger, useFixtureApi } from "./fixture";

describe("API operations", function () {
  describe("evaluateHealth", () => {
    const now = 1_000_000;
    const at = (o: Partial<IndexerStatus["chains"][number]>): IndexerStatus => fixtureStatus({ lastProgressAt: now, ...o });

    it("should be ok while within bounds", () => {
      expect(evaluateHealth(at({}), {}, now).status).to.equal("ok");
      expect(evaluateHealth(at({ chainHead: 40, lastProgressAt: now - 10 * 60_000 }), {}, now).status).to.equal("ok"); // caught up, idle
    });

    it("should fail while the store's first backfill is under way, however close to the head", () => {
      const r = evaluateHealth({ ...at({}), firstBackfill: true }, {}, now);
      expect(r.status).to.equal("unhealthy");
      expect(r.problems).to.deep.equal([FIRST_BACKFILL_PROBLEM]);
      expect(r.chains[0].problems).to.deep.equal([]);
      expect(evaluateHealth({ ...at({}), firstBackfill: false }, {}, now).status).to.equal("ok");
    });

    it("should fail when stalled while behind", () => {
      const r = evaluateHealth(at({ lastProgressAt: now - 61_000 }), { stallAfterMs: 60_000 }, now);
      expect(r.status).to.equal("unhealthy");
      expect(r.problems[0]).to.match(/stalled/);
    });

    it("should fail when the lag exceeds the maximum, or the head is unknown, or nothing is indexed", () => {
      expect(evaluateHealth(at({ chainHead: 200 }), { maxLagBlocks: 100 }, now).problems[0]).to.match(/lag 160 exceeds 100/);
      expect(evaluateHealth(at({ chainHead: null }), {}, now).status).to.equal("unhealthy");
      expect(evaluateHealth({ chains: [] }, {}, now).status).to.equal("unhealthy");
    });

    it("should fail when the indexer failed or stopped, even caught up (lag 0 on a reused head)", () => {
      const failed = evaluateHealth(at({ chainHead: 40, state: "failed", lastError: "RPC for chain 31337 reports chain id 1" }), {}, now);
      expect(failed.status).to.equal("unhealthy");
      expect(failed.problems[0]).to.match(/chain 31337: indexer failed: RPC for chain 31337 reports chain id 1/);
      expect(failed.chains[0]).to.include({ lag: 0, state: "failed", lastError: "RPC for chain 31337 reports chain id 1" });
      expect(evaluateHealth(at({ chainHead: 40, state: "stopped" }), {}, now).problems[0]).to.match(/indexer stopped/);
      expect(evaluateHealth(at({ chainHead: 40, state: "live", lastError: null }), {}, now).status).to.equal("ok");
    });

    it("should fail when the indexer has been retrying for longer than the stall window", () => {
      const retrying = { chainHead: 40, state: "retrying", lastError: "connect ECONNREFUSED 127.0.0.1:8545" } as const;
      // timed by the indexer's stateSince when reported
      expect(evaluateHealth(at({ ...retrying, stateSince: now - 5_000 }), { stallAfterMs: 60_000 }, now).status).to.equal("ok");
      const long = evaluateHealth(at({ ...retrying, stateSince: now - 61_000 }), { stallAfterMs: 60_000 }, now);
      expect(long.status).to.equal("unhealthy");
      expect(long.problems[0]).to.match(/retrying for 61 s \(over 60000 ms\): connect ECONNREFUSED/);
      // otherwise timed from when /health first saw it retrying
      const seen = new Map<number, number>();
      expect(evaluateHealth(at({ ...retrying, lastProgressAt: now - 3_600_000 }), {}, now, seen).status).to.equal("ok");
      expect(evaluateHealth(at({ ...retrying, lastProgressAt: now - 3_600_000 }), {}, now + 30_000, seen).status).to.equal("ok");
      expect(evaluateHealth(at({ ...retrying, lastProgressAt: now - 3_600_000 }), {}, now + 61_000, seen).problems[0]).to.match(/retrying for 61 s/);
      // a recovery resets the observation
      expect(evaluateHealth(at({ chainHead: 40, state: "live" }), {}, now + 62_000, seen).status).to.equal("ok");
      expect(evaluateHealth(at({ ...retrying }), {}, now + 63_000, seen).status).to.equal("ok");
      // and with neither, from the last progress
      expect(evaluateHealth(at({ ...retrying, lastProgressAt: now - 61_000 }), {}, now).status).to.equal("unhealthy");
    });

    it("should fail when the chain head has not been read for longer than the stall window, when the indexer says", () => {
      expect(evaluateHealth(at({ chainHead: 40, headCheckedAt: now - 1_000 }), {}, now).status).to.equal("ok");
      const stale = evaluateHealth(at({ chainHead: 40, headCheckedAt: now - 120_000, lastError: "timeout" }), { stallAfterMs: 60_000 }, now);
      expect(stale.problems[0]).to.match(/chain head not read for 120 s \(over 60000 ms\): timeout/);
      expect(stale.chains[0]!.headCheckedAt).to.equal(new Date(now - 120_000).toISOString());
    });
  });

  const backend = BACKENDS[0]!;
  describe(`/health, /metrics and /v1/openapi.json (${backend.name})`, () => {
    let status = fixtureStatus();
    const h = useFixtureApi(backend, { status: () => status });

    it("should answer /health with 200 and the heads, then 503 when the indexer stalls", async () => {
      status = fixtureStatus();
      const ok = await request(h.app).get("/health").expect(200);
      expect(ok.body.chains[0]).to.include({ indexedBlock: 40, chainHead: 42, lag: 2 });
      status = fixtureStatus({ lastProgressAt: Date.now() - 3_600_000 });
      const bad = await request(h.app).get("/health").expect(503);
      expect(bad.body.status).to.equal("unhealthy");
      status = fixtureStatus();
    });

    it("should answer /health 503 while the chain is unreachable although the reused head shows no lag", async () => {
      const { chains: [c] } = fixtureStatus();
      status = { chains: [{ ...c!, chainHead: 40, state: "failed", lastError: "could not detect network" }] };
      const bad = await request(h.app).get("/health").expect(503);
      expect(bad.body.chains[0]).to.include({ lag: 0, state: "failed", lastError: "could not detect network" });
      expect(bad.body.problems).to.deep.equal(["chain 31337: indexer failed: could not detect network"]);
      status = { chains: [{ ...c!, chainHead: 40, state: "retrying", lastError: "ECONNREFUSED", stateSince: Date.now() - 3_600_000 }] };
      expect((await request(h.app).get("/health").expect(503)).body.problems[0]).to.match(/retrying for 3600 s/);
      status = fixtureStatus();
      await request(h.app).get("/health").expect(200);
    });

    it("should expose Prometheus metrics: indexer gauges and latency by route template", async () => {
      await request(h.app).get("/v1/assets?limit=1").expect(200);
      await request(h.app).get(`/v1/assets/0x${"00".repeat(32)}`).expect(404);
      const text = (await request(h.app).get("/metrics").expect(200)).text;
      expect(text).to.match(/shuquan_indexer_indexed_block\{chain_id="31337"\} 40/);
      expect(text).to.match(/shuquan_indexer_lag_blocks\{chain_id="31337"\} 2/);
      expect(text).to.match(/shuquan_indexer_events_per_second\{chain_id="31337"\} 12.5/);
      expect(text).to.match(/shuquan_api_request_duration_seconds_count\{method="GET",route="\/v1\/assets",status_code="200"\} 1/);
      expect(text).to.match(/route="\/v1\/assets\/\{id\}",status_code="404"/);
    });

    it("should expose the first backfill as a gauge: 1 during it, 0 after it and when the indexer does not say", async () => {
      const gauge = async (): Promise<string | undefined> =>
        /^shuquan_indexer_first_backfill (\S+)$/m.exec((await request(h.app).get("/metrics").expect(200)).text)?.[1];
      try {
        status = { ...fixtureStatus(), firstBackfill: true };
        expect(await gauge()).to.equal("1");
        status = { ...fixtureStatus(), firstBackfill: false };
        expect(await gauge()).to.equal("0");
        status = { ...fixtureStatus(), firstBackfill: true };
        expect(await gauge()).to.equal("1");
        status = fixtureStatus();
        expect(await gauge()).to.equal("0");
      } finally {
        status = fixtureStatus();
      }
    });

    it("should serve an OpenAPI 3.1 document of every route, built from the validating schemas", async () => {
      const doc = (await request(h.app).get("/v1/openapi.json").expect(200)).body;
      expect(doc.openapi).to.equal("3.1.0");
      for (const p of [
        "/v1/assets", "/v1/assets/{id}", "/v1/assets/by-registration/{registrationNumber}", "/v1/assets/by-digest/{digest}",
        "/v1/assets/{id}/provenance", "/v1/assets/{id}/rights", "/v1/exchanges", "/v1/merchants/{address}", "/v1/recognition",
        "/v1/trades", "/v1/trades/{tradeId}", "/v1/stats/prices", "/v1/pledges", "/v1/evidence/items/{digest}",
        "/v1/evidence/batches/{root}", "/v1/ownership/verify", "/health", "/metrics",
      ]) expect(doc.paths, p).to.have.property(p);
      const limit = doc.paths["/v1/assets"].get.parameters.find((x: { name: string }) => x.name === "limit");
      expect(limit).to.include({ in: "query", required: false });
      const id = doc.paths["/v1/assets/{id}"].get.parameters[0];
      expect(id).to.include({ name: "id", in: "path", required: true });
      expect(id.schema.pattern).to.be.a("string");
      expect(doc.paths["/v1/ownership/verify"].post.requestBody.content["application/json"].schema.required).to.include.members(["assetId", "signature"]);
      const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops as Record<string, { operationId: string }>).map((o) => o.operationId));
      expect(new Set(ids).size).to.equal(ids.length);
    });

    it("should share a caller's registry without registering twice", async () => {
      const registry = new Registry();
      createApi({ db: h.db, indexerStatus: () => status, logger: quietLogger, metrics: registry });
      createApi({ db: h.db, indexerStatus: () => status, logger: quietLogger, metrics: registry });
      expect(await registry.metrics()).to.match(/shuquan_indexer_indexed_block/);
    });
  });
});
