/** The API client: every answer's `meta.heads` (the indexed head it reflects) is kept for the status bar. */
import { useEffect, useState } from "preact/hooks";

/** The indexed head an answer reflects (see docs/api.md). */
export interface Head {
  chainId: number;
  indexedBlock: number;
  chainHead: number | null;
  lag: number | null;
  confirmations: number;
  indexedBlockTime: number | null;
  finalBlock: number;
}

/** Where an entry came from on chain. */
export interface EventRef {
  chainId: number;
  contract: string;
  txHash: string;
  blockNumber: number;
  logIndex: number;
  blockTime: number;
  final: boolean;
}

/** An API error with its HTTP status (and, for a 503, the seconds its Retry-After asks to wait). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Longest wait the page takes from a Retry-After before asking again. */
const MAX_RETRY_SECONDS = 60;

/** Base URL of the API: same origin by default; `?api=` or localStorage `shuquan.api` to point at another. */
export const API_BASE = (localStorage.getItem("shuquan.api") ?? "").replace(/\/$/, "");

let lastHeads: Head[] = [];
const headListeners = new Set<(h: Head[]) => void>();

/** The heads of the latest answer, re-rendering when a newer answer arrives. */
export function useHeads(): Head[] {
  const [h, set] = useState(lastHeads);
  useEffect(() => {
    headListeners.add(set);
    return () => void headListeners.delete(set);
  }, []);
  return h;
}

async function request<T>(path: string, init?: RequestInit): Promise<{ data: T; meta?: { heads: Head[] }; page?: { nextCursor: string | null } }> {
  const res = await fetch(API_BASE + path, init);
  const body = (await res.json().catch(() => ({}))) as { data?: T; meta?: { heads: Head[] }; error?: { message: string } };
  if (!res.ok) {
    const retryAfter = Number(res.headers.get("Retry-After"));
    const wait = res.status === 503 && retryAfter > 0 ? Math.min(retryAfter, MAX_RETRY_SECONDS) : undefined;
    throw new ApiError(res.status, body.error?.message ?? `${res.status} ${res.statusText}`, wait);
  }
  if (body.meta?.heads) {
    lastHeads = body.meta.heads;
    for (const l of headListeners) l(lastHeads);
  }
  return body as { data: T; meta?: { heads: Head[] }; page?: { nextCursor: string | null } };
}

/** GET a /v1 path; the data, or an ApiError. */
export async function get<T>(path: string): Promise<T> {
  return (await request<T>(path)).data;
}

/** GET one page of a list: its items and the cursor of the next page (null on the last). */
export async function getPage<T>(path: string): Promise<{ items: T[]; nextCursor: string | null }> {
  const r = await request<T[]>(path);
  return { items: r.data, nextCursor: r.page?.nextCursor ?? null };
}

/** GET with the heads it reflects. */
export async function getWithMeta<T>(path: string): Promise<{ data: T; heads: Head[] }> {
  const r = await request<T>(path);
  return { data: r.data, heads: r.meta?.heads ?? [] };
}

/** POST JSON to a /v1 path. */
export async function post<T>(path: string, body: unknown): Promise<T> {
  return (await request<T>(path, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })).data;
}

/** Loading state of one request. */
export type Loaded<T> = { state: "loading" } | { state: "ok"; data: T; heads: Head[] } | { state: "error"; error: ApiError | Error };

/**
 * Loads `path` (refetching when it changes); null skips. A 503 with Retry-After (a database restarting, a new store's
 * first backfill) shows its message and is asked again after that wait, until it answers or the page moves on.
 */
export function useApi<T>(path: string | null): Loaded<T> {
  const [s, set] = useState<Loaded<T>>({ state: "loading" });
  useEffect(() => {
    if (path === null) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = (): void => {
      getWithMeta<T>(path).then(
        (r) => live && set({ state: "ok", data: r.data, heads: r.heads }),
        (e: Error) => {
          if (!live) return;
          set({ state: "error", error: e });
          if (e instanceof ApiError && e.retryAfterSeconds !== undefined) timer = setTimeout(load, e.retryAfterSeconds * 1000);
        },
      );
    };
    set({ state: "loading" });
    load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [path]);
  return s;
}

/** /health as the status bar shows it. */
export interface Health {
  status: "ok" | "unhealthy";
  problems: string[];
  chains: { chainId: number; indexedBlock: number; chainHead: number | null; lag: number | null; state: string | null }[];
}

/** GET /health (its body is the same for 200 and 503). */
export async function getHealth(): Promise<Health> {
  const res = await fetch(API_BASE + "/health");
  return (await res.json()) as Health;
}
