/**
 * The evidence lookup's lean path (issue 10): `GET /v1/evidence/items/{digest}` is the API's hottest request, so it
 * is answered before express's router — one indexed read of the item's rows (`evidence_items_digest`, with the
 * proof the indexer stored when the batch's manifest rebuilt the anchored root), each row's batch from an in-memory
 * cache (a valid batch never changes; a row is keyed by the batch's own event key, so a reorg that replaces it
 * cannot be served stale), and no Merkle hashing: the proof and its validity are what the indexer checked at index
 * time. The answer is byte for byte the body the express route gives.
 *
 * Anything unusual goes the ordinary way through express: another method, a query string, an `Origin` header (CORS
 * is express's), a malformed digest (its 400), or a row without a stored proof (a store from before migration 2).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FinalityCheck } from "./context";
import { finalityOf, headMeta } from "./context";
import { ApiError, errorBody, notFound } from "./errors";
import { BATCH_COLS, batchView, ITEM_COLS, parseStoredProof, type BatchRow, type ItemProofView, type ItemRow } from "./queries/evidence";
import { ZERO_ID } from "./queries/rows";
import type { IndexerStatus, ReadDb } from "./types";

const PREFIX = "/v1/evidence/items/";
const DIGEST = /^(?:0x)?[0-9a-fA-F]{64}$/;
/** The route template metrics label it with, as the express route does. */
export const EVIDENCE_ITEM_ROUTE = "/v1/evidence/items/{digest}";

/** Batches kept in memory (a row is ~1 KB). */
const BATCH_CACHE_SIZE = 50_000;

/** Answers a request when it is a plain lookup, else (or on second thoughts) calls `next` to let express answer it. */
export type LeanHandler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Arguments of {@link createEvidenceLookup}. */
export interface EvidenceLookupParameters {
  db: ReadDb;
  indexerStatus: () => IndexerStatus;
  /** Hears each answered request's status and duration in seconds (the API's latency histogram). */
  observe?: (status: number, seconds: number) => void;
  /** Hears a failed read (the request then goes to express, which answers it or its error). */
  onError?: (e: unknown) => void;
  /** Time limit in ms: 503 `timeout` when the read has not answered by then (as every request, limits.ts). */
  timeLimitMs: number;
}

type Row = ItemRow & { proof: string | null };
const ITEM_SQL = `SELECT ${ITEM_COLS}, i.proof FROM evidence_items i WHERE i.item_digest = ?
  ORDER BY i.chain_id, i.block_number, i.log_index, i.leaf_index LIMIT 100`;
const BATCH_SQL = `SELECT ${BATCH_COLS} FROM evidence_batches b WHERE b.chain_id = ? AND b.block_number = ? AND b.log_index = ?`;

/** The lean handler over `db`. */
export function createEvidenceLookup(p: EvidenceLookupParameters): LeanHandler {
  const batches = new Map<string, BatchRow>();
  const batchOf = async (r: Row): Promise<BatchRow | undefined> => {
    const key = `${r.chain_id}:${r.block_number}:${r.log_index}:${r.batch_root}`;
    let b = batches.get(key);
    if (b) return b;
    b = await p.db.get<BatchRow>(BATCH_SQL, [Number(r.chain_id), Number(r.block_number), Number(r.log_index)]);
    // only a valid batch is kept: a pending one may still change
    if (b && b.manifest_status === "valid" && b.root === r.batch_root) {
      if (batches.size >= BATCH_CACHE_SIZE) batches.delete(batches.keys().next().value as string);
      batches.set(key, b);
    }
    return b;
  };

  /** The occurrences of a digest, or undefined when a row needs the ordinary path. */
  const occurrences = async (digest: string, isFinal: FinalityCheck): Promise<ItemProofView[] | undefined> => {
    const rows = await p.db.all<Row>(ITEM_SQL, [digest]);
    const out: ItemProofView[] = [];
    for (const r of rows) {
      if (r.proof === null || r.proof === undefined) return undefined;
      const b = await batchOf(r);
      if (!b || b.manifest_status !== "valid" || b.root !== r.batch_root) continue;
      const assetId = r.asset_id ? r.asset_id.toLowerCase() : ZERO_ID;
      out.push({
        itemDigest: r.item_digest,
        assetId,
        hasAsset: assetId !== ZERO_ID,
        label: r.label ?? null,
        leafIndex: Number(r.leaf_index),
        leaf: r.leaf_hash,
        proof: parseStoredProof(r.proof),
        batch: batchView(b, isFinal),
        // stored only once the manifest rebuilt the anchored root (indexer/manifests.ts), and never changed after
        valid: true,
      });
    }
    return out;
  };

  return (req, res, next) => {
    if (req.method !== "GET" || req.headers.origin !== undefined || !req.url?.startsWith(PREFIX)) return next();
    const raw = req.url.slice(PREFIX.length);
    if (!DIGEST.test(raw)) return next();
    const start = process.hrtime.bigint();
    const digest = (raw.startsWith("0x") ? raw : `0x${raw}`).toLowerCase();
    const status = p.indexerStatus();
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.setHeader("Retry-After", "1");
      send(res, 503, JSON.stringify(errorBody(new ApiError(503, "timeout", `the request took longer than the server's ${p.timeLimitMs} ms limit; try again`))));
      p.observe?.(503, Number(process.hrtime.bigint() - start) / 1e9);
    }, p.timeLimitMs);
    timer.unref();
    occurrences(digest, finalityOf(status)).then(
      (found) => {
        clearTimeout(timer);
        if (res.headersSent) return;
        if (found === undefined) return next();
        const code = found.length === 0 ? 404 : 200;
        const body =
          code === 404
            ? errorBody(notFound("evidence item", digest))
            : { data: { itemDigest: digest, occurrences: found }, meta: headMeta(status) };
        send(res, code, JSON.stringify(body));
        p.observe?.(code, Number(process.hrtime.bigint() - start) / 1e9);
      },
      (e: unknown) => {
        clearTimeout(timer);
        p.onError?.(e);
        if (!res.headersSent) next();
      },
    );
  };
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** The express `handle` of an app, wrapped so that `lean` answers first what it can. */
export function withLeanPath<H extends (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void>(handle: H, lean: LeanHandler): H {
  return ((req: IncomingMessage, res: ServerResponse, callback?: unknown) => lean(req, res, () => handle(req, res, callback))) as H;
}
