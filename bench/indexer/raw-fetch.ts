/**
 * The node's own limit: plain eth_getLogs over the same blocks the indexer reads, one request after another, each
 * answer read and JSON-parsed (what any client of the node must do) and nothing else — no headers, no decoding, no
 * database. In its own process so that its peak RSS is its own. Prints one JSON line.
 * Env: RPC_URL, EMITTER, START_BLOCK, HEAD, BLOCKS_PER_REQUEST.
 */
import os from "node:os";
import { peakRssMB } from "./peak-rss";
import { createHttpTransport } from "../../service/src/chain/transport";

async function main(): Promise<void> {
  const http = createHttpTransport(process.env.RPC_URL!, { timeoutMs: 600_000 });
  const start = Number(process.env.START_BLOCK);
  const head = Number(process.env.HEAD);
  const per = Math.max(1, Number(process.env.BLOCKS_PER_REQUEST));
  const address = process.env.EMITTER!;
  const hex = (n: number): string => "0x" + n.toString(16);
  const loadBefore = os.loadavg()[0].toFixed(2);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let events = 0;
  let requests = 0;
  for (let b = start; b <= head; b += per) {
    const logs = await http.request<unknown[]>("eth_getLogs", [{ address: [address], fromBlock: hex(b), toBlock: hex(Math.min(head, b + per - 1)) }]);
    events += logs.length;
    requests++;
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  process.stdout.write(
    JSON.stringify({
      kind: "raw",
      events,
      requests,
      seconds: Number(seconds.toFixed(3)),
      eventsPerSecond: Math.round(events / seconds),
      cpuSeconds: Number(((cpu.user + cpu.system) / 1e6).toFixed(2)),
      maxRssMB: peakRssMB(),
      loadBefore,
      loadAfter: os.loadavg()[0].toFixed(2),
    }) + "\n",
  );
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e) + "\n");
  process.exit(1);
});
