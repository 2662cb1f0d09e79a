/** What `npm start` prints once it serves: where everything is, and for the embedded chain what to try. */
import * as path from "node:path";
import type { Config } from "../config";
import type { Deployment } from "../contracts";
import { DEV, devAccounts } from "../devnet/accounts";
import type { Embedded } from "../devnet/embedded";
import { resolveDataDir } from "../paths";

/** Parameters of {@link banner}. */
export interface BannerParameters {
  config: Config;
  apiUrl: string;
  rpcUrl: string;
  deployment: Deployment;
  embedded?: Embedded;
}

/** A folder as the user would type it: relative below the current folder, absolute elsewhere. */
function shown(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel === "" ? "./" : rel.startsWith("..") || path.isAbsolute(rel) ? `${dir}/` : `${rel}/`;
}

/** The banner text. */
export function banner(p: BannerParameters): string {
  const { config, apiUrl, deployment } = p;
  const e = p.embedded;
  const lines: string[] = [];
  const role = config.role === "indexer" ? " (indexer: the one writer)" : config.role === "api" ? " (API: a reader of the index)" : "";
  lines.push("", `Shuquan is running${role}.`, "");
  if (config.role === "indexer") lines.push(`  health         ${apiUrl}/health`);
  else {
    lines.push(`  API            ${apiUrl}/v1   (OpenAPI: ${apiUrl}/v1/openapi.json)`);
    lines.push(`  health         ${apiUrl}/health     metrics: ${apiUrl}/metrics`);
  }
  lines.push(`  chain          ${p.rpcUrl}  (chain id ${deployment.chainId})`);
  lines.push(`  index          ${config.database.kind === "sqlite" ? config.database.file : `PostgreSQL (DATABASE_URL${config.databaseSchema ? `, schema ${config.databaseSchema}` : ""})`}`);
  for (const c of deployment.contracts) lines.push(`  ${c.name.padEnd(18)} ${c.address}`);
  if (!e) return lines.join("\n");

  lines.push("", e.fresh ? "A new local chain: contracts deployed, roles given." : "The local chain and its index were resumed from the last run (npm start -- --reset starts afresh).");
  lines.push("", "Development accounts (Hardhat's public test keys — local chain only):");
  for (const a of devAccounts()) lines.push(`  #${a.index} ${a.role.padEnd(9)} ${a.address}  ${a.privateKey}  ${a.label}`);
  if (e.demo) lines.push("", `Demo data: ${e.demo}`);
  const alice = devAccounts()[DEV.alice];
  const shde = devAccounts()[DEV.shde];
  const env = [
    e.chain.url !== "http://127.0.0.1:8545" ? `RPC_URL=${e.chain.url}` : "",
    apiUrl !== "http://127.0.0.1:3000" ? `SHUQUAN_API_URL=${apiUrl}` : "",
    config.dataDir !== resolveDataDir(undefined) ? `DATA_DIR=${config.dataDir}` : "",
  ]
    .filter(Boolean)
    .join(" ");
  const pre = env ? `export ${env}; ` : "";
  lines.push(
    "",
    "Try (in another terminal, in this directory):",
    `  1. alice applies to register a file (signs her application), and exchange SHDE registers it:`,
    `     ${pre}echo 'hello 数权' > hello.txt && SHUQUAN_PRIVATE_KEY=${alice.privateKey} npx shuquan asset apply hello.txt --exchange ${shde.address} --kind resource --source enterprise --level general --metadata docs/examples/metadata.json --out hello.application.json`,
    `     SHUQUAN_PRIVATE_KEY=${shde.privateKey} npx shuquan asset register --application hello.application.json`,
    `  2. anchor a folder of files as evidence (writes their proofs to evidence.proofs.json):`,
    `     SHUQUAN_PRIVATE_KEY=${shde.privateKey} npx shuquan evidence anchor docs --proofs-out evidence.proofs.json`,
    `  3. verify both against the chain, as an auditor:`,
    `     npx shuquan verify hello.txt && npx shuquan verify docs/architecture.md`,
    `  and ask the API: curl -s '${apiUrl}/v1/recognition?merchant=${alice.address}&exchange=${devAccounts()[DEV.gzde].address}'`,
    "",
    `The chain and the index are kept under ${shown(config.dataDir)} across restarts (npm start -- --reset starts afresh); Ctrl-C stops both cleanly.`,
  );
  return lines.join("\n");
}
