import type { Command } from "commander";
import { z } from "zod";
import {
  RIGHT,
  buildReceiptManifest,
  licenceIdOf,
  receiptLeafHash,
  recordDigest,
  type Hex,
  type ProcessingReceipt,
} from "../../digest";
import { parseAddress, parseBytes32, parseTime, resolveAsset } from "../args";
import { findEvent, send, view } from "../chain";
import { CliError } from "../errors";
import { assertWritable, readFileOrFail, toJson, writeFileAtomic } from "../files";
import { commandSummary } from "./index";
import { act } from "../program";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "expected 0x + 64 hex");
const when = z.union([z.number().int().nonnegative(), z.string()]);

/**
 * One receipt as a job file gives it: the licence by id or by (asset, right); the licensee (default: the signer);
 * the purpose by digest; inputs; output; parameters by digest or as a JSON value (digested as canonical JSON).
 */
const jobSchema = z
  .object({
    licenceId: hex32.optional(),
    asset: z.string().optional(),
    right: z.string().optional(),
    licensee: z.string().optional(),
    purposeDigest: hex32,
    inputs: z.array(hex32).min(1),
    outputDigest: hex32,
    parametersDigest: hex32.optional(),
    parameters: z.unknown().optional(),
    start: when,
    end: when,
  })
  .strict();

type Job = z.infer<typeof jobSchema>;

/** Reads a JSON array, or JSON Lines, of jobs. */
function parseJobs(text: string, file: string): Job[] {
  const trimmed = text.trim();
  let values: unknown[];
  try {
    values = trimmed.startsWith("[") ? (JSON.parse(trimmed) as unknown[]) : trimmed.split(/\r?\n/).filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as unknown);
  } catch (e) {
    throw new CliError(`${file} is neither a JSON array nor JSON Lines: ${(e as Error).message}`);
  }
  if (values.length === 0) throw new CliError(`${file} lists no receipts`);
  return values.map((v, i) => {
    const r = jobSchema.safeParse(v);
    if (!r.success) {
      const issue = r.error.issues[0];
      throw new CliError(`${file}: receipt ${i}: ${issue?.path.join(".") || "(root)"}: ${issue?.message ?? "invalid"}`);
    }
    return r.data;
  });
}

/** The proof document of one receipt, as `receipt anchor` writes it and `receipt verify` reads it. */
const proofEntrySchema = z.object({
  receipt: z.object({
    licenceId: hex32,
    licensee: z.string(),
    purposeDigest: hex32,
    inputsRoot: hex32,
    outputDigest: hex32,
    parametersDigest: hex32,
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
  }),
  proof: z.array(hex32),
  root: hex32.optional(),
});

/** `shuquan receipt anchor|verify|operator` — processing receipts (可用不可见, 行为留痕). */
export function registerReceiptCommands(program: Command): void {
  const rc = program.command("receipt").description(commandSummary("receipt"));

  rc.command("anchor <jobs-file>")
    .description("build a batch of processing receipts (JSON array or JSON Lines), store its manifest, anchor its root, write every receipt's proof (licensee's or operator's key)")
    .option("--proofs-out <file>", "where to write the proofs (default: receipts-<root prefix>.proofs.json)")
    .option("--force", "overwrite --proofs-out")
    .action(
      act<{ proofsOut?: string; force?: boolean }>(async (ctx, [file], o) => {
        const jobs = parseJobs((await readFileOrFail(file as string, "jobs file")).toString("utf8"), file as string);
        if (o.proofsOut) await assertWritable(o.proofsOut, o.force);
        const wallet = await ctx.requireKey("licensee or operator");
        const chainNow = await ctx.chainNow();
        const receipts = [];
        for (const [i, j] of jobs.entries()) {
          const licensee = parseAddress(j.licensee ?? wallet.address, `receipt ${i} licensee`).toLowerCase();
          let licenceId = j.licenceId?.toLowerCase();
          if (!licenceId) {
            if (!j.asset || !j.right) throw new CliError(`receipt ${i}: give licenceId, or asset and right`);
            const { assetId } = await resolveAsset(ctx, j.asset);
            const right = RIGHT.indexOf(j.right as (typeof RIGHT)[number]);
            if (right <= 0) throw new CliError(`receipt ${i}: right "${j.right}" is not a licence right`, "processing|operating|product-use");
            licenceId = licenceIdOf(assetId, licensee, right);
          }
          if (j.parametersDigest && j.parameters !== undefined) throw new CliError(`receipt ${i}: give parametersDigest or parameters, not both`);
          const parametersDigest = j.parametersDigest?.toLowerCase() ?? (j.parameters !== undefined ? recordDigest(j.parameters) : undefined);
          if (!parametersDigest) throw new CliError(`receipt ${i}: parametersDigest or parameters is required`);
          receipts.push({
            licenceId,
            licensee,
            purposeDigest: j.purposeDigest.toLowerCase(),
            inputs: j.inputs.map((d) => d.toLowerCase()),
            outputDigest: j.outputDigest.toLowerCase(),
            parametersDigest,
            start: typeof j.start === "number" ? j.start : parseTime(j.start, `receipt ${i} start`, chainNow),
            end: typeof j.end === "number" ? j.end : parseTime(j.end, `receipt ${i} end`, chainNow),
          });
        }
        let built;
        try {
          built = buildReceiptManifest(receipts);
        } catch (e) {
          throw new CliError(`cannot build the batch: ${(e as Error).message}`);
        }
        const { manifest, tree } = built;
        const proofsOut = o.proofsOut ?? `receipts-${manifest.root.slice(2, 14)}.proofs.json`;
        if (!o.proofsOut) await assertWritable(proofsOut, o.force);
        const manifestCid = await (await ctx.content()).put(built.bytes);
        const { contract } = await ctx.writer("receipts", "licensee or operator");
        const tx = await send(contract, "anchor", [manifest.root, manifest.leafCount, manifestCid], "anchor receipts");
        const event = findEvent(contract, tx.logs, "ReceiptsAnchored");
        const { chainId } = await ctx.chain();
        await writeFileAtomic(
          proofsOut,
          toJson({
            type: "shuquan/receipt-proofs",
            version: 1,
            chainId,
            receiptAnchor: String(contract.target),
            root: manifest.root,
            leafCount: manifest.leafCount,
            manifestCid,
            txHash: tx.txHash,
            blockNumber: tx.blockNumber,
            receipts: manifest.receipts.map(({ inputs, ...receipt }, i) => ({ index: i, receipt, inputs, leafHash: receiptLeafHash(receipt), proof: tree.getProof(i) })),
          }),
        );
        ctx.print({ root: manifest.root, leafCount: manifest.leafCount, manifestCid, proofsFile: proofsOut, submitter: event?.submitter, ...tx }, [
          `anchored ${manifest.leafCount} processing receipt(s)`,
          `  batch root  ${manifest.root}`,
          `  manifest    ${manifestCid}`,
          `  proofs      ${proofsOut}`,
          `  tx          ${tx.txHash} in block ${tx.blockNumber}`,
          `  the indexer checks each receipt against its licence; see /v1/violations`,
        ]);
      }),
    );

  rc.command("verify [proof-file]")
    .description("auditor: check one receipt against the chain — its batch is anchored and the proof rebuilds the root (ReceiptAnchor.verifyReceipt); exit 2 if not")
    .option("--index <n>", "which receipt of a proofs file written by `receipt anchor` (default 0)")
    .option("--batch <root>", "fetch the receipt from the API instead of a file (with --index); the proof is still checked on chain")
    .action(
      act<{ index?: string; batch?: string }>(async (ctx, [file], o) => {
        const index = o.index === undefined ? 0 : Number(o.index);
        if (!Number.isInteger(index) || index < 0) throw new CliError(`--index ${o.index} is not a receipt index`);
        let entry: z.infer<typeof proofEntrySchema>;
        let root: string;
        let fromApi: Record<string, unknown> | undefined;
        if (o.batch) {
          root = parseBytes32(o.batch, "--batch");
          const body = (await ctx.apiGet(`/v1/receipts/${root}/${index}`)) as { data?: Record<string, unknown> } | undefined;
          if (!body?.data) throw new CliError(`the API knows no receipt ${index} in batch ${root}`, "check --batch and --index, or give the proofs file", 2);
          fromApi = body.data;
          const d = body.data as Record<string, unknown>;
          entry = proofEntrySchema.parse({ receipt: { licenceId: d.licenceId, licensee: d.licensee, purposeDigest: d.purposeDigest, inputsRoot: d.inputsRoot, outputDigest: d.outputDigest, parametersDigest: d.parametersDigest, start: d.start, end: d.end }, proof: d.proof });
        } else {
          if (!file) throw new CliError("give a proofs file, or --batch <root> --index <n>");
          const doc = JSON.parse((await readFileOrFail(file, "proof file")).toString("utf8")) as Record<string, unknown>;
          const list = Array.isArray(doc.receipts) ? (doc.receipts as unknown[]) : [doc];
          const raw = list[index];
          if (raw === undefined) throw new CliError(`${file} has no receipt ${index}`);
          const parsed = proofEntrySchema.safeParse(raw);
          if (!parsed.success) throw new CliError(`${file}: receipt ${index} is not a receipt proof: ${parsed.error.issues[0]?.message ?? "invalid"}`);
          entry = parsed.data;
          const r = typeof doc.root === "string" ? doc.root : entry.root;
          if (!r) throw new CliError(`${file} does not name its batch root`);
          root = parseBytes32(r, "root");
        }
        const receipt: ProcessingReceipt = { ...entry.receipt, licensee: parseAddress(entry.receipt.licensee, "licensee") };
        const contract = await ctx.reader("receipts");
        let batch: { submitter: string; anchoredAt: bigint; leafCount: bigint } | undefined;
        try {
          batch = await view(contract, "getBatch", [root], "read batch");
        } catch {
          batch = undefined;
        }
        const leafHash: Hex = receiptLeafHash(receipt);
        const ok = batch ? await view<boolean>(contract, "verifyReceipt", [root, receipt, entry.proof], "verify receipt") : false;
        const violations = fromApi ? (fromApi.violations as { code: string; detail: string }[]) : undefined;
        const lines = ok
          ? [
              `VERIFIED  receipt ${leafHash} is in batch ${root}`,
              `  anchored by ${batch!.submitter} at ${new Date(Number(batch!.anchoredAt) * 1000).toISOString()} (${batch!.leafCount} receipt(s)); checked on chain by ReceiptAnchor.verifyReceipt`,
              `  licence ${receipt.licenceId}, licensee ${receipt.licensee}, job ${new Date(receipt.start * 1000).toISOString()} – ${new Date(receipt.end * 1000).toISOString()}`,
            ]
          : [batch ? `NOT VERIFIED  the proof does not place receipt ${leafHash} in batch ${root}` : `NOT ANCHORED  no receipt batch ${root} on chain`];
        if (violations) lines.push(violations.length ? `  violations (indexer): ${violations.map((v) => `${v.code}: ${v.detail}`).join("; ")}` : "  no violations found by the indexer");
        ctx.print({ verified: ok, anchored: Boolean(batch), root, leafHash, receipt, submitter: batch?.submitter, anchoredAt: batch ? Number(batch.anchoredAt) : undefined, violations }, lines);
        if (!ok) process.exitCode = 2;
      }),
    );

  rc.command("operator <address>")
    .description("licensee: name (or with --revoke, stop naming) an operating domain that may anchor your receipts")
    .option("--revoke", "de-authorise it")
    .action(
      act<{ revoke?: boolean }>(async (ctx, [who], o) => {
        const operator = parseAddress(who, "operator");
        const { contract } = await ctx.writer("receipts", "licensee");
        const tx = await send(contract, "setOperator", [operator, !o.revoke], "set operator");
        ctx.print({ operator, authorised: !o.revoke, ...tx }, [`${o.revoke ? "revoked" : "authorised"} operator ${operator}`, `  tx ${tx.txHash} in block ${tx.blockNumber}`]);
      }),
    );
}
