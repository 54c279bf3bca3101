// The gas floor an honest client proposes for an action: what the call uses when given ample gas,
// plus a stated margin. Not the lowest gas at which it does not revert (eth_estimateGas): for a
// target that catches the failure of an inner call, that is exactly the amount that starves it.
import { Interface, isError } from 'ethers';
import type { Chain } from '../chain/provider.js';
import { EXECUTOR_ABI } from './executor.js';

/**
 * Gas given to the measurement: more than a governance action needs, and a bound on what one hostile
 * target can make the node do (an action needing more gets no suggestion: its author types the floor).
 */
export const AMPLE_GAS = 10_000_000n;

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

/** The executor has no measureGas: not deployed there, or not this contract. */
export class NoGasMeter extends Error {}

const executor = new Interface(EXECUTOR_ABI);

/**
 * Measures each action with the executor's own `measureGas` (an eth_call that makes the call as
 * `execute` does, from the executor with its balance, and reverts with the gas used): one bounded
 * call per action, which any node answers, and no trace to hold in memory. One action at a time.
 */
export async function suggestGas(
  chain: Chain,
  executorAddress: string,
  actions: SimulatedAction[],
): Promise<GasSuggestion[]> {
  const suggestions: GasSuggestion[] = [];
  for (const action of actions) {
    const data = executor.encodeFunctionData('measureGas', [action.to, BigInt(action.value), action.data]);
    const revert = await revertData(chain, { to: executorAddress, data, gasLimit: AMPLE_GAS });
    const measured = revert === undefined ? null : executor.parseError(revert);
    if (measured?.name !== 'GasMeasured') {
      throw new NoGasMeter(
        `the executor ${executorAddress} did not measure the call (${revert === undefined ? 'it did not revert' : `it answered ${revert.slice(0, 74)}`}): is a GovernanceExecutor deployed there?`,
      );
    }
    const [success, gasUsed] = measured.args as unknown as [boolean, bigint];
    suggestions.push(
      success
        ? { ok: true, gasUsed: gasUsed.toString(), gas: suggestedGasFloor(gasUsed).toString() }
        : {
            ok: false,
            error: `the call fails when the executor ${executorAddress} makes it now with ${AMPLE_GAS.toLocaleString('en-US')} gas`,
          },
    );
  }
  return suggestions;
}

/** The revert data of an eth_call, or undefined when it returned; other errors are thrown. */
async function revertData(
  chain: Chain,
  call: { to: string; data: string; gasLimit: bigint },
): Promise<string | undefined> {
  try {
    await chain.provider.call(call);
    return undefined;
  } catch (error) {
    if (isError(error, 'CALL_EXCEPTION') && typeof error.data === 'string') return error.data;
    throw error;
  }
}
