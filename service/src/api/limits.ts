/**
 * Limits every request meets before its handler (issue 14: no request, however malformed, gets a 5xx or hangs):
 * a server-side time limit, and a JSON body in UTF-8 only.
 */
import type { RequestHandler } from "express";
import { ApiError, errorBody, notUtf8 } from "./errors";

/** Default time limit of a request, in ms. */
export const DEFAULT_REQUEST_TIME_LIMIT_MS = 10_000;

/**
 * Answers 503 `timeout` (with Retry-After) when a request has not been answered within `ms`; whatever the handler
 * writes later is dropped (the error handler writes nothing once a response has started).
 */
export function requestTimeLimit(ms: number): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) return;
      res.locals.route ??= req.path;
      res
        .status(503)
        .set("Retry-After", "1")
        .json(errorBody(new ApiError(503, "timeout", `the request took longer than the server's ${ms} ms limit; try again, or narrow it`)));
    }, ms);
    timer.unref();
    const clear = (): void => clearTimeout(timer);
    res.once("finish", clear);
    res.once("close", clear);
    next();
  };
}

/** 415 for a body whose declared charset is not UTF-8 (body-parser would decode UTF-16 and others). */
export const utf8Only: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
  if (!hasBody) return next();
  const type = req.headers["content-type"];
  const charset = type ? /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(type)?.[1] : undefined;
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) return next(notUtf8(`charset ${JSON.stringify(charset)} is not UTF-8`));
  next();
};

/** express.json's `verify`: a UTF-16 or UTF-32 body sent without a charset (byte order mark, NUL bytes) is a 415. */
export function verifyUtf8(_req: unknown, _res: unknown, buf: Buffer): void {
  const bom16 = buf.length >= 2 && ((buf[0] === 0xff && buf[1] === 0xfe) || (buf[0] === 0xfe && buf[1] === 0xff));
  if (bom16 || buf.includes(0)) throw Object.assign(new Error("a UTF-16 or UTF-32 body (byte order mark or NUL bytes)"), { status: 415 });
}
