/**
 * Vite build of the web page (`npm run build:web`, or `npm start` when the build is missing or stale).
 * The digest code under service/src/digest is imported as is; its few Node imports are served by small browser
 * shims (SHA-256 of in-memory bytes, and file-system functions the page never calls).
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here("."),
  base: "/",
  publicDir: here("./public"),
  resolve: {
    alias: {
      "node:crypto": here("./src/shims/node-crypto.ts"),
      "node:fs": here("./src/shims/node-fs.ts"),
      "node:path": here("./src/shims/node-path.ts"),
    },
  },
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    outDir: here("./dist"),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: false,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 800,
    // a busy machine makes plugins look slow; the timing report is noise in `npm start`'s output
    rolldownOptions: { checks: { pluginTimings: false } },
  },
});
