import { CommanderError, type Command } from "commander";
import { CliError } from "./errors";
import { COMMANDS } from "./commands";
import { report, rootProgram } from "./program";

/** Global options that take a value (so that the value is not taken for the command's name). */
const VALUE_OPTIONS = new Set(["--rpc", "--deployment", "--api", "--data-dir", "--ipfs-api", "--key", "--keystore", "--password-env"]);

/** The command named in `args` (argv without node and script): the first word that is not an option or its value. */
function commandNameIn(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") return args[i + 1];
    if (a.startsWith("-")) {
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    return a === "help" ? args[i + 1] ?? a : a;
  }
  return undefined;
}

/**
 * The `shuquan` program for `argv` (process.argv shape). The command named in it is loaded in full; when none is
 * (help, version, a typo), every command is listed by name and summary without loading any.
 */
function buildProgram(argv: readonly string[] = []): Command {
  const program = rootProgram();
  const name = commandNameIn(argv.slice(2));
  const chosen = COMMANDS.find((c) => c.name === name);
  if (chosen) chosen.register(program);
  else for (const c of COMMANDS) program.command(c.usage).description(c.summary);
  return program;
}

/** Runs the CLI on `argv` (process.argv shape). */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram(argv).parseAsync(argv);
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
if (require.main === module) void main(process.argv);
