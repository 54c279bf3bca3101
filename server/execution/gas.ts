// The gas floor an honest client proposes for an action: what the call uses when given ample gas,
// plus a stated margin. Not the lowest gas at which it does not revert (eth_estimateGas): for a
// target that catches the failure of an inner call, that is exactly the amount that starves it.
import { ZeroAddress, toQuantity } from 'ethers';
import type { Chain } from '../chain/provider.js';

/** Gas given to the simulation: more than any one call needs. */
export const AMPLE_GAS = 30_000_000n;

/** Rule: the floor is the gas used with ample gas plus a quarter, and at least 10,000 more. */
export function suggestedGasFloor(gasUsed: bigint): bigint {
  const margin = gasUsed / 4n;
  return gasUsed + (margin > 10_000n ? margin : 10_000n);
}

export interface SimulatedAction {
  to: string;
  value: string;
  data: string;
}

export type GasSuggestion = { ok: true; gasUsed: string; gas: string } | { ok: false; error: string };

/**
 * Runs each action as a call from `from` (the executor, which makes the real call) with ample gas
 * at the latest block (debug_traceCall, which iotex-core and Hardhat answer), and suggests a floor.
 */
export async function suggestGas(
  chain: Chain,
  from: string | null,
  actions: SimulatedAction[],
): Promise<GasSuggestion[]> {
  return Promise.all(
    actions.map(async (action): Promise<GasSuggestion> => {
      const call = {
        from: from ?? ZeroAddress,
        to: action.to,
        value: toQuantity(BigInt(action.value)),
        data: action.data,
        gas: toQuantity(AMPLE_GAS),
      };
      const trace = (await chain.provider.send('debug_traceCall', [
        call,
        'latest',
        { disableStorage: true, disableMemory: true, disableStack: true },
      ])) as { gas: number | string; failed: boolean; returnValue?: string };
      if (trace.failed) {
        return {
          ok: false,
          error: `the call fails when run now from ${call.from} (return data 0x${trace.returnValue ?? ''})`,
        };
      }
      const gasUsed = BigInt(trace.gas);
      return { ok: true, gasUsed: gasUsed.toString(), gas: suggestedGasFloor(gasUsed).toString() };
    }),
  );
}
