/**
 * The CLI's commands, by name, loaded on demand: `shuquan <command> …` loads that command's module only, and
 * `--help` / `--version` load none (their summaries are here), so the CLI starts without loading ethers, zod or
 * the Merkle code it does not need.
 */
import type { Command } from "commander";

/** One top-level command (or group of subcommands). */
export interface CommandEntry {
  /** The name typed after `shuquan`. */
  name: string;
  /** Usage as commander shows it (name and arguments). */
  usage: string;
  /** One-line summary for `shuquan --help`. */
  summary: string;
  /** Loads the module and registers the command on `program`. */
  register(program: Command): void;
}

/* eslint-disable @typescript-eslint/no-require-imports */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "exchange",
    usage: "exchange",
    summary: "regulator: accredit, suspend or reinstate an exchange",
    register: (p) => (require("./exchange") as typeof import("./exchange")).registerExchangeCommands(p),
  },
  {
    name: "merchant",
    usage: "merchant",
    summary: "exchange: onboard, suspend or reinstate a merchant (数商)",
    register: (p) => (require("./merchant") as typeof import("./merchant")).registerMerchantCommands(p),
  },
  {
    name: "recognise",
    usage: "recognise",
    summary: "exchange: recognise another exchange's merchants, or one merchant (互认)",
    register: (p) => (require("./recognise") as typeof import("./recognise")).registerRecogniseCommands(p),
  },
  {
    name: "asset",
    usage: "asset",
    summary: "register an asset (exchange), show one, freeze/unfreeze it (regulator); its lifecycle: terms, object, resolve-objection, close-notice, renew, change, cancel",
    register: (p) => (require("./asset") as typeof import("./asset")).registerAssetCommands(p),
  },
  {
    name: "trade",
    usage: "trade",
    summary: "seller: authorise a trade (EIP-712); exchange: record it",
    register: (p) => (require("./trade") as typeof import("./trade")).registerTradeCommands(p),
  },
  {
    name: "licence",
    usage: "licence",
    summary: "merchant: grant or revoke a licence (数据加工使用权, 产品经营权)",
    register: (p) => (require("./licence") as typeof import("./licence")).registerLicenceCommands(p),
  },
  {
    name: "pledge",
    usage: "pledge",
    summary: "holder: consent to a pledge; lender: register or release it; regulator: lift it",
    register: (p) => (require("./pledge") as typeof import("./pledge")).registerPledgeCommands(p),
  },
  {
    name: "evidence",
    usage: "evidence",
    summary: "exchange: anchor evidence batches (存证)",
    register: (p) => (require("./evidence") as typeof import("./evidence")).registerEvidenceCommands(p),
  },
  {
    name: "ownership",
    usage: "ownership",
    summary: "merchant: prove you hold an asset; auditor: verify such a statement against the chain",
    register: (p) => (require("./ownership") as typeof import("./ownership")).registerOwnershipCommands(p),
  },
  {
    name: "verify",
    usage: "verify <path>",
    summary: "auditor: is this file, directory or JSON record registered as an asset or anchored as evidence? (checked on chain)",
    register: (p) => (require("./verify") as typeof import("./verify")).registerVerifyCommand(p),
  },
  {
    name: "provenance",
    usage: "provenance <asset>",
    summary: "auditor: an asset's provenance (lineage, rights timeline, licences, trades, evidence) from the API",
    register: (p) => (require("./provenance") as typeof import("./provenance")).registerProvenanceCommand(p),
  },
  {
    name: "certificate",
    usage: "certificate",
    summary: "registration and trade certificates (登记证书, 交易凭证): issue one as a printable page; verify one against the chain",
    register: (p) => (require("./certificate") as typeof import("./certificate")).registerCertificateCommands(p),
  },
  {
    name: "hash",
    usage: "hash <path>",
    summary: "print the content digest of a file (SHA-256) or directory (dataset root), and of a JSON record; offline",
    register: (p) => (require("./hash") as typeof import("./hash")).registerHashCommand(p),
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** The summary of command `name` (each command module describes itself with it). */
export function commandSummary(name: string): string {
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) throw new Error(`unknown command ${name}`);
  return entry.summary;
}
