/**
 * API errors: one JSON shape `{ error: { code, message, field? } }` for every failure.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";
import { DatabaseUnavailableError } from "../errors";
import type { ApiLogger } from "./types";

/** Machine-readable error codes. */
export type ApiErrorCode =
  | "bad_request"
  | "not_found"
  | "method_not_allowed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unavailable"
  | "headers_too_large"
  | "timeout"
  | "internal";

/** Largest JSON request body (express.json's `limit`). */
export const JSON_BODY_LIMIT = "64kb";

/** An error the API answers with a status and a message instead of a 500. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Stable machine code. */
  readonly code: ApiErrorCode;
  /** The request field at fault (`query.limit`, `params.id`, `body.signature` …). */
  readonly field?: string;

  constructor(status: number, code: ApiErrorCode, message: string, field?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/** 400 naming the field. */
export function badRequest(field: string, message: string): ApiError {
  return new ApiError(400, "bad_request", `${field}: ${message}`, field);
}

/** Seconds a client is told to wait (Retry-After) while a dependency is down. */
const RETRY_AFTER_SECONDS = 5;

/** 503 naming the dependency that is down; sent with Retry-After. */
export function unavailable(dependency: string, detail: string): ApiError {
  return new ApiError(503, "unavailable", `${dependency} unavailable: ${detail}; retry after ${RETRY_AFTER_SECONDS} s`);
}

/** True for a store failure that means the database is down or busy rather than the request being wrong. */
function isDatabaseUnavailable(err: unknown): err is Error {
  return err instanceof DatabaseUnavailableError || (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "SQLITE_BUSY");
}

/** 404 for an unknown id. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "not_found", `${what} ${id} not found`);
}

/** Short descriptions of shared value schemas, used in "is required" messages (registered by validation.ts). */
export const valueHints = new WeakMap<z.ZodType, string>();

/**
 * Converts a zod failure in request part `where` into a 400 naming the first offending field. With the part's
 * `input` (and `schema`), a missing required value says "`name` is required", with what it expects, instead of
 * zod's "expected string, received undefined".
 */
export function fromZod(where: "params" | "query" | "body", error: z.ZodError, input?: unknown, schema?: z.ZodType): ApiError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const field = path ? `${where}.${path}` : where;
  if (issue && issue.path.length > 0 && input !== undefined && valueAt(input, issue.path) === undefined) {
    const name = String(issue.path[issue.path.length - 1]);
    return badRequest(field, `${name} is required${requiredHint(issue, schemaAt(schema, issue.path))}`);
  }
  return badRequest(field, issue ? issue.message : "invalid");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) {
    if (typeof v !== "object" || v === null) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

function schemaAt(schema: z.ZodType | undefined, path: readonly PropertyKey[]): z.ZodType | undefined {
  let s: unknown = schema;
  for (const k of path) {
    const shape = (s as { shape?: Record<PropertyKey, unknown> } | undefined)?.shape;
    if (!shape || typeof shape !== "object") return undefined;
    s = shape[k];
  }
  return s as z.ZodType | undefined;
}

function requiredHint(issue: z.core.$ZodIssue, schema: z.ZodType | undefined): string {
  const hint = schema ? valueHints.get(schema) : undefined;
  if (hint) return ` (${hint})`;
  if (issue.code === "invalid_value") return `: one of ${[...new Set(issue.values.map(String))].join(", ")}`;
  if (issue.code === "invalid_type") return ` (${issue.expected === "object" ? "an object" : `a ${issue.expected}`})`;
  return "";
}

/** JSON body of an error response. */
export interface ErrorBody {
  error: { code: ApiErrorCode; message: string; field?: string };
}

/** Body for an {@link ApiError}. */
export function errorBody(e: ApiError): ErrorBody {
  return { error: { code: e.code, message: e.message, ...(e.field ? { field: e.field } : {}) } };
}

/** 404 for any path no router claimed. */
export const unknownRoute: RequestHandler = (req, res) => {
  res.status(404).json(errorBody(new ApiError(404, "not_found", `no route ${req.method} ${req.path}`)));
};

/**
 * Final error handler: ApiError as is, body-parser failures as their 4xx, a path parameter express could not
 * percent-decode as a 400, any other error that carries a 4xx status as that status, anything else as a logged 500.
 * Nothing is written once the response has started (a request answered by its time limit).
 */
export function errorHandler(logger: ApiLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    void _next;
    if (res.headersSent) return;
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof z.ZodError) e = fromZod("query", err);
    else if (isBodyParserError(err)) e = fromBodyParser(err);
    else if (isDatabaseUnavailable(err)) {
      logger.warn({ path: req.path, err: err.message }, "database unavailable; answered 503");
      e = unavailable("the database", err instanceof DatabaseUnavailableError ? "it cannot be reached or is restarting" : "it is busy");
    } else if (err instanceof URIError || (clientStatus(err) !== undefined && /decode param/i.test((err as Error).message)))
      e = badRequest("params", "malformed percent-encoding in the path");
    else if (clientStatus(err) !== undefined) e = new ApiError(clientStatus(err)!, clientStatus(err) === 404 ? "not_found" : "bad_request", (err as Error).message || "bad request");
    else {
      logger.error({ err, path: req.path }, "request failed");
      e = new ApiError(500, "internal", "internal error");
    }
    if (e.status === 503) res.set("Retry-After", String(RETRY_AFTER_SECONDS));
    res.status(e.status).json(errorBody(e));
  };
}

/** 415 for a body that is not sent as JSON. */
export function unsupportedMediaType(contentType: string | undefined): ApiError {
  return new ApiError(
    415,
    "unsupported_media_type",
    `body: expected Content-Type: application/json, got ${contentType ? contentType : "none"}`,
    "body",
  );
}

interface BodyParserError {
  type: string;
  message: string;
  status: number;
  charset?: string;
  encoding?: string;
}

/** express.json's errors (body-parser `type`s) as API errors; a body over the limit was a 500 before. */
function fromBodyParser(err: BodyParserError): ApiError {
  switch (err.type) {
    case "entity.too.large":
    case "parameters.too.many":
      return new ApiError(413, "payload_too_large", `body: larger than the ${JSON_BODY_LIMIT} limit for a JSON body`, "body");
    case "charset.unsupported":
      return new ApiError(415, "unsupported_media_type", `body: unsupported charset ${JSON.stringify(err.charset ?? "")}; send UTF-8 JSON`, "body");
    case "encoding.unsupported":
      return new ApiError(415, "unsupported_media_type", `body: unsupported content encoding ${JSON.stringify(err.encoding ?? "")}`, "body");
    case "entity.parse.failed":
      return badRequest("body", `malformed JSON: ${err.message}`);
    case "entity.verify.failed":
      return err.status === 415 ? notUtf8(err.message) : badRequest("body", err.message);
    default:
      return badRequest("body", err.message);
  }
}

/** The 4xx status an error carries (http-errors style `status`/`statusCode`), if any. */
function clientStatus(err: unknown): number | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const s = (err as { status?: unknown; statusCode?: unknown }).status ?? (err as { statusCode?: unknown }).statusCode;
  return typeof s === "number" && s >= 400 && s < 500 ? s : undefined;
}

/** 415 for a body in another charset than UTF-8 (declared, or a UTF-16/32 byte order mark or NUL bytes). */
export function notUtf8(what: string): ApiError {
  return new ApiError(415, "unsupported_media_type", `body: ${what}; send UTF-8 JSON`, "body");
}

/** 400 naming a query parameter an endpoint does not take. */
export function unknownQueryParameter(name: string): ApiError {
  return badRequest(`query.${name}`, `unknown parameter ${JSON.stringify(name)}: this endpoint takes no query parameters`);
}

function isBodyParserError(err: unknown): err is BodyParserError {
  return (
    typeof err === "object" &&
    err !== null &&
    "type" in err &&
    typeof (err as { type: unknown }).type === "string" &&
    "status" in err &&
    typeof (err as { status: unknown }).status === "number" &&
    (err as { status: number }).status >= 400 &&
    (err as { status: number }).status < 500
  );
}
