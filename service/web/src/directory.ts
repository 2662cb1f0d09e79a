/**
 * The exchanges directory, loaded once: every address that is an exchange is shown with its name and code. One
 * module-level map read synchronously by every address on the page; the app re-renders once when it arrives (so a
 * page of a thousand addresses does not subscribe a thousand times).
 */
import { useEffect, useState } from "preact/hooks";
import { get } from "./api";

/** An exchange as listed by GET /v1/exchanges. */
export interface Exchange {
  address: string;
  code: string;
  name: string;
  status: string;
}

let directory = new Map<string, Exchange>();
let loading: Promise<Map<string, Exchange>> | undefined;

/** Address → exchange (loaded on first use; empty on failure, so pages still render addresses). */
export function exchangesByAddress(): Promise<Map<string, Exchange>> {
  loading ??= get<Exchange[]>("/v1/exchanges?limit=200").then(
    (list) => (directory = new Map(list.map((e) => [e.address.toLowerCase(), e]))),
    () => directory,
  );
  return loading;
}

/** The exchange at `address`, if the directory has arrived and it is one. */
export function exchangeAt(address: string): Exchange | undefined {
  return directory.get(address.toLowerCase());
}

/** For the app's root only: loads the directory and re-renders once it has arrived. */
export function useDirectoryLoaded(): boolean {
  const [loaded, setLoaded] = useState(directory.size > 0);
  useEffect(() => {
    void exchangesByAddress().then(() => setLoaded(true));
  }, []);
  return loaded;
}

/** The directory as a map (re-renders the caller when it arrives). */
export function useExchanges(): Map<string, Exchange> {
  useDirectoryLoaded();
  return directory;
}
