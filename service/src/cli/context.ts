import type { Contract, JsonRpcProvider, Wallet } from "ethers";
import type { ContentStore } from "../content";
import type { ContractKey } from "../contracts";
import { resolveDataDir } from "../paths";
import { connect, contractAt, loadDeploymentFor, type DeploymentAddresses } from "./chain";
import { CliError } from "./errors";
import { toJson } from "./files";
import { loadWallet } from "./keys";

/** Options every command accepts (see `shuquan --help`). */
export interface GlobalOptions {
  json?: boolean;
  rpc?: string;
  deployment?: string;
  api?: string;
  dataDir?: string;
  ipfsApi?: string;
  key?: string;
  keystore?: string;
  passwordEnv?: string;
  quiet?: boolean;
}

/** What a command needs, created lazily so that offline commands never touch the chain or the keys. */
export class Context {
  private conn?: Promise<{ provider: JsonRpcProvider; chainId: number }>;
  private dep?: Promise<DeploymentAddresses>;
  private key?: Promise<Wallet>;

  constructor(readonly opts: GlobalOptions) {}

  /** The RPC URL: --rpc, RPC_URL, or the local node. */
  get rpcUrl(): string {
    return this.opts.rpc ?? process.env.RPC_URL ?? "http://127.0.0.1:8545";
  }
  /** The API URL: --api, SHUQUAN_API_URL, or the local service. */
  get apiUrl(): string {
    return (this.opts.api ?? process.env.SHUQUAN_API_URL ?? "http://127.0.0.1:3000").replace(/\/+$/, "");
  }
  /** The data directory: --data-dir, DATA_DIR, or `data/` in the installation (as the service resolves it). */
  get dataDir(): string {
    return resolveDataDir(this.opts.dataDir ?? process.env.DATA_DIR);
  }

  /** The provider and chain id (connects once). */
  async chain(): Promise<{ provider: JsonRpcProvider; chainId: number }> {
    this.conn ??= connect(this.rpcUrl);
    return this.conn;
  }

  /**
   * The chain's "now": the latest block's timestamp. Relative times (`now`, `+30d`) are taken from it, not from this
   * machine's clock, because the contracts judge terms and deadlines by block time.
   */
  async chainNow(): Promise<number> {
    const { provider } = await this.chain();
    const block = await provider.getBlock("latest");
    return block ? block.timestamp : Math.floor(Date.now() / 1000);
  }

  /** The deployment's addresses for the connected chain. */
  async deployment(): Promise<DeploymentAddresses> {
    this.dep ??= this.chain().then(({ chainId }) => loadDeploymentFor(chainId, this.opts.deployment ?? process.env.DEPLOYMENT, this.dataDir));
    return this.dep;
  }

  /** A read-only contract. */
  async reader(key: ContractKey): Promise<Contract> {
    const [{ provider }, dep] = await Promise.all([this.chain(), this.deployment()]);
    return contractAt(key, dep.addresses[key], provider);
  }

  /**
   * Loads and checks the signing key for `role` (present, well-formed, keystore readable and decrypted) without
   * touching the chain. Write commands call it before any long work (hashing, reading files, API lookups), so a
   * missing key is reported at once. Loaded once per command.
   */
  async requireKey(role: string): Promise<Wallet> {
    this.key ??= loadWallet({ key: this.opts.key, keystore: this.opts.keystore, passwordEnv: this.opts.passwordEnv }, role);
    return this.key;
  }

  /** The signer for `role` (a wallet connected to the provider). */
  async signer(role: string): Promise<Wallet> {
    const [{ provider }, wallet] = await Promise.all([this.chain(), this.requireKey(role)]);
    return wallet.connect(provider);
  }

  /** A contract bound to the signer of `role`. */
  async writer(key: ContractKey, role: string): Promise<{ contract: Contract; wallet: Wallet }> {
    const [wallet, dep] = await Promise.all([this.signer(role), this.deployment()]);
    return { contract: contractAt(key, dep.addresses[key], wallet), wallet };
  }

  /** The content store: Kubo at --ipfs-api / IPFS_API_URL, else local under the data directory. */
  async content(): Promise<ContentStore> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createContentStore } = require("../content") as typeof import("../content");
    return createContentStore({ dataDir: this.dataDir, ipfsApiUrl: this.opts.ipfsApi ?? process.env.IPFS_API_URL });
  }

  /** GET a JSON document from the API; undefined on 404. */
  async apiGet(pathname: string): Promise<unknown> {
    return this.apiRequest(pathname);
  }

  /** POST a JSON body to the API; the parsed answer (undefined on 404). */
  async apiPost(pathname: string, body: unknown): Promise<unknown> {
    return this.apiRequest(pathname, body);
  }

  private async apiRequest(pathname: string, body?: unknown): Promise<unknown> {
    const url = `${this.apiUrl}${pathname}`;
    let res: Response;
    try {
      res = await fetch(url, {
        signal: AbortSignal.timeout(15_000),
        ...(body === undefined ? {} : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
      });
    } catch (e) {
      throw new CliError(`cannot reach the Shuquan API at ${this.apiUrl}: ${(e as Error).message}`, "start the service (npm start) or pass --api <url> / SHUQUAN_API_URL");
    }
    if (res.status === 404) return undefined;
    const answer = (await res.json().catch(() => undefined)) as unknown;
    if (!res.ok) {
      const msg = (answer as { error?: { message?: string } } | undefined)?.error?.message ?? res.statusText;
      throw new CliError(`the API refused ${pathname}: ${res.status} ${msg}`);
    }
    return answer;
  }

  /** Prints a command's result: JSON with --json, else the human lines. */
  print(result: Record<string, unknown>, human: string[]): void {
    if (this.opts.json) process.stdout.write(toJson({ ok: true, ...result }));
    else process.stdout.write(human.join("\n") + "\n");
  }

  /** Progress output is off with --quiet (and goes to stderr, so --json stdout stays clean). */
  get quiet(): boolean {
    return Boolean(this.opts.quiet);
  }

  /** A one-line status on stderr for long phases without a progress bar (not with --quiet). */
  status(message: string): void {
    if (!this.quiet) process.stderr.write(`${message}\n`);
  }

  /** Releases the provider. */
  close(): void {
    void this.conn?.then(({ provider }) => provider.destroy()).catch(() => undefined);
  }
}
