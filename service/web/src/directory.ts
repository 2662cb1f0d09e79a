/** The exchanges directory, loaded once: every address that is an exchange is shown with its name and code. */
import { useEffect, useState } from "preact/hooks";
import { get } from "./api";

/** An exchange as listed by GET /v1/exchanges. */
export interface Exchange {
  address: string;
  code: string;
  name: string;
  status: string;
}

let cache: Promise<Map<string, Exchange>> | undefined;

/** Address → exchange (loaded on first use; empty on failure, so pages still render addresses). */
export function exchangesByAddress(): Promise<Map<string, Exchange>> {
  cache ??= get<Exchange[]>("/v1/exchanges?limit=200").then(
    (list) => new Map(list.map((e) => [e.address.toLowerCase(), e])),
    () => new Map<string, Exchange>(),
  );
  return cache;
}

/** The directory as a hook. */
export function useExchanges(): Map<string, Exchange> {
  const [m, set] = useState<Map<string, Exchange>>(new Map());
  useEffect(() => {
    void exchangesByAddress().then(set);
  }, []);
  return m;
}
