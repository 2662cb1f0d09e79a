import { CommanderError, type Command } from "commander";
import { CliError } from "./errors";
import { registerAssetCommands } from "./commands/asset";
import { registerEvidenceCommands } from "./commands/evidence";
import { registerExchangeCommands } from "./commands/exchange";
import { registerHashCommand } from "./commands/hash";
import { registerLicenceCommands } from "./commands/licence";
import { registerMerchantCommands } from "./commands/merchant";
import { registerOwnershipCommands } from "./commands/ownership";
import { registerPledgeCommands } from "./commands/pledge";
import { registerProvenanceCommand } from "./commands/provenance";
import { registerRecogniseCommands } from "./commands/recognise";
import { registerTradeCommands } from "./commands/trade";
import { registerVerifyCommand } from "./commands/verify";
import { report, rootProgram } from "./program";

/** The full `shuquan` program. */
export function buildProgram(): Command {
  const program = rootProgram();
  registerExchangeCommands(program);
  registerMerchantCommands(program);
  registerRecogniseCommands(program);
  registerAssetCommands(program);
  registerTradeCommands(program);
  registerLicenceCommands(program);
  registerPledgeCommands(program);
  registerEvidenceCommands(program);
  registerOwnershipCommands(program);
  registerVerifyCommand(program);
  registerProvenanceCommand(program);
  registerHashCommand(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv shape). */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version end with exit code 0; usage errors were printed by commander (or go out as JSON)
      if (e.exitCode === 0) return;
      if (argv.includes("--json")) report(new CliError(e.message.replace(/^error: /, ""), "run with --help for usage"), true);
      process.exitCode = e.exitCode;
      return;
    }
    report(e, argv.includes("--json"));
  }
}
