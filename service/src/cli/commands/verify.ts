import type { Command } from "commander";
import { promises as fsp } from "node:fs";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { ASSET_KIND, ASSET_SOURCE, DATA_LEVEL, DATASET_LEAF_ENCODING, datasetDigest, enumName, formatAssetId, recordDigest } from "../../digest";
import { view } from "../chain";
import { CliError, EXIT_NOT_FOUND } from "../errors";
import { readJsonFile } from "../files";
import { hashPath } from "../hashing";
import { commandSummary } from "./index";
import { act } from "../program";
import type { Context } from "../context";
import type { AssetStruct } from "./asset";

interface ProofCandidate {
  root: string;
  /** The anchoring exchange: batches are keyed by (exchange, root). */
  exchange: string | undefined;
  assetId: string;
  proof: string[];
  from: "api" | "proofs-file";
}

/** Proofs offered by the API for `digest` (any of a few shapes), or by a proofs file. The chain decides. */
async function proofCandidates(ctx: Context, digest: string, proofsFile: string | undefined, useApi: boolean): Promise<{ candidates: ProofCandidate[]; apiError?: string }> {
  const out: ProofCandidate[] = [];
  if (proofsFile) {
    const f = (await readJsonFile(proofsFile, "proofs file")) as { root?: string; exchange?: string; items?: { digest: string; assetId: string; proof: string[] }[] };
    for (const it of f.items ?? []) if (it.digest?.toLowerCase() === digest && f.root) out.push({ root: f.root, exchange: f.exchange, assetId: it.assetId, proof: it.proof, from: "proofs-file" });
  }
  let apiError: string | undefined;
  if (useApi) {
    try {
      const body = (await ctx.apiGet(`/v1/evidence/items/${digest}`)) as { data?: unknown } | undefined;
      const data = body?.data;
      // GET /v1/evidence/items/{digest} → { data: { itemDigest, occurrences: [{ assetId|null, proof, batch: { root } }] } }
      const d = data as { occurrences?: unknown; items?: unknown } | undefined;
      const list = (Array.isArray(d?.occurrences) ? d.occurrences : Array.isArray(d?.items) ? d.items : Array.isArray(data) ? data : data ? [data] : []) as Record<string, unknown>[];
      for (const e of list) {
        const batch = e.batch as Record<string, unknown> | undefined;
        const root = (e.root ?? e.batchId ?? e.batchRoot ?? batch?.root ?? batch?.id) as string | undefined;
        const proof = e.proof as string[] | undefined;
        const exchange = (e.exchange ?? batch?.exchange) as string | undefined;
        if (typeof root === "string" && Array.isArray(proof)) out.push({ root, exchange, assetId: formatAssetId(typeof e.assetId === "string" ? e.assetId : 0n), proof, from: "api" });
      }
    } catch (e) {
      apiError = (e as Error).message;
    }
  }
  return { candidates: out, apiError };
}

/** Is a file (by digest) in a dataset listing whose files rebuild the listing's root? Returns its path and proof. */
async function datasetMembership(listingFile: string, digest: string): Promise<{ root: string; path: string; proof: string[] } | undefined> {
  const l = (await readJsonFile(listingFile, "listing")) as { root?: string; files?: { path: string; digest: string }[] };
  if (!Array.isArray(l.files) || typeof l.root !== "string") throw new CliError(`${listingFile} is not a dataset listing`, "use the file written by `asset register --listing-out`");
  const { root, tree } = datasetDigest(l.files);
  if (root !== l.root.toLowerCase()) throw new CliError(`the listing's files rebuild root ${root}, not the root ${l.root} it names`, "the listing was edited; do not trust it");
  const i = l.files.findIndex((f) => f.digest.toLowerCase() === digest);
  if (i < 0) return undefined;
  const f = l.files[i] as { path: string; digest: string };
  const proof = tree.getProof(i);
  if (!StandardMerkleTree.verify(root, [...DATASET_LEAF_ENCODING], [f.path, digest], proof)) return undefined;
  return { root, path: f.path, proof };
}

/** `shuquan verify <path>` — was this file / dataset / record registered or anchored? Answered by the chain. */
export function registerVerifyCommand(program: Command): void {
  program
    .command("verify <path>")
    .description(commandSummary("verify"))
    .option("--proofs <file>", "a proofs file from `evidence anchor` (works without the API)")
    .option("--skip-api", "do not ask the API for evidence proofs (use --proofs; without it, only registration is checked)")
    .option("--listing <file>", "a dataset listing from `asset register --listing-out`: is this file part of that registered dataset?")
    .action(
      act<{ proofs?: string; skipApi?: boolean; listing?: string }>(async (ctx, [p], o) => {
        const content = await hashPath(p as string, ctx.quiet);
        const digests: { digest: string; as: string }[] = [{ digest: content.digest, as: content.kind === "file" ? "file bytes (sha-256)" : "dataset root" }];
        if (content.kind === "file" && content.bytes < 64 * 1024 * 1024) {
          try {
            const record = JSON.parse(await fsp.readFile(p as string, "utf8")) as unknown;
            const rd = recordDigest(record);
            if (rd !== content.digest) digests.push({ digest: rd, as: "JSON record (canonical JSON sha-256)" });
          } catch {
            /* not a JSON record */
          }
        }
        const registry = await ctx.reader("registry");
        const anchor = await ctx.reader("evidence");
        const results: Record<string, unknown>[] = [];
        const human: string[] = [];
        let found = false;
        let anchoringUnchecked = false;
        let apiNote: string | undefined;
        for (const { digest, as } of digests) {
          const r: Record<string, unknown> = { digest, as };
          if (await view<boolean>(registry, "exists", [digest], "check registration")) {
            const a = await view<AssetStruct>(registry, "getAsset", [digest], "read asset");
            const asset = {
              assetId: formatAssetId(digest),
              registrationNumber: await view<string>(registry, "registrationNumber", [digest], "registration number"),
              holder: await view<string>(registry, "ownerOf", [digest], "holder"),
              exchange: a.exchange,
              registeredAt: new Date(Number(a.registeredAt) * 1000).toISOString(),
              kind: enumName(ASSET_KIND, a.kind, "kind"),
              source: enumName(ASSET_SOURCE, a.source, "source"),
              level: enumName(DATA_LEVEL, a.level, "level"),
              frozen: a.frozen,
            };
            r.registered = asset;
            found = true;
            human.push(`REGISTERED  ${asset.registrationNumber} (${as})`, `  asset id ${asset.assetId}`, `  holder ${asset.holder}, registered by exchange ${asset.exchange} at ${asset.registeredAt}${asset.frozen ? ", FROZEN" : ""}`);
          }
          const { candidates, apiError } = await proofCandidates(ctx, digest, o.proofs, !o.skipApi);
          const anchored: { root: string; assetId: string; exchange: string; anchoredAt: string; leafCount: number; proofFrom: string }[] = [];
          const rejected: { root: string; from: string; reason: string }[] = [];
          for (const c of candidates) {
            let ok = false;
            let reason = "proof does NOT verify on chain";
            if (c.exchange === undefined) {
              rejected.push({ root: c.root, from: c.from, reason: "names no anchoring exchange (batches are keyed by exchange and root)" });
              continue;
            }
            try {
              ok = await view<boolean>(anchor, "verifyItem", [c.exchange, c.root, digest, c.assetId, c.proof], "verify evidence proof");
            } catch (e) {
              // verifyItem reverts with EvidenceBatchNotFound for an unknown root: not anchored, not a bad proof
              reason = /EvidenceBatchNotFound/.test((e as Error).message) ? "batch not anchored on this chain" : `could not be checked: ${(e as Error).message}`;
            }
            if (!ok) {
              rejected.push({ root: c.root, from: c.from, reason });
              continue;
            }
            const b = await view<{ exchange: string; anchoredAt: bigint; leafCount: bigint }>(anchor, "getBatch", [c.exchange, c.root], "read batch");
            if (anchored.some((x) => x.root === c.root && x.assetId === c.assetId)) continue;
            anchored.push({ root: c.root, assetId: c.assetId, exchange: b.exchange, anchoredAt: new Date(Number(b.anchoredAt) * 1000).toISOString(), leafCount: Number(b.leafCount), proofFrom: c.from });
          }
          r.anchored = anchored;
          // "unchecked": no source of proofs could be consulted (API unreachable, no --proofs) — not the same as "no"
          r.anchoring = apiError && !o.proofs ? "unchecked" : o.skipApi && !o.proofs ? "skipped" : "checked";
          if (r.anchoring === "unchecked") anchoringUnchecked = true;
          if (rejected.length) r.proofsRejectedByChain = rejected;
          if (apiError) r.apiError = apiError;
          if (anchored.length) found = true;
          for (const a of anchored) human.push(`ANCHORED    in batch ${a.root} (${as})`, `  by exchange ${a.exchange} at ${a.anchoredAt}, ${a.leafCount} item(s) in the batch; proof verified on chain by EvidenceAnchor.verifyItem`);
          for (const x of rejected) {
            human.push(x.reason === "batch not anchored on this chain"
              ? `WARNING     a proof from the ${x.from} names batch ${x.root}, but that batch is not anchored on this chain (EvidenceBatchNotFound)`
              : `WARNING     a proof from the ${x.from} for batch ${x.root} ${x.reason === "proof does NOT verify on chain" ? "does NOT verify on chain" : x.reason}`);
          }
          if (apiError && !o.proofs) {
            apiNote = `evidence not checked through the API (${apiError}); pass --proofs <file> to check offline`;
            human.push(`note: ${apiNote}`);
          }
          results.push(r);
        }
        if (o.listing && content.kind === "file") {
          const part = await datasetMembership(o.listing, content.digest);
          if (part && (await view<boolean>(registry, "exists", [part.root], "check dataset registration"))) {
            const number = await view<string>(registry, "registrationNumber", [part.root], "registration number");
            results.push({ digest: content.digest, as: "file of a dataset", partOf: { assetId: part.root, registrationNumber: number, path: part.path, proof: part.proof } });
            human.push(`PART OF     dataset ${number} as "${part.path}" (listing rebuilds the registered root ${part.root}; Merkle proof checked)`);
            found = true;
          } else if (part) human.push(`note: the listing's root ${part.root} is not registered on chain`);
          else human.push(`note: this file is not in the listing ${o.listing}`);
        }
        const what = digests.map((d) => `${d.digest} (${d.as})`).join(", ");
        // exit 2 means "checked, and the answer is no": when anchoring could not be checked, the answer is unknown (1)
        const exit = found ? 0 : anchoringUnchecked ? 1 : EXIT_NOT_FOUND;
        if (!found && anchoringUnchecked) {
          human.unshift(
            `NOT FOUND   registration: ${what} is not registered (per the chain)`,
            `UNCHECKED   anchoring: could not be checked — ${apiNote ?? "the API was not reachable"}`,
          );
        } else if (!found) {
          human.unshift(`NOT FOUND   ${what} is neither registered nor anchored (per the chain)`);
        }
        const anchoring = anchoringUnchecked ? "unchecked" : o.skipApi && !o.proofs ? "skipped" : "checked";
        ctx.print({ path: p, found, registered: results.some((x) => x.registered !== undefined), anchoring, results }, human);
        if (exit !== 0) process.exitCode = exit;
      }),
    );
}
