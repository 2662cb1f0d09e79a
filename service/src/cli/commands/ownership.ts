import type { Command } from "commander";
import { getAddress, type Contract } from "ethers";
import { buildOwnershipStatement, checkOwnershipSignature, ownershipDomain, ownershipStatementFileSchema, ownershipTypedMessage, OWNERSHIP_TYPES } from "../../digest/ownership-statement";
import { formatAssetId } from "../../digest";
import { parseUint, resolveAsset } from "../args";
import { allErrorsInterface, view } from "../chain";
import { explainRevert } from "../revert";
import { CliError, EXIT_NOT_FOUND } from "../errors";
import { assertWritable, readJsonFile, toJson, writeFileAtomic } from "../files";
import { commandSummary } from "./index";
import { act } from "../program";

const TYPES = { OwnershipStatement: [...OWNERSHIP_TYPES.OwnershipStatement] };

/** The holder of `assetId` at `block` (ownerOf with that block tag); a CliError if it was not registered then. */
async function holderAtBlock(registry: Contract, assetId: bigint, block: number): Promise<string> {
  try {
    return (await registry.getFunction("ownerOf").staticCall(assetId, { blockTag: block })) as string;
  } catch (e) {
    const err = explainRevert(e, "read holder", allErrorsInterface());
    if (/ERC721NonexistentToken|RegistryAssetNotFound/.test(err.message)) {
      throw new CliError(`asset ${formatAssetId(assetId)} was not registered yet at block ${block}`, "a statement about a block before the registration would be false; choose a later --block");
    }
    throw new CliError(`cannot read the holder of ${formatAssetId(assetId)} at block ${block}: ${err.message}`, "the node may not keep state for old blocks: use an archive node, or omit --block");
  }
}

/** `shuquan ownership prove|verify` — a holder's signed statement "I hold asset X" (format: service/src/digest/ownership-statement.ts). */
export function registerOwnershipCommands(program: Command): void {
  const own = program.command("ownership").description(commandSummary("ownership"));

  own.command("prove <asset>")
    .description("sign an ownership statement with the holder's key and write it to a file")
    .option("--block <n>", "the block the claim is about (default: the current block)")
    .option("--nonce <text>", "the verifier's challenge, so the statement cannot be replayed elsewhere")
    .option("--scheme <scheme>", "eip191 (personal_sign) or eip712", "eip712")
    .requiredOption("--out <file>", "where to write the statement")
    .option("--force", "overwrite --out")
    .action(
      act<{ block?: string; nonce?: string; scheme: string; out: string; force?: boolean }>(async (ctx, [ref], o) => {
        if (o.scheme !== "eip191" && o.scheme !== "eip712") throw new CliError(`--scheme must be eip191 or eip712`);
        await assertWritable(o.out, o.force);
        await ctx.requireKey("holder");
        const { assetId } = await resolveAsset(ctx, ref as string);
        const wallet = await ctx.signer("holder");
        const { provider, chainId } = await ctx.chain();
        const head = await provider.getBlockNumber();
        const block = o.block !== undefined ? Number(parseUint(o.block, "--block")) : head;
        if (block > head) throw new CliError(`--block ${block} is past the chain head (block ${head})`, "a statement can only be about a block that exists; omit --block for the current one");
        const registry = await ctx.reader("registry");
        // the statement is about `block`: the key must have held the asset at that block, not merely now
        let holder: string;
        if (o.block === undefined) holder = await view<string>(registry, "ownerOf", [assetId], "read holder");
        else holder = await holderAtBlock(registry, assetId, block);
        if (holder.toLowerCase() !== wallet.address.toLowerCase()) {
          const msg = o.block === undefined
            ? `${wallet.address} does not hold asset ${formatAssetId(assetId)} (the holder is ${holder})`
            : `${wallet.address} did not hold asset ${formatAssetId(assetId)} at block ${block} (the holder at block ${block} was ${holder})`;
          throw new CliError(msg, "sign with the holder's key at that block; a statement must be true");
        }
        const fields = { assetId: formatAssetId(assetId), holder: wallet.address, chainId, block, issuedAt: new Date().toISOString().replace(/\.\d{3}Z$/, "Z"), nonce: o.nonce };
        const statement = buildOwnershipStatement(fields);
        const signature = o.scheme === "eip191"
          ? await wallet.signMessage(statement)
          : await wallet.signTypedData(ownershipDomain(chainId), TYPES, ownershipTypedMessage({ ...fields, statement }));
        const file = { type: "shuquan/ownership-statement", version: 1, scheme: o.scheme, ...fields, holder: wallet.address.toLowerCase(), statement, signature };
        if (o.nonce === undefined) delete (file as { nonce?: string }).nonce;
        await writeFileAtomic(o.out, toJson(file));
        ctx.print({ out: o.out, assetId: fields.assetId, holder: wallet.address, block }, [`ownership statement for ${fields.assetId} at block ${block} written to ${o.out}`]);
      }),
    );

  own.command("verify <file>")
    .description("check a statement's signature and that the signer held the asset at that block, on chain")
    .option("--via-api", "also ask the API (POST /v1/ownership/verify) and show its answer next to the chain's")
    .action(
      act<{ viaApi?: boolean }>(async (ctx, [f], o) => {
        const r = ownershipStatementFileSchema.safeParse(await readJsonFile(f as string, "statement"));
        if (!r.success) throw new CliError(`${f} is not an ownership statement: ${r.error.issues[0]?.path.join(".")}: ${r.error.issues[0]?.message}`);
        const s = r.data;
        const { signer, problems } = checkOwnershipSignature(s);
        const { chainId } = await ctx.chain();
        if (chainId !== s.chainId) problems.push(`the statement is about chain ${s.chainId}, but --rpc is chain ${chainId}`);
        let holderAtBlock: string | undefined;
        if (!problems.length) {
          const registry = await ctx.reader("registry");
          try {
            holderAtBlock = (await registry.getFunction("ownerOf").staticCall(s.assetId, { blockTag: s.block ?? "latest" })) as string;
          } catch {
            problems.push(`asset ${s.assetId} did not exist at block ${s.block ?? "latest"} (or the node has no state for that block)`);
          }
          if (holderAtBlock && getAddress(holderAtBlock) !== getAddress(s.holder)) problems.push(`at block ${s.block ?? "latest"} the holder was ${holderAtBlock}, not ${s.holder}`);
        }
        const valid = problems.length === 0;
        let api: { valid?: boolean; reasons?: unknown[] } | undefined;
        if (o.viaApi) {
          const body = { assetId: s.assetId, holder: s.holder, block: s.block, chainId: s.chainId, statement: s.statement, signature: s.signature, scheme: s.scheme };
          api = ((await ctx.apiPost("/v1/ownership/verify", body)) as { data?: { valid?: boolean; reasons?: unknown[] } } | undefined)?.data;
        }
        if (!valid) process.exitCode = EXIT_NOT_FOUND;
        const human = valid
          ? [`VALID  ${s.holder} held asset ${s.assetId} at block ${s.block ?? "latest"} and signed this statement (checked on chain)`]
          : [`INVALID  ${problems.join("; ")}`];
        if (api) human.push(`API (${ctx.apiUrl}) says: ${api.valid ? "valid" : `invalid (${JSON.stringify(api.reasons ?? [])})`}${api.valid !== valid ? " — DISAGREES with the chain; trust the chain" : ""}`);
        ctx.print({ valid, assetId: s.assetId, holder: s.holder, block: s.block, signer, problems, ...(api ? { api } : {}) }, human);
      }),
    );
}
