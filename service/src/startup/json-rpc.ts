/** A single JSON-RPC call over HTTP with a time limit: what start-up checks need, before any retrying machinery. */

/** The node did not answer, or answered with an error. */
export class JsonRpcCallError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "JsonRpcCallError";
  }
}

/** Calls `method` at `url`; resolves its result, rejects with a {@link JsonRpcCallError} saying what went wrong. */
export async function jsonRpcCall<T>(url: string, method: string, params: unknown[] = [], timeoutMs = 5000): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === "TimeoutError" ? `no answer within ${timeoutMs / 1000} s` : cause?.code ?? cause?.message ?? (e as Error).message;
    throw new JsonRpcCallError(`cannot reach the chain's JSON-RPC at ${url}: ${why}`);
  }
  let body: { result?: T; error?: { message?: string } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new JsonRpcCallError(`${url} is not a JSON-RPC endpoint (HTTP ${res.status}, not JSON)`);
  }
  if (body.error) throw new JsonRpcCallError(`${method} at ${url} failed: ${body.error.message ?? "error"}`);
  return body.result as T;
}
