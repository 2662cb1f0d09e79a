import type { Command } from "commander";
import { TypedDataEncoder, verifyTypedData } from "ethers";
import { z } from "zod";
import { APPLICATION_TYPES, ASSET_KIND, ASSET_SOURCE, DATA_LEVEL, applicationMessage, canonicalJsonBytes, formatAssetId, sha256Hex } from "../../digest";
import { validateMetadata } from "../../metadata";
import { digestFrom, parseAddress, parseEnum, parseTime, resolveAsset } from "../args";
import { findEvent, send, view } from "../chain";
import { domainOf } from "../eip712";
import { CliError } from "../errors";
import { assertWritable, readJsonFile, toJson, writeFileAtomic } from "../files";
import { hashPath } from "../hashing";
import { act, collect } from "../program";

interface ApplyOptions {
  exchange: string;
  kind: string;
  source: string;
  level: string;
  metadata: string;
  consentFile?: string;
  consentDigest?: string;
  parent?: string[];
  listingOut?: string;
  deadline: string;
  out: string;
  force?: boolean;
}

/** Fills the evidence block from the computed digest and checks the document agrees with the flags. */
function completeMetadata(doc: unknown, digest: string, algorithm: string, level: string, hasConsent: boolean): unknown {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new CliError("the metadata file must hold a JSON object", "see docs/metadata.schema.json");
  const m = structuredClone(doc) as Record<string, unknown>;
  const ev = (m.evidence ?? {}) as Record<string, unknown>;
  const zero = "0x" + "0".repeat(64);
  if (ev.fingerprint !== undefined && ev.fingerprint !== zero && String(ev.fingerprint).toLowerCase() !== digest) {
    throw new CliError(`metadata evidence.fingerprint ${String(ev.fingerprint)} is not the content's digest ${digest}`, "remove evidence.fingerprint (the CLI fills it in) or register the matching content");
  }
  m.evidence = { ...ev, digestAlgorithm: algorithm, fingerprint: digest };
  const sec = m.security as { level?: unknown; personalInformation?: { contains?: unknown } } | undefined;
  if (sec?.level !== undefined && sec.level !== level) {
    throw new CliError(`metadata security.level is "${String(sec.level)}" but --level is "${level}"`, "make them agree");
  }
  if (sec?.personalInformation?.contains === true && !hasConsent) {
    throw new CliError("the metadata says the data contains personal information, but no consent proof was given", "pass --consent-file <file> (or --consent-digest)");
  }
  return m;
}

/**
 * The metadata's `asset.objectType` for each `--kind` (docs/cli.md): a data resource is described as a resource, a
 * data product as a product, compute as a service; a model may be offered as a product or a service.
 */
const OBJECT_TYPES_OF_KIND: Record<string, readonly string[]> = {
  resource: ["resource"],
  product: ["product"],
  compute: ["service"],
  model: ["product", "service"],
};

/**
 * Checks the metadata document against the flags where they describe the same thing, before any long work:
 * `asset.objectType` against `--kind`; `security.personalInformation.contains` against `--source` (personal data
 * must say it contains personal information) and the consent proof (personal information needs one, whatever the
 * source: enterprise data can hold personal information too).
 */
function checkMetadataAgainstFlags(doc: unknown, flags: { kind: string; source: string; hasConsent: boolean }): void {
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new CliError("the metadata file must hold a JSON object", "see docs/metadata.schema.json");
  const m = doc as { asset?: { objectType?: unknown }; security?: { personalInformation?: { contains?: unknown } } };
  const objectType = m.asset?.objectType;
  const allowed = OBJECT_TYPES_OF_KIND[flags.kind];
  if (typeof objectType === "string" && allowed && !allowed.includes(objectType)) {
    throw new CliError(
      `metadata asset.objectType is "${objectType}" but --kind is "${flags.kind}" (a ${flags.kind} is described as ${allowed.map((t) => `"${t}"`).join(" or ")})`,
      "make them agree: fix asset.objectType in the metadata or --kind",
    );
  }
  const contains = m.security?.personalInformation?.contains;
  if (flags.source === "personal" && contains !== true) {
    throw new CliError(
      `--source is "personal" but the metadata ${contains === false ? "says security.personalInformation.contains: false" : "does not say security.personalInformation.contains: true"}`,
      "personal data contains personal information: set security.personalInformation.contains to true (with its consentBasis), or choose another --source",
    );
  }
  if (contains === true && !flags.hasConsent) {
    throw new CliError("the metadata says the data contains personal information, but no consent proof was given", "pass --consent-file <file> (or --consent-digest)");
  }
}

/** What `asset apply` writes and `asset register --application` reads. */
const applicationFileSchema = z.object({
  type: z.literal("shuquan/asset-application"),
  version: z.literal(1),
  chainId: z.number(),
  registry: z.string(),
  exchange: z.string(),
  registration: z.object({
    contentDigest: z.string(),
    holder: z.string(),
    kind: z.number(),
    source: z.number(),
    level: z.number(),
    metadataDigest: z.string(),
    metadataCid: z.string(),
    consentDigest: z.string(),
    parents: z.array(z.string()),
    nonce: z.string(),
    deadline: z.number(),
  }),
  signature: z.string(),
});

/**
 * What the chain would refuse about this application now: the holder not recognised at the exchange, a parent above
 * the child's level, personal lineage without a consent digest. Each is a reason not to sign.
 */
async function applicationProblems(
  ctx: Parameters<Parameters<typeof act>[0]>[0],
  r: { contentDigest: string; holder: string; level: number; consentDigest: string; parents: string[] },
  exchange: string,
): Promise<string[]> {
  const problems: string[] = [];
  const participants = await ctx.reader("participants");
  if (!(await view<boolean>(participants, "isRecognised", [r.holder, exchange], "check recognition"))) {
    problems.push(`the holder ${r.holder} is not recognised at exchange ${exchange}`);
  }
  const registry = await ctx.reader("registry");
  const zero = /^0x0{64}$/;
  for (const parent of r.parents) {
    const a = await view<{ level: bigint; personalLineage: boolean; deidentified: boolean; pledged: boolean; frozen: boolean }>(registry, "getAsset", [parent], "read parent");
    if (a.frozen) problems.push(`parent ${parent} is frozen by the regulator: it cannot be derived from`);
    if (a.pledged) {
      const pledges = await ctx.reader("pledges");
      if (!(await view<boolean>(pledges, "isDerivationApproved", [parent, r.contentDigest], "check the lender's approval"))) {
        problems.push(`parent ${parent} is pledged: deriving from it needs the lender's approval (PledgeRegistry.approveDerivation)`);
      }
    }
    if (Number(a.level) > r.level) problems.push(`parent ${parent} is ${DATA_LEVEL[Number(a.level)]}: a derived asset's level is at least its parents'`);
    if (a.personalLineage && !a.deidentified && zero.test(r.consentDigest)) problems.push(`parent ${parent} is personal data (no de-identification finding): a consent digest is required`);
  }
  return problems;
}

/** `shuquan asset apply <file|dir>` — the holder signs its registration application for an exchange. */
export function registerAssetApplyCommand(asset: Command): void {
  asset
    .command("apply <path>")
    .description("hash a file or directory locally, store its metadata, and sign the registration application (holder key)")
    .requiredOption("--exchange <address>", "the exchange that will register it (the application names it)")
    .requiredOption("--kind <kind>", ASSET_KIND.join("|"))
    .requiredOption("--source <source>", ASSET_SOURCE.join("|"))
    .requiredOption("--level <level>", `${DATA_LEVEL.join("|")} (core is refused)`)
    .requiredOption("--metadata <file>", "metadata document (JSON, docs/metadata.schema.json); evidence.fingerprint is filled in")
    .option("--consent-file <file>", "consent proof for personal data (its SHA-256 goes on chain)")
    .option("--consent-digest <0x…>", "SHA-256 of the consent proof")
    .option("--parent <asset>", "an asset this one derives from (id or registration number); repeat for several", collect, [])
    .option("--listing-out <file>", "for a directory: write the file list (path, sha256) — needed later to prove a file is in the dataset")
    .option("--deadline <time>", "the application is void after", "+7d")
    .requiredOption("--out <file>", "where to write the signed application (give it to the exchange)")
    .option("--force", "overwrite --out / --listing-out, and sign even when the chain would refuse the registration now")
    .action(
      act<ApplyOptions>(async (ctx, [p], o) => {
        const exchange = parseAddress(o.exchange, "--exchange");
        const kind = parseEnum(ASSET_KIND, o.kind, "kind");
        const source = parseEnum(ASSET_SOURCE, o.source, "source");
        const level = parseEnum(DATA_LEVEL, o.level, "level");
        if (DATA_LEVEL[level] === "core") throw new CliError("core data is never registered for trading (核心数据)", "classify the data again; only general and important data can be registered");
        await assertWritable(o.out, o.force);
        await ctx.requireKey("holder");
        const consent = await digestFrom(o.consentDigest, o.consentFile, "consent", false);
        if (ASSET_SOURCE[source] === "personal" && !consent) throw new CliError("personal data needs a consent proof", "pass --consent-file <file> or --consent-digest <0x…>");
        if (o.listingOut) await assertWritable(o.listingOut, o.force);
        const rawMeta = await readJsonFile(o.metadata, "metadata file");
        checkMetadataAgainstFlags(rawMeta, { kind: ASSET_KIND[kind] as string, source: ASSET_SOURCE[source] as string, hasConsent: Boolean(consent) });

        const content = await hashPath(p as string, ctx.quiet);
        const meta = completeMetadata(rawMeta, content.digest, content.algorithm, DATA_LEVEL[level] as string, Boolean(consent));
        let validated;
        try {
          validated = validateMetadata(meta);
        } catch (e) {
          throw new CliError((e as Error).message, `fix ${o.metadata}; the schema is docs/metadata.schema.json`);
        }
        const { contract: registry, wallet } = await ctx.writer("registry", "holder");
        if (await view<boolean>(registry, "exists", [content.digest], "check registration")) {
          const number = await view<string>(registry, "registrationNumber", [content.digest], "registration number");
          throw new CliError(`this content is registered already as ${number} (asset ${content.digest})`, "one content digest is registered once across all exchanges");
        }
        const parents: string[] = [];
        for (const ref of o.parent ?? []) parents.push(formatAssetId((await resolveAsset(ctx, ref)).assetId));

        const metaBytes = canonicalJsonBytes(validated);
        const metadataDigest = sha256Hex(metaBytes);
        const store = await ctx.content();
        const metadataCid = await store.put(metaBytes);
        const chainNow = await ctx.chainNow();
        const registration = {
          contentDigest: content.digest,
          holder: wallet.address,
          kind,
          source,
          level,
          metadataDigest,
          metadataCid,
          consentDigest: consent ?? "0x" + "0".repeat(64),
          parents,
          nonce: await view<bigint>(registry, "applicationNonce", [wallet.address], "read application nonce"),
          deadline: parseTime(o.deadline, "--deadline", chainNow),
        };
        const problems = await applicationProblems(ctx, registration, exchange);
        if (problems.length > 0 && !o.force) throw new CliError(`not signing: the registration would be refused: ${problems.join("; ")}`, "fix the cause, or pass --force to sign anyway");
        for (const x of problems) process.stderr.write(`warning: ${x} (signing anyway: --force)\n`);

        const domain = await domainOf(registry);
        const message = applicationMessage(registration, exchange);
        const digest = TypedDataEncoder.hash(domain, APPLICATION_TYPES, message);
        const onChain = await view<string>(registry, "hashApplication", [registration, exchange], "hashApplication");
        if (onChain.toLowerCase() !== digest.toLowerCase()) {
          throw new CliError(`the contract's EIP-712 digest (hashApplication) differs from the CLI's: ${onChain} ≠ ${digest}`, "the CLI and the deployed contracts are different versions; update one of them");
        }
        const signature = await wallet.signTypedData(domain, APPLICATION_TYPES, message);
        const { chainId } = await ctx.chain();
        const file = {
          type: "shuquan/asset-application",
          version: 1,
          chainId,
          registry: String(registry.target),
          exchange,
          registration: { ...registration, nonce: registration.nonce.toString() },
          signature,
        };
        await writeFileAtomic(o.out, toJson(file));
        if (o.listingOut && content.files) {
          await writeFileAtomic(o.listingOut, toJson({ type: "shuquan/dataset-listing", version: 1, root: content.digest, files: content.files.map((f) => ({ path: f.path, digest: f.digest, size: f.size })) }));
        }
        const assetId = formatAssetId(content.digest);
        ctx.print({ out: o.out, assetId, holder: wallet.address, exchange, digest, metadataCid, metadataDigest, contentKind: content.kind, digestAlgorithm: content.algorithm, bytes: content.bytes, files: content.files?.length }, [
          `signed registration application written to ${o.out} (give it to exchange ${exchange})`,
          `  asset id      ${assetId}`,
          `  content       ${content.kind}${content.files ? `, ${content.files.length} files` : ""}, ${content.bytes} bytes (${content.algorithm})`,
          `  metadata      ${metadataCid} (sha256 ${metadataDigest})`,
        ]);
      }),
    );
}

/** `shuquan asset register --application <file>` — an exchange registers an asset (登记) the holder applied for. */
export function registerAssetRegisterCommand(asset: Command): void {
  asset
    .command("register")
    .description("register an asset from the holder's signed application (exchange key)")
    .requiredOption("--application <file>", "the holder's signed application (written by `asset apply`)")
    .option("--force", "send even when the application looks void (the chain decides)")
    .action(
      act<{ application: string; force?: boolean }>(async (ctx, _a, o) => {
        const parsed = applicationFileSchema.safeParse(await readJsonFile(o.application, "application"));
        if (!parsed.success) throw new CliError(`${o.application} is not a registration application: ${parsed.error.issues[0]?.message ?? "invalid"}`, "use the file written by `asset apply`");
        const f = parsed.data;
        const { contract, wallet } = await ctx.writer("registry", "exchange");
        const registration = { ...f.registration, nonce: BigInt(f.registration.nonce) };
        const problems: string[] = [];
        if (f.exchange.toLowerCase() !== wallet.address.toLowerCase()) problems.push(`the application names exchange ${f.exchange}, not this key's ${wallet.address}`);
        if (String(contract.target).toLowerCase() !== f.registry.toLowerCase()) problems.push(`the application is for registry ${f.registry}, not ${String(contract.target)}`);
        let signer = "no one (the signature does not recover)";
        try {
          signer = verifyTypedData(await domainOf(contract), APPLICATION_TYPES, applicationMessage(registration, f.exchange), f.signature);
        } catch {
          /* reported below */
        }
        if (signer.toLowerCase() !== registration.holder.toLowerCase()) problems.push(`the signature is ${signer}'s, not the holder ${registration.holder}'s (a contract wallet's may still pass ERC-1271)`);
        if (registration.deadline < (await ctx.chainNow())) problems.push("the application's deadline has passed");
        if (problems.length > 0 && !o.force) throw new CliError(`not sending: ${problems.join("; ")}`, "ask the holder for a new application, or pass --force to let the chain decide");
        const tx = await send(contract, "register", [registration, f.signature], "register asset");
        const ev = findEvent(contract, tx.logs, "AssetRegistered");
        const digest = registration.contentDigest;
        const registrationNumber = await view<string>(contract, "registrationNumber", [digest], "registration number");
        const assetId = formatAssetId(digest);
        ctx.print(
          { assetId, registrationNumber, metadataCid: registration.metadataCid, metadataDigest: registration.metadataDigest, holder: registration.holder, sequence: ev ? Number(ev.sequence) : undefined, ...tx },
          [
            `registered ${registrationNumber}`,
            `  asset id      ${assetId}`,
            `  holder        ${registration.holder}`,
            `  metadata      ${registration.metadataCid} (sha256 ${registration.metadataDigest})`,
            `  tx            ${tx.txHash} in block ${tx.blockNumber}`,
          ],
        );
      }),
    );
}
