/**
 * Serves the built web page: its files (compressed, hashed assets cached for a year), and index.html for any other
 * GET that asks for HTML, so deep links (/asset/…, /merchant/…) open the page. /v1, /health and /metrics are never
 * shadowed: an unknown path under them stays the API's JSON 404.
 */
import compression from "compression";
import express, { Router } from "express";
import * as fs from "node:fs";
import * as path from "node:path";

const API_PATHS = /^\/(v1|health|metrics)(\/|$)/;

/** The router serving the page built into `root` (its index.html must exist). */
export function webHandler(root: string): Router {
  const index = path.join(root, "index.html");
  const router = Router();
  router.use((req, res, next) => (API_PATHS.test(req.path) ? next("router") : next()));
  router.use(compression());
  router.use(
    "/assets",
    express.static(path.join(root, "assets"), { immutable: true, maxAge: "365d", index: false }),
    (_req, res) => void res.status(404).type("text").send("not found"),
  );
  router.use(express.static(root, { index: false, maxAge: 0 }));
  router.get(/.*/, (req, res, next) => {
    if (!req.accepts("html")) return next();
    res.locals.route = "/(web page)";
    res.setHeader("Cache-Control", "no-cache");
    res.type("html").send(fs.readFileSync(index));
  });
  return router;
}
