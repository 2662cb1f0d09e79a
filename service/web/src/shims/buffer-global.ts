/** The shared Merkle code uses Node's global `Buffer`; in the browser it is the `buffer` package's. Import first. */
import { Buffer } from "buffer";

const g = globalThis as { Buffer?: typeof Buffer };
g.Buffer ??= Buffer;
