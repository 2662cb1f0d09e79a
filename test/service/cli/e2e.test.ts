import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { promises as fsp } from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { EXAMPLE_METADATA } from "../../../service/src/metadata";
import { sha256Hex } from "../../../service/src/digest";
import { cli, DEV_ADDRESSES, DEV_KEYS, type CliEnv } from "./helpers";

const ROOT = path.join(__dirname, "..", "..", "..");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The "done when", as separate processes: `npm start` (the service: local chain, deployment, indexer,
 * API), then the CLI registers a file, anchors a folder, verifies both — evidence proofs come from the API, the
 * answers from the chain — and the API shows them.
 */
describe("end to end: npm start + shuquan CLI as separate processes", function () {
  this.timeout(600_000);
  let service: ChildProcess | undefined;
  let env: CliEnv;
  let api: string;
  let serviceLog = "";

  before(async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "sq-e2e-"));
    const [port, chainPort] = [await freePort(), await freePort()];
    api = `http://127.0.0.1:${port}`;
    service = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "service", "src", "main.ts")], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: path.join(dir, "data") /* the CLI helper uses <dir>/data too: one content store */, PORT: String(port), HOST: "127.0.0.1", CHAIN_PORT: String(chainPort), LOG_LEVEL: "warn", RPC_URL: "", DEPLOYMENT: "", DATABASE_URL: "" },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so the chain it starts is stopped with it
    });
    service.stdout?.on("data", (d: Buffer) => (serviceLog += d.toString()));
    service.stderr?.on("data", (d: Buffer) => (serviceLog += d.toString()));
    await waitFor("the service's /health", async () => ((await fetch(`${api}/health`)).ok ? true : undefined), 300_000).catch((e: Error) => {
      throw new Error(`${e.message}\n--- service output ---\n${serviceLog.slice(-4000)}`);
    });
    const deploymentFile = path.join(dir, "deployment.json");
    await fsp.copyFile(path.join(ROOT, "deployments", "31337.json"), deploymentFile);
    env = { rpcUrl: `http://127.0.0.1:${chainPort}`, dir, deploymentFile, deployment: undefined as never, close: async () => undefined };
    await fsp.writeFile(path.join(dir, "meta.json"), JSON.stringify(EXAMPLE_METADATA));
    await fsp.writeFile(path.join(dir, "sales-2025.csv"), "month,units\n2025-01,1200\n");
    await fsp.mkdir(path.join(dir, "deliveries"));
    for (let i = 0; i < 3; i++) await fsp.writeFile(path.join(dir, "deliveries", `d${i}.json`), JSON.stringify({ delivery: i }));
  });

  after(async () => {
    if (service?.pid) {
      try {
        process.kill(-service.pid, "SIGTERM");
      } catch {
        /* gone */
      }
    }
    if (env?.dir) await fsp.rm(env.dir, { recursive: true, force: true });
  });

  const withApi = (args: string[]): string[] => [...args, "--api", api];

  it("registers a file, anchors a folder, verifies both through the API and the chain, and the API shows them", async () => {
    const exchangeKey = DEV_KEYS[2]; // DEV.shde in service/src/devnet/bootstrap.ts
    const holder = DEV_ADDRESSES[4]; // DEV.alice, onboarded at SHDE
    let r = await cli(env, withApi(["asset", "register", "sales-2025.csv", "--holder", holder, "--kind", "resource", "--source", "enterprise", "--level", "general", "--metadata", "meta.json", "--json"]), { key: exchangeKey });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const assetId = r.json.assetId as string;
    const number = r.json.registrationNumber as string;
    expect(assetId).to.equal(sha256Hex(await fsp.readFile(path.join(env.dir, "sales-2025.csv"))));

    r = await cli(env, withApi(["evidence", "anchor", "deliveries", "--asset", number, "--proofs-out", "deliveries.proofs.json", "--json"]), { key: exchangeKey });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const root = r.json.root as string;

    // the API shows the asset (by id and by registration number) and the evidence item with its proof
    const asset = await waitFor("the asset in the API", async () => {
      const res = await fetch(`${api}/v1/assets/${assetId}`);
      return res.ok ? ((await res.json()) as { data: Record<string, unknown> }).data : undefined;
    }, 60_000);
    expect(asset.registrationNumber ?? number).to.equal(number);
    const d1 = sha256Hex(JSON.stringify({ delivery: 1 }));
    const item = await waitFor("the evidence item in the API", async () => {
      const res = await fetch(`${api}/v1/evidence/items/${d1}`);
      return res.ok ? ((await res.json()) as { data: { occurrences: { batch: { root: string } }[] } }).data : undefined;
    }, 60_000);
    expect(item.occurrences[0]?.batch.root).to.equal(root);

    // verify: the file is registered; a folder file is anchored — proof from the API, verdict from the chain
    r = await cli(env, withApi(["verify", "sales-2025.csv", "--json"]));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const results = r.json.results as { registered?: { registrationNumber: string }; anchored: { root: string; proofFrom: string }[] }[];
    expect(results[0]?.registered?.registrationNumber).to.equal(number);
    r = await cli(env, withApi(["verify", path.join("deliveries", "d1.json"), "--json"]));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const anchored = (r.json.results as { anchored: { root: string; proofFrom: string }[] }[]).flatMap((x) => x.anchored);
    expect(anchored.some((a) => a.root === root && a.proofFrom === "api")).to.equal(true);

    // an ownership statement: the chain and the API agree it is valid
    r = await cli(env, withApi(["ownership", "prove", number, "--nonce", "e2e", "--out", "own.json"]), { key: DEV_KEYS[4] });
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    r = await cli(env, withApi(["ownership", "verify", "own.json", "--via-api", "--json"]));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.json.valid).to.equal(true);
    expect((r.json.api as { valid: boolean }).valid).to.equal(true);

    // provenance by registration number (resolved through the API) lists the evidence batch
    r = await cli(env, withApi(["provenance", number, "--json"]));
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(JSON.stringify(r.json.provenance)).to.contain(root);
  });
});
