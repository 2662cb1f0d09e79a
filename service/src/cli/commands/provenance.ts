import type { Command } from "commander";
import { resolveAsset } from "../args";
import { CliError } from "../errors";
import { commandSummary } from "./index";
import { act } from "../program";

function render(value: unknown, indent = ""): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}(none)`];
    return value.flatMap((v, i) => (v && typeof v === "object" ? [`${indent}- #${i + 1}`, ...render(v, indent + "    ")] : [`${indent}- ${String(v)}`]));
  }
  if (value && typeof value === "object") {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) =>
      v && typeof v === "object" ? [`${indent}${k}:`, ...render(v, indent + "  ")] : [`${indent}${k}: ${String(v)}`],
    );
  }
  return [`${indent}${String(value)}`];
}

/** `shuquan provenance <asset>` — an asset's provenance report from the API. */
export function registerProvenanceCommand(program: Command): void {
  program
    .command("provenance <asset>")
    .description(commandSummary("provenance"))
    .option("--depth <n>", "lineage depth", "5")
    .action(
      act<{ depth: string }>(async (ctx, [ref], o) => {
        const { hex } = await resolveAsset(ctx, ref as string);
        const body = (await ctx.apiGet(`/v1/assets/${hex}/provenance?depth=${encodeURIComponent(o.depth)}`)) as { data?: unknown } | undefined;
        if (!body) throw new CliError(`asset ${hex} is not known to the API at ${ctx.apiUrl}`, "check the id, or wait for the indexer to catch up");
        const report = body.data ?? body;
        ctx.print({ assetId: hex, provenance: report }, [`provenance of ${hex} (from the API at ${ctx.apiUrl}; re-check on chain with \`shuquan verify\`)`, ...render(report, "  ")]);
      }),
    );
}
