/**
 * The fault suite's sizes. `short` (default, what CI and `npm test` run, a few minutes on two cores) or `full`
 * (`FAULTS_PROFILE=full npm run test:faults`): more kills, longer outages, a longer load run.
 */
export type ProfileName = "short" | "full";

export interface FaultProfile {
  name: ProfileName;
  /** SIGKILLs per backend. */
  killsPerBackend: number;
  /** Blocks of the kill test's chain. */
  killChainBlocks: number;
  /** Reorg depths tried (the last is deeper than the kept window). */
  reorgDepths: number[];
  /** How long each RPC fault mode lasts (ms). */
  rpcFaultMs: number;
  /** PostgreSQL outages: [stop mode, seconds down]. */
  pgOutages: ["fast" | "immediate", number][];
  /** Concurrent starts on fresh PostgreSQL databases. */
  concurrentStarts: number;
  /** Bounded load run length (ms) and connections. */
  loadMs: number;
  loadConnections: number;
}

const PROFILES: Record<ProfileName, FaultProfile> = {
  short: {
    name: "short",
    killsPerBackend: 5,
    killChainBlocks: 240,
    reorgDepths: [1, 5, 20, 200],
    rpcFaultMs: 1500,
    pgOutages: [["fast", 2], ["immediate", 3]],
    concurrentStarts: 3,
    loadMs: 8000,
    loadConnections: 8,
  },
  full: {
    name: "full",
    killsPerBackend: 12,
    killChainBlocks: 600,
    reorgDepths: [1, 5, 20, 60, 200, 400],
    rpcFaultMs: 10_000,
    pgOutages: [["fast", 2], ["immediate", 5], ["fast", 30], ["immediate", 120]],
    concurrentStarts: 6,
    loadMs: 60_000,
    loadConnections: 10,
  },
};

/** The profile chosen by FAULTS_PROFILE. */
export const PROFILE: FaultProfile = PROFILES[process.env.FAULTS_PROFILE === "full" ? "full" : "short"];
