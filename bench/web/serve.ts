/**
 * The web benchmark's server, in its own process (so the browser's driver and the API do not share an event loop):
 * createApi with the built page over the SQLite file given, on the port given. Prints "ready" when listening.
 *
 *   node -r ts-node/register/transpile-only bench/web/serve.ts <sqlite file> <port> <indexed block>
 */
import { createApi } from "../../service/src/api";
import { createSqliteDb } from "../../service/src/store";
import { WEB_DIST } from "../../service/src/web";
import { CHAIN, T0 } from "./dataset";

const [file, port, head] = process.argv.slice(2);
const block = Number(head);
const db = createSqliteDb(file as string);
const status = { chains: [{ chainId: CHAIN, indexedBlock: block, chainHead: block, confirmations: 0, lastProgressAt: Date.now(), eventsPerSecond: 0, indexedBlockTime: T0 + block * 600 }] };
const quiet = { info: () => undefined, warn: () => undefined, error: (o: object) => console.error(o) };
const app = createApi({ db, indexerStatus: () => status, logger: quiet, webRoot: WEB_DIST, publicChains: [] });
const server = app.listen(Number(port), "127.0.0.1", () => process.stdout.write("ready\n"));
process.on("SIGTERM", () => {
  server.close();
  void db.close().then(() => process.exit(0));
});
