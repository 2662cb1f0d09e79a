import { Command, Option } from "commander";
import type { Context, GlobalOptions } from "./context";
import { CliError } from "./errors";
import { toJson } from "./files";

/** A command's body: the context, its positional arguments and its own options. */
export type Handler<O = Record<string, unknown>> = (ctx: Context, args: string[], opts: O) => Promise<void>;

/** Wraps a handler as a commander action: builds the context from the global options, reports errors. */
export function act<O>(handler: Handler<O>): (...a: unknown[]) => Promise<void> {
  return async (...a: unknown[]) => {
    const cmd = a[a.length - 1] as Command;
    const opts = cmd.opts<O & Record<string, unknown>>();
    const globals = cmd.optsWithGlobals<GlobalOptions>();
    const args = a.slice(0, -2).flatMap((x) => (Array.isArray(x) ? (x as string[]) : x === undefined ? [] : [String(x)]));
    // loaded with the first command that runs, not at start-up (it brings ethers)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ctx = new (require("./context") as typeof import("./context")).Context(globals);
    try {
      await handler(ctx, args, opts);
    } catch (e) {
      report(e, Boolean(globals.json));
    } finally {
      ctx.close();
    }
  };
}

/** Commander option parser for repeatable options: `--x a --x b` → ["a", "b"]. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Prints an error (human or JSON) and sets a non-zero exit code. */
export function report(e: unknown, json: boolean): void {
  const err = e instanceof CliError ? e : new CliError(e instanceof Error ? e.message : String(e));
  if (json) process.stdout.write(toJson({ ok: false, error: { message: err.message, hint: err.hint } }));
  else process.stderr.write(`error: ${err.message}\n${err.hint ? `  what to do: ${err.hint}\n` : ""}`);
  if (process.env.SHUQUAN_DEBUG && !(e instanceof CliError)) console.error(e);
  process.exitCode = err.exitCode;
}

/** The root program with the global options. */
export function rootProgram(): Command {
  const program = new Command("shuquan")
    .description("Shuquan (数权) data-asset registry: register, trade, license, anchor evidence, and verify against the chain")
    .version("0.1.0")
    .option("--json", "print machine-readable JSON on stdout")
    .option("--rpc <url>", "JSON-RPC endpoint (default: RPC_URL or http://127.0.0.1:8545)")
    .option("--deployment <file>", "deployments file (default: DEPLOYMENT, else <data dir>/deployments/<chainId>.json, else ./deployments/<chainId>.json)")
    .option("--api <url>", "Shuquan API for lookups (default: SHUQUAN_API_URL or http://127.0.0.1:3000)")
    .option("--data-dir <dir>", "data directory of the local content store, shared with the service (default: DATA_DIR, else data/ in the Shuquan installation)")
    .option("--ipfs-api <url>", "Kubo RPC API for the content store (default: IPFS_API_URL; else local)")
    .option("--key <hex>", "private key to sign with (prefer SHUQUAN_PRIVATE_KEY or --keystore: argv is visible to other users)")
    .option("--keystore <file>", "encrypted JSON keystore to sign with")
    .addOption(new Option("--password-env <name>", "environment variable holding the keystore password").default("SHUQUAN_KEYSTORE_PASSWORD"))
    .option("-q, --quiet", "no progress output")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      // with --json, usage errors are reported as one JSON object on stdout (by main), not as text
      outputError: (text, write) => {
        if (!process.argv.includes("--json")) write(text);
      },
    });
  program.addHelpText(
    "after",
    `
Keys are never printed. Exit codes: 0 ok, 1 error (or could not check), 2 checked and not found (verify).
Docs: docs/cli.md. Examples:
  shuquan asset apply data/ --exchange 0x… --kind resource --source enterprise --level general --metadata meta.json --out app.json   (holder)
  shuquan asset register --application app.json   (exchange)
  shuquan evidence anchor receipts/ --proofs-out receipts.proofs.json
  shuquan verify receipts/2026-01-01.pdf`,
  );
  return program;
}
