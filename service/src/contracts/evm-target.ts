/**
 * The EVM version the contracts are compiled for (hardhat.config.ts), and a check that a chain runs it: a chain
 * that trails mainnet (an older Besu genesis, a private network without the Cancun fork) is found before deployment,
 * not by a deployed contract failing on its first call.
 */
import type { Provider } from "ethers";

/** The compile target, one setting (hardhat.config.ts reads it from here). */
export const EVM_TARGET = "cancun";

/**
 * Creation code that runs the opcodes Cancun added and Shanghai's PUSH0, then stops:
 * PUSH1 1, PUSH0, TSTORE, PUSH0, TLOAD, POP, PUSH0, PUSH0, PUSH0, MCOPY, STOP.
 */
const CANCUN_PROBE = "0x60015f5d5f5c505f5f5f5e00";

/** Throws a clear error when the chain behind `provider` cannot run code compiled for {@link EVM_TARGET}. */
export async function checkEvmTarget(provider: Provider): Promise<void> {
  try {
    await provider.call({ data: CANCUN_PROBE });
  } catch (e) {
    throw new Error(
      `the chain does not run ${EVM_TARGET} EVM code (PUSH0, TSTORE/TLOAD, MCOPY): ${(e as Error).message.split("\n")[0]}. ` +
        `Enable the Cancun fork on the network (e.g. Besu genesis "cancunTime"), or deploy elsewhere`,
    );
  }
}
