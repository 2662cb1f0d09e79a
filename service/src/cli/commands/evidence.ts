import type { Command } from "commander";
import { buildManifest, formatAssetId, type EvidenceItem } from "../../digest";
import { resolveAsset } from "../args";
import { findEvent, send, view } from "../chain";
import { CliError } from "../errors";
import { collectEvidenceItems } from "../evidence-items";
import { assertWritable, toJson, writeFileAtomic } from "../files";
import { commandSummary } from "./index";
import { act, collect } from "../program";
import { startProgress } from "../progress";

interface AnchorOptions {
  jsonl?: string[];
  asset?: string;
  proofsOut?: string;
  force?: boolean;
}

/** `shuquan evidence anchor` — an exchange anchors a batch of evidence (存证). */
export function registerEvidenceCommands(program: Command): void {
  const ev = program.command("evidence").description(commandSummary("evidence"));

  ev.command("anchor [paths...]")
    .description("hash files/directories and/or JSONL records, store the manifest, anchor the Merkle root, write every item's proof (exchange key)")
    .option("--jsonl <file>", "a JSONL file: one record per line, digested as canonical JSON; repeat for several", collect, [])
    .option("--asset <asset>", "the asset every item (and the batch) concerns")
    .option("--proofs-out <file>", "where to write the proofs (default: evidence-<root prefix>.proofs.json)")
    .option("--force", "overwrite --proofs-out")
    .action(
      act<AnchorOptions>(async (ctx, paths, o) => {
        if (paths.length === 0 && !o.jsonl?.length) throw new CliError("nothing to anchor", "give files or directories, and/or --jsonl <file>");
        if (o.proofsOut) await assertWritable(o.proofsOut, o.force);
        await ctx.requireKey("exchange");
        let assetHex: string | undefined;
        if (o.asset) {
          const a = await resolveAsset(ctx, o.asset);
          assetHex = a.hex;
          const registry = await ctx.reader("registry");
          if (!(await view<boolean>(registry, "exists", [a.assetId], "check asset"))) throw new CliError(`asset ${a.hex} is not registered`, "check --asset");
        }
        const all = await collectEvidenceItems(paths, o.jsonl ?? [], assetHex, ctx.quiet);
        if (all.length === 0) throw new CliError("no evidence items found", "the directories are empty and the JSONL files have no records");
        // one leaf per (digest, asset): identical items share a leaf and a proof
        const unique = new Map<string, EvidenceItem>();
        for (const it of all) {
          const key = `${it.digest}:${it.assetId ?? ""}`;
          if (!unique.has(key)) unique.set(key, it);
        }
        const items = [...unique.values()];
        const big = items.length >= 5000;
        if (big) ctx.status(`building the Merkle tree of ${items.length.toLocaleString("en-US")} items…`);
        const built = buildManifest(items);
        const { manifest, tree } = built;
        const proofsOut = o.proofsOut ?? `evidence-${manifest.root.slice(2, 14)}.proofs.json`;
        if (!o.proofsOut) await assertWritable(proofsOut, o.force);

        if (big) ctx.status(`storing the manifest (${built.bytes.length.toLocaleString("en-US")} bytes)…`);
        const store = await ctx.content();
        const manifestCid = await store.put(built.bytes);
        if (big) ctx.status(`anchoring root ${manifest.root}…`);
        const { contract } = await ctx.writer("evidence", "exchange");
        const tx = await send(contract, "anchor", [manifest.root, manifest.leafCount, manifestCid, assetHex ?? 0n], "anchor evidence");
        const event = findEvent(contract, tx.logs, "EvidenceAnchored");
        const { chainId } = await ctx.chain();

        const bar = startProgress("proofs", items.length, "items", ctx.quiet || items.length < 5000);
        const index = new Map<string, number>();
        items.forEach((it, i) => index.set(`${it.digest}:${it.assetId ?? ""}`, i));
        const proofs: string[][] = [];
        for (let i = 0; i < items.length; i++) {
          proofs.push(tree.getProof(i));
          if (i % 1000 === 0) bar.update(i);
        }
        bar.stop();
        const out = {
          type: "shuquan/evidence-proofs",
          version: 1,
          chainId,
          evidenceAnchor: String(contract.target),
          root: manifest.root,
          // batches are keyed by (anchoring exchange, root): a verifier needs both
          exchange: event?.exchange,
          leafCount: manifest.leafCount,
          manifestCid,
          txHash: tx.txHash,
          blockNumber: tx.blockNumber,
          items: all.map((it) => {
            const i = index.get(`${it.digest}:${it.assetId ?? ""}`) as number;
            return { label: it.label, digest: it.digest, assetId: formatAssetId(it.assetId ?? 0n), proof: proofs[i] };
          }),
        };
        await writeFileAtomic(proofsOut, toJson(out));
        ctx.print(
          { root: manifest.root, leafCount: manifest.leafCount, items: all.length, manifestCid, proofsFile: proofsOut, exchange: event?.exchange, ...tx },
          [
            `anchored ${manifest.leafCount} evidence item(s)${all.length !== items.length ? ` (${all.length - items.length} duplicate(s) share a leaf)` : ""}`,
            `  batch root  ${manifest.root}`,
            `  manifest    ${manifestCid}`,
            `  proofs      ${proofsOut}`,
            `  tx          ${tx.txHash} in block ${tx.blockNumber}`,
          ],
        );
      }),
    );
}
