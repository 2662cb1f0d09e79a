/**
 * Where a transaction's gas goes, from the in-process Hardhat network's `debug_traceTransaction` struct logs:
 * calldata and the 21,000 base (intrinsic), then execution grouped by contract and by kind (storage writes, storage
 * reads, calls including cold account access, logs, hashing, precompiles, the rest). Used by `bench/gas/run.ts`
 * with GAS_PROFILE=1.
 */
import { network } from "hardhat";

interface StructLog {
  op: string;
  gas: number;
  gasCost: number;
  depth: number;
  stack?: string[];
}

/** Gas of one transaction split by contract (call depth order) and by kind of work. */
export interface GasProfile {
  gasUsed: number;
  intrinsic: number; // 21,000 + calldata
  calldata: number;
  byKind: Record<string, number>;
  byFrame: { frame: string; gas: number }[];
}

const KIND: Record<string, string> = {
  SSTORE: "sstore",
  SLOAD: "sload",
  CALL: "call",
  STATICCALL: "call",
  DELEGATECALL: "call",
  LOG0: "log",
  LOG1: "log",
  LOG2: "log",
  LOG3: "log",
  LOG4: "log",
  KECCAK256: "keccak",
  SHA3: "keccak",
  EXTCODESIZE: "account",
  EXTCODEHASH: "account",
};

/** Calldata gas (EIP-2028: 4 per zero byte, 16 per non-zero byte). */
function calldataGas(data: string): number {
  const bytes = Buffer.from(data.replace(/^0x/, ""), "hex");
  let gas = 0;
  for (const b of bytes) gas += b === 0 ? 4 : 16;
  return gas;
}

/** Profiles the mined transaction `hash`; `names` maps lower-case addresses to contract names. */
export async function profileTx(hash: string, names: Record<string, string>): Promise<GasProfile> {
  const provider = network.provider;
  const tx = (await provider.send("eth_getTransactionByHash", [hash])) as { input: string; to: string };
  const receipt = (await provider.send("eth_getTransactionReceipt", [hash])) as { gasUsed: string };
  const trace = (await provider.send("debug_traceTransaction", [hash, { disableStorage: true, disableMemory: true }])) as {
    structLogs: StructLog[];
  };
  const logs = trace.structLogs;
  const gasUsed = Number(receipt.gasUsed);
  const calldata = calldataGas(tx.input);
  const byKind: Record<string, number> = {};
  const frames = new Map<string, number>();
  const stack: string[] = [names[tx.to.toLowerCase()] ?? tx.to];
  // inclusive cost of step i = gas[i] - gas[next step at the same depth]; a call's own cost excludes its callee's steps
  const childGas: number[] = [];
  for (let i = 0; i < logs.length; i++) {
    const s = logs[i]!;
    let j = i + 1;
    while (j < logs.length && logs[j]!.depth > s.depth) j++;
    const inclusive = j < logs.length && logs[j]!.depth === s.depth ? s.gas - logs[j]!.gas : s.gasCost;
    let own = inclusive;
    if (j > i + 1) {
      // a call that entered a frame: subtract what its top-level steps spent (they are counted themselves)
      let inner = 0;
      for (let k = i + 1; k < j; k++) {
        const c = logs[k]!;
        if (c.depth !== s.depth + 1) continue;
        let m = k + 1;
        while (m < j && logs[m]!.depth > c.depth) m++;
        inner += m < j && logs[m]!.depth === c.depth ? c.gas - logs[m]!.gas : c.gasCost;
      }
      own = inclusive - inner;
    }
    const frame = stack[s.depth - 1] ?? "?";
    const kind = KIND[s.op] ?? (s.op === "STATICCALL" ? "call" : "compute");
    byKind[kind] = (byKind[kind] ?? 0) + own;
    frames.set(frame, (frames.get(frame) ?? 0) + own);
    if (["CALL", "STATICCALL", "DELEGATECALL"].includes(s.op) && s.stack) {
      const to = "0x" + s.stack[s.stack.length - 2]!.replace(/^0x/, "").slice(-40).padStart(40, "0");
      stack[s.depth] = names[to.toLowerCase()] ?? (BigInt(to) < 0x100n ? `precompile ${BigInt(to)}` : to);
    }
    void childGas;
  }
  const execution = Object.values(byKind).reduce((x, y) => x + y, 0);
  return {
    gasUsed,
    intrinsic: 21_000 + calldata,
    calldata,
    byKind: { ...byKind, refundOrRest: gasUsed - 21_000 - calldata - execution },
    byFrame: [...frames.entries()].map(([frame, gas]) => ({ frame, gas })),
  };
}
