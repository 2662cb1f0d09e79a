/**
 * Which events to decode: event fragments picked by name from the contracts' ABIs (`../contracts`, bundled from the
 * compiled interfaces — never hand-copied). The indexer asks for the events its handlers map.
 */
import { Interface, type EventFragment } from "ethers";
import { CONTRACT_ABIS, CONTRACT_NAMES, type ContractName } from "../contracts";

/** Event names, by the contract whose ABI declares them. */
export type EventsByContract = Readonly<Partial<Record<ContractName, readonly string[]>>>;

/** An event fragment and the contract that declares it. */
export interface ContractEvent {
  contract: ContractName;
  fragment: EventFragment;
}

/** The fragments of the `wanted` events, in contract and ABI order. Throws for an event a contract's ABI lacks. */
export function eventFragments(wanted: EventsByContract): ContractEvent[] {
  const out: ContractEvent[] = [];
  for (const contract of CONTRACT_NAMES) {
    const names = new Set(wanted[contract] ?? []);
    if (names.size === 0) continue;
    const missing = new Set(names);
    new Interface(CONTRACT_ABIS[contract]).forEachEvent((fragment) => {
      if (!names.has(fragment.name)) return;
      out.push({ contract, fragment });
      missing.delete(fragment.name);
    });
    if (missing.size > 0) throw new Error(`${contract} declares no event ${[...missing].join(", ")} (its ABI is in service/src/contracts)`);
  }
  return out;
}
