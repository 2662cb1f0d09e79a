/**
 * Route definitions: one object per endpoint carries its zod schemas (used to validate and to document), its
 * OpenAPI summary and a thin handler over a query module. Routers are built from these lists.
 */
import { Router, type Request, type Response, type NextFunction } from "express";
import type { z } from "zod";
import type { ApiContext, FinalityCheck, ResponseMeta } from "./context";
import { finalityOf, headMeta } from "./context";
import { fromZod, unknownQueryParameter, unsupportedMediaType } from "./errors";
import type { Page } from "./pagination";

/** The validated request a handler sees. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** Finality check over the status snapshot this response reports in `meta`. */
  isFinal: FinalityCheck;
}

/** What a handler returns: the data, and a page descriptor for lists. */
export interface RouteResult {
  data: unknown;
  page?: { nextCursor: string | null; limit: number };
  /** HTTP status, 200 when absent. */
  status?: number;
  /** A page to serve as text/html instead of the JSON envelope (printable certificates). */
  html?: string;
}

/** One endpoint. `path` is OpenAPI style (`/assets/{id}`), relative to its mount point. */
export interface RouteDef<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType> {
  method: "get" | "post";
  path: string;
  summary: string;
  description?: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** Schema of `data` in the 200 response (documentation only). */
  response?: z.ZodType;
  handler(input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>, ctx: ApiContext): Promise<RouteResult>;
}

/** Identity helper that infers a route's schema types. */
export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  def: RouteDef<P, Q, B>,
): RouteDef<P, Q, B> {
  return def;
}

/** Wraps a page as a list result. */
export function listResult<T>(page: Page<T>): RouteResult {
  return { data: page.items, page: { nextCursor: page.nextCursor, limit: page.limit } };
}

/** Response envelope. */
export interface Envelope {
  data: unknown;
  page?: { nextCursor: string | null; limit: number };
  meta: ResponseMeta;
}

/** Converts `/assets/{id}` to express's `/assets/:id`. */
function expressPath(path: string): string {
  return path.replace(/\{([A-Za-z0-9_]+)\}/g, ":$1");
}

/** Builds an express router from route definitions. */
export function buildRouter(routes: readonly RouteDef[], ctx: ApiContext): Router {
  const router = Router();
  for (const def of routes) {
    const handler = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
      res.locals.route = req.baseUrl + def.path;
      try {
        const params = parsePart(def.params, req.params, "params");
        const rawQuery = (req.query ?? {}) as Record<string, unknown>;
        // an endpoint without query parameters refuses any (the documented behaviour), as strict schemas do
        const stray = def.query ? undefined : Object.keys(rawQuery)[0];
        if (stray !== undefined) throw unknownQueryParameter(stray);
        const query = parsePart(def.query, rawQuery, "query");
        // express.json only parses application/json (and +json) bodies; anything else would reach the schema as {}.
        if (def.body && req.is(["application/json", "application/*+json"]) === false) throw unsupportedMediaType(req.get("content-type"));
        const body = parsePart(def.body, req.body ?? {}, "body");
        const status = ctx.indexerStatus();
        const result = await def.handler({ params, query, body, isFinal: finalityOf(status) }, ctx);
        if (result.html !== undefined) {
          res.status(result.status ?? 200).type("html").send(result.html);
          return;
        }
        const envelope: Envelope = { data: result.data, ...(result.page ? { page: result.page } : {}), meta: headMeta(status) };
        res.status(result.status ?? 200).json(envelope);
      } catch (e) {
        next(e);
      }
    };
    router[def.method](expressPath(def.path), handler);
  }
  return router;
}

function parsePart(schema: z.ZodType | undefined, value: unknown, where: "params" | "query" | "body"): unknown {
  if (!schema) return {};
  const r = schema.safeParse(value);
  if (!r.success) throw fromZod(where, r.error, value, schema);
  return r.data;
}
