import type { Command } from "commander";
import { ASSET_KIND, ASSET_SOURCE, DATA_LEVEL, canonicalJsonBytes, formatAssetId, sha256Hex } from "../../digest";
import { validateMetadata } from "../../metadata";
import { digestFrom, parseAddress, parseEnum, resolveAsset } from "../args";
import { findEvent, send, view } from "../chain";
import { CliError } from "../errors";
import { assertWritable, readJsonFile, toJson, writeFileAtomic } from "../files";
import { hashPath } from "../hashing";
import { act, collect } from "../program";

interface RegisterOptions {
  holder: string;
  kind: string;
  source: string;
  level: string;
  metadata: string;
  consentFile?: string;
  consentDigest?: string;
  parent?: string[];
  listingOut?: string;
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
export function checkMetadataAgainstFlags(doc: unknown, flags: { kind: string; source: string; hasConsent: boolean }): void {
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

/** `shuquan asset register <file|dir>` — an exchange registers an asset (登记). */
export function registerAssetRegisterCommand(asset: Command): void {
  asset
    .command("register <path>")
    .description("hash a file or directory locally, store its metadata, and register it (exchange key)")
    .requiredOption("--holder <address>", "the merchant who will hold the asset (must be recognised at this exchange)")
    .requiredOption("--kind <kind>", ASSET_KIND.join("|"))
    .requiredOption("--source <source>", ASSET_SOURCE.join("|"))
    .requiredOption("--level <level>", `${DATA_LEVEL.join("|")} (core is refused)`)
    .requiredOption("--metadata <file>", "metadata document (JSON, docs/metadata.schema.json); evidence.fingerprint is filled in")
    .option("--consent-file <file>", "consent proof for personal data (its SHA-256 goes on chain)")
    .option("--consent-digest <0x…>", "SHA-256 of the consent proof")
    .option("--parent <asset>", "an asset this one derives from (id or registration number); repeat for several", collect, [])
    .option("--listing-out <file>", "for a directory: write the file list (path, sha256) — needed later to prove a file is in the dataset")
    .option("--force", "overwrite --listing-out")
    .action(
      act<RegisterOptions>(async (ctx, [p], o) => {
        const holder = parseAddress(o.holder, "--holder");
        const kind = parseEnum(ASSET_KIND, o.kind, "kind");
        const source = parseEnum(ASSET_SOURCE, o.source, "source");
        const level = parseEnum(DATA_LEVEL, o.level, "level");
        if (DATA_LEVEL[level] === "core") throw new CliError("core data is never registered for trading (核心数据)", "classify the data again; only general and important data can be registered");
        await ctx.requireKey("exchange");
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
        const registry = await ctx.reader("registry");
        if (await view<boolean>(registry, "exists", [content.digest], "check registration")) {
          const number = await view<string>(registry, "registrationNumber", [content.digest], "registration number");
          throw new CliError(`this content is registered already as ${number} (asset ${content.digest})`, "one content digest is registered once across all exchanges");
        }
        const parents = [];
        for (const ref of o.parent ?? []) parents.push((await resolveAsset(ctx, ref)).assetId);

        const metaBytes = canonicalJsonBytes(validated);
        const metadataDigest = sha256Hex(metaBytes);
        const store = await ctx.content();
        const metadataCid = await store.put(metaBytes);

        const { contract } = await ctx.writer("registry", "exchange");
        const registration = {
          contentDigest: content.digest,
          holder,
          kind,
          source,
          level,
          metadataDigest,
          metadataCid,
          consentDigest: consent ?? "0x" + "0".repeat(64),
          parents,
        };
        const tx = await send(contract, "register", [registration], "register asset");
        const ev = findEvent(contract, tx.logs, "AssetRegistered");
        const registrationNumber = await view<string>(contract, "registrationNumber", [content.digest], "registration number");
        if (o.listingOut && content.files) {
          await writeFileAtomic(o.listingOut, toJson({ type: "shuquan/dataset-listing", version: 1, root: content.digest, files: content.files.map((f) => ({ path: f.path, digest: f.digest, size: f.size })) }));
        }
        const assetId = formatAssetId(content.digest);
        ctx.print(
          {
            assetId,
            registrationNumber,
            contentKind: content.kind,
            digestAlgorithm: content.algorithm,
            bytes: content.bytes,
            files: content.files?.length,
            metadataCid,
            metadataDigest,
            holder,
            sequence: ev ? Number(ev.sequence) : undefined,
            ...tx,
          },
          [
            `registered ${registrationNumber}`,
            `  asset id      ${assetId}`,
            `  content       ${content.kind}${content.files ? `, ${content.files.length} files` : ""}, ${content.bytes} bytes (${content.algorithm})`,
            `  holder        ${holder}`,
            `  metadata      ${metadataCid} (sha256 ${metadataDigest})`,
            `  tx            ${tx.txHash} in block ${tx.blockNumber}`,
          ],
        );
      }),
    );
}
