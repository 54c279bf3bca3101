// The gas floor an honest client proposes for an action: what its call uses when given ample gas,
// made after the proposal's earlier actions as execute makes it, plus a stated margin. Not the lowest
// gas at which it does not revert (eth_estimateGas): for a target that catches the failure of an inner
// call, that is exactly the amount that starves it.
import { Interface, isError } from 'ethers';
import type { Chain } from '../chain/provider.js';
import { EXECUTOR_ABI } from './executor.js';

/**
 * Gas given to the measurement of a whole action list: more than a proposal's actions need, and a bound
 * on what one hostile target can make the node do (an action the rest of it cannot run gets no
 * suggestion: its author types the floor).
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
 * Measures the actions with the executor's own `measureGas`: one eth_call that makes their calls in
 * order, as `execute` does (from the executor with its balance, each on the state the earlier ones
 * leave, because that is how execute runs them), and reverts with the gas each used. An action
 * measured alone could cost less than after the earlier ones (a parameter they raise, a slot they
 * warm), and a floor signed from that would let a relayer starve it. One bounded call for the whole
 * list, which any node answers, and no trace to hold in memory. The executor stops at the first call
 * that fails, as execute would: the later actions are not measured.
 */
export async function suggestGas(
  chain: Chain,
  executorAddress: string,
  actions: SimulatedAction[],
): Promise<GasSuggestion[]> {
  const calls = actions.map((action) => ({ to: action.to, value: BigInt(action.value), data: action.data }));
  const data = executor.encodeFunctionData('measureGas', [calls]);
  const revert = await revertData(chain, { to: executorAddress, data, gasLimit: AMPLE_GAS });
  const measured = revert === undefined ? null : executor.parseError(revert);
  if (measured?.name !== 'GasMeasured') {
    throw new NoGasMeter(
      `the executor ${executorAddress} did not measure the calls (${revert === undefined ? 'it did not revert' : `it answered ${revert.slice(0, 74)}`}): is a GovernanceExecutor of this version (measureGas of a call list) deployed there?`,
    );
  }
  const success = [...(measured.args[0] as boolean[])];
  const gasUsed = [...(measured.args[1] as bigint[])];
  // The executor made the calls in order, all of them or up to the first that failed.
  const made = success.length;
  const consistent =
    gasUsed.length === made &&
    made <= actions.length &&
    success.slice(0, -1).every(Boolean) &&
    (made === actions.length || success[made - 1] === false);
  if (!consistent) {
    throw new NoGasMeter(
      `the executor ${executorAddress} answered a measurement of ${made} call(s) that does not fit the ${actions.length} sent: is a GovernanceExecutor deployed there?`,
    );
  }
  const ample = AMPLE_GAS.toLocaleString('en-US');
  return actions.map((_, i): GasSuggestion => {
    if (i >= made) {
      const error = `not measured: an earlier action (number ${made}) fails, so execute would stop before this one`;
      return { ok: false, error };
    }
    if (success[i]) {
      return { ok: true, gasUsed: gasUsed[i]!.toString(), gas: suggestedGasFloor(gasUsed[i]!).toString() };
    }
    const when = i === 0 ? 'now' : 'now after the earlier actions, as execute does,';
    return {
      ok: false,
      error: `the call fails when the executor ${executorAddress} makes it ${when} with ${ample} gas`,
    };
  });
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
