/**
 * Which PostgreSQL reads run as named prepared statements. PostgreSQL parses and plans every unnamed statement on
 * each execution; for the API's views that is most of their cost (a provenance: 21 statements, ~10 ms of parsing and
 * planning against 2.4 ms of execution on a 10M-item store; the asset view's statement alone plans in 1.4–3.2 ms).
 * A named statement is parsed once per connection and, after a few executions, runs a cached plan.
 *
 * Bounded: a statement is named the second time its text is seen (a text seen once — an IN list of an unusual
 * length — never is), and at most {@link MAX_NAMED} texts are named per pool (each connection keeps what it prepared
 * until it closes).
 */
import { createHash } from "node:crypto";

/** Texts named per pool; later ones run unnamed. The API's and indexer's recurring reads are well under this. */
const MAX_NAMED = 400;
/** Texts counted while waiting for their second use; the count starts again when it overflows. */
const MAX_COUNTED = 5000;

/** Names of recurring statement texts. */
export interface StatementNames {
  /** The statement's name, or undefined while it should run unnamed (first seen, or the pool's quota is full). */
  nameOf(text: string): string | undefined;
  /** Forgets every name (a named statement went stale): texts are named again, under new names. */
  renew(): void;
  /** How many texts are named now. */
  readonly size: number;
}

/** Creates the per-pool naming of recurring statements. */
export function createStatementNames(maxNamed = MAX_NAMED): StatementNames {
  const named = new Map<string, string>();
  const seen = new Set<string>();
  let generation = 0;
  return {
    nameOf(text) {
      const name = named.get(text);
      if (name !== undefined || named.size >= maxNamed) return name;
      if (!seen.has(text)) {
        if (seen.size >= MAX_COUNTED) seen.clear();
        seen.add(text);
        return undefined;
      }
      seen.delete(text);
      // The generation keeps a renewed name from meeting the stale statement a connection still holds under the old one.
      const fresh = `sq${generation}_${createHash("sha256").update(text).digest("base64url").slice(0, 24)}`;
      named.set(text, fresh);
      return fresh;
    },
    renew() {
      generation++;
      named.clear();
      seen.clear();
    },
    get size() {
      return named.size;
    },
  };
}

/**
 * True when a named statement cannot run any more as it was prepared: its result's columns changed under it (a
 * migration added a column a `SELECT *` returns: 0A000 "cached plan must not change result type"), or the session no
 * longer has it (26000, after a DISCARD or a pooler's reconnect).
 */
export function isStalePreparedStatement(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || typeof err !== "object") return false;
  return err.code === "26000" || (err.code === "0A000" && typeof err.message === "string" && /cached plan must not change result type/.test(err.message));
}
