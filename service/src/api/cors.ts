/**
 * CORS for the read API (`cors`, the express standard): browsers on the allowed origins may call every endpoint.
 * The API sets no cookies and reads no credentials, so `*` (the default) exposes nothing a plain request would not.
 */
import cors from "cors";
import type { RequestHandler } from "express";

/** The middleware for `origins`: `*`, a list of origins, or [] for no CORS headers at all. */
export function corsMiddleware(origins: "*" | readonly string[]): RequestHandler {
  if (origins !== "*" && origins.length === 0) return (_req, _res, next) => next();
  return cors({
    origin: origins === "*" ? "*" : [...origins],
    methods: ["GET", "HEAD", "POST", "OPTIONS"],
    allowedHeaders: ["Content-Type"],
    maxAge: 600,
  });
}
