/**
 * API errors: one JSON shape `{ error: { code, message, field? } }` for every failure.
 */
import type { ErrorRequestHandler, RequestHandler } from "express";
import { z } from "zod";
import type { ApiLogger } from "./types";

/** Machine-readable error codes. */
export type ApiErrorCode = "bad_request" | "not_found" | "method_not_allowed" | "internal";

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

/** 404 for an unknown id. */
export function notFound(what: string, id: string): ApiError {
  return new ApiError(404, "not_found", `${what} ${id} not found`);
}

/** Converts a zod failure in request part `where` into a 400 naming the first offending field. */
export function fromZod(where: "params" | "query" | "body", error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const field = path ? `${where}.${path}` : where;
  return badRequest(field, issue ? issue.message : "invalid");
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

/** Final error handler: ApiError as is, malformed JSON bodies as 400, anything else as a logged 500. */
export function errorHandler(logger: ApiLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    void _next;
    let e: ApiError;
    if (err instanceof ApiError) e = err;
    else if (err instanceof z.ZodError) e = fromZod("query", err);
    else if (isBodyParserError(err)) e = badRequest("body", err.message);
    else {
      logger.error({ err, path: req.path }, "request failed");
      e = new ApiError(500, "internal", "internal error");
    }
    res.status(e.status).json(errorBody(e));
  };
}

function isBodyParserError(err: unknown): err is { type: string; message: string; status: number } {
  return (
    typeof err === "object" &&
    err !== null &&
    "type" in err &&
    typeof (err as { type: unknown }).type === "string" &&
    "status" in err &&
    (err as { status: unknown }).status === 400
  );
}
