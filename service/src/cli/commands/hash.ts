import type { Command } from "commander";
import { promises as fsp } from "node:fs";
import { recordDigest } from "../../digest";
import { hashPath } from "../hashing";
import { commandSummary } from "./index";
import { act } from "../program";

/** `shuquan hash <path>` — offline: the digests `register`, `anchor` and `verify` use. */
export function registerHashCommand(program: Command): void {
  program
    .command("hash <path>")
    .description(commandSummary("hash"))
    .option("--record", "the file is a JSON record: also print its canonical-JSON digest")
    .action(
      act<{ record?: boolean }>(async (ctx, [p], o) => {
        const c = await hashPath(p as string, ctx.quiet);
        const result: Record<string, unknown> = { path: p, kind: c.kind, digest: c.digest, algorithm: c.algorithm, bytes: c.bytes };
        if (c.files) result.files = c.files.length;
        const human = [`${c.digest}  ${p} (${c.kind === "file" ? "sha-256" : `dataset root over ${c.files?.length} files`})`];
        if (o.record) {
          const rd = recordDigest(JSON.parse(await fsp.readFile(p as string, "utf8")) as unknown);
          result.recordDigest = rd;
          human.push(`${rd}  ${p} (canonical JSON record)`);
        }
        ctx.print(result, human);
      }),
    );
}
