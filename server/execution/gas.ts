// The gas floor an honest client proposes for an action: what its call uses when given ample gas,
// made after the proposal's earlier actions as execute makes it, plus a stated margin, and then checked
// by making the call again with exactly that floor: it stands only if the call does there what it did
// with ample gas. Not the lowest gas at which it does not revert (eth_estimateGas): for a target that
// catches the failure of an inner call, that is exactly the amount that starves it. And not the gas used
// alone: a target that keeps gas back before such an inner call (`inner{gas: gasleft() - reserve}`, a
// bridge forwarding all but a reserve, a branch on gasleft()) uses little with ample gas, and given only
// that little its inner call fails, swallowed, so execute at a gas limit that leaves it its floor would
// mark the proposal executed without its effect.
import { Interface, isError } from 'ethers';
import type { Chain } from '../chain/provider.js';
import { EXECUTOR_ABI } from './executor.js';

/**
 * Gas given to each measurement of a whole action list: more than a proposal's actions need, and a
 * bound on what one hostile target can make the node do (an action the rest of it cannot run gets no
 * suggestion: its author types the floor).
 */
export const AMPLE_GAS = 10_000_000n;

/**
 * At most this many measurements with the candidate floors follow the one with ample gas, each one
 * eth_call of AMPLE_GAS: one when every call does at its floor what it does with ample gas (the usual
 * case), more to find, by doubling then halving, the least gas at which a call that does not behaves as
 * with ample gas (five to ten for each such call, one after the other).
 */
export const MAX_CHECK_ROUNDS = 24;

/** A search for the least gas at which a call behaves as with ample gas stops within 1/8 of it. */
const SEARCH_PRECISION = 8n;
/** A call behaving otherwise within 1/64 of the most gas a measurement can give it gets no floor. */
const CEILING_PRECISION = 64n;

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
const AMPLE = AMPLE_GAS.toLocaleString('en-US');
const format = (gas: bigint) => gas.toLocaleString('en-US');

interface Call {
  to: string;
  value: bigint;
  data: string;
}

/** What measureGas answered: per call made, in order, whether it succeeded and the gas it took. */
interface Measurement {
  success: boolean[];
  gasUsed: bigint[];
}

/**
 * Measures the actions with the executor's own `measureGas`: one eth_call that makes their calls in
 * order, as `execute` does (from the executor with its balance, each on the state the earlier ones
 * leave, because that is how execute runs them), and reverts with the gas each used. An action
 * measured alone could cost less than after the earlier ones (a parameter they raise, a slot they
 * warm), and a floor signed from that would let a relayer starve it. One bounded call for the whole
 * list, which any node answers, and no trace to hold in memory. The executor stops at the first call
 * that fails, as execute would: the later actions are not measured.
 *
 * Then each floor is checked (checkFloors): the calls are made again, each given exactly its candidate
 * floor, as execute gives it at the gas limit that leaves it just that; a floor stands only if its call
 * succeeds and uses the same gas as with ample gas. `gasUsed` in the answer is always what the call used
 * with ample gas; `gas` is more than suggestedGasFloor(gasUsed) for a call that needs more than it uses.
 */
export async function suggestGas(
  chain: Chain,
  executorAddress: string,
  actions: SimulatedAction[],
): Promise<GasSuggestion[]> {
  const calls = actions.map((action) => ({ to: action.to, value: BigInt(action.value), data: action.data }));
  const { success, gasUsed } = await measureGas(chain, executorAddress, calls, []);
  // The executor made the calls in order, all of them or up to the first that failed.
  const made = success.length;
  // The calls that succeeded with ample gas: all those made but a failing last one.
  const succeeded = success[made - 1] === false ? made - 1 : made;
  const floors = await checkFloors(chain, executorAddress, calls.slice(0, succeeded), gasUsed.slice(0, succeeded));
  return actions.map((_, i): GasSuggestion => {
    if (i >= made) {
      const error = `not measured: an earlier action (number ${made}) fails, so execute would stop before this one`;
      return { ok: false, error };
    }
    if (success[i]) {
      const floor = floors[i]!;
      if ('error' in floor) return { ok: false, error: floor.error };
      return { ok: true, gasUsed: gasUsed[i]!.toString(), gas: floor.gas.toString() };
    }
    const when = i === 0 ? 'now' : 'now after the earlier actions, as execute does,';
    return {
      ok: false,
      error: `the call fails when the executor ${executorAddress} makes it ${when} with ${AMPLE} gas`,
    };
  });
}

/**
 * Where the check of one call's floor stands. `probe` is the gas it gets in the next measurement:
 * `candidate` while checking a floor, a step of the search otherwise.
 */
interface FloorSearch {
  /** What the call used with ample gas: it must use exactly this at its floor. */
  gasUsed: bigint;
  /** The floor to check: suggestedGasFloor(gasUsed), then suggestedGasFloor(enough) after a search. */
  candidate: bigint;
  probe: bigint;
  /** The most gas at which it was seen to behave otherwise (0: none yet). */
  below: bigint;
  /** The least gas at which it was seen to behave as with ample gas. */
  enough?: bigint;
  /** Gas measureGas could not give it after the earlier calls (a bound on every probe). */
  ceiling: bigint;
  /** Seen to behave otherwise than with ample gas at some probe. */
  differs: boolean;
  result?: { gas: bigint } | { error: string };
}

/** What a call did with the gas it was given, against what it did with ample gas. */
type Outcome = { kind: 'same' } | { kind: 'not given' } | { kind: 'other'; what: string };

const DIFFERS = `the call behaves differently with less gas than ${AMPLE}:`;
const TYPE_IT = 'type a floor yourself';

function outcome(ok: boolean, used: bigint, ample: bigint): Outcome {
  if (ok && used === ample) return { kind: 'same' };
  // A call made always uses some gas: 0 is one measureGas could not give its limit.
  if (!ok && used === 0n) return { kind: 'not given' };
  return { kind: 'other', what: ok ? `uses ${format(used)} gas instead of ${format(ample)}` : 'fails' };
}

/**
 * Checks each candidate floor by measuring the calls again, in ONE eth_call a round, each call given
 * exactly its candidate (measureGas's gasLimits). A call that behaves otherwise there (fails, or uses
 * other gas: its inner call starved, or a branch on gasleft() taken the other way) gets a higher
 * candidate: the search doubles the gas until the call behaves as with ample gas, halves the gap down
 * to 1/16, and checks the least such gas plus the same margin (suggestedGasFloor) as its floor. A call
 * for which no gas that measureGas can give reproduces the ample behaviour (or whose search does not end
 * within MAX_CHECK_ROUNDS) gets an error: its author types the floor.
 *
 * A round's results hold only up to the first call that behaved otherwise: the later ones ran on
 * another state, or not at all. So a round's calls after it learn nothing, and rounds go on until each
 * call is settled; a call whose floor is settled gets that floor in the later rounds, one given up gets
 * all the gas left (0), so that the later ones run on the state it leaves with ample gas.
 *
 * Each round is one eth_call of AMPLE_GAS, and needs no more than the ample measurement did: measureGas
 * gives each call its limit when it makes it and gets back what the call leaves, so a round needs what
 * the earlier calls use (as with ample gas, while they behave so) plus the one call's floor, its
 * overhead and EIP-150's 1/64, not the sum of the floors. Where that is not left (a floor of several
 * million gas after calls using the rest), measureGas does not make the call and says so (success false,
 * 0 gas used): the search then keeps below that gas, and a call that needs more gets an error.
 */
async function checkFloors(
  chain: Chain,
  executorAddress: string,
  calls: Call[],
  gasUsed: bigint[],
): Promise<({ gas: bigint } | { error: string })[]> {
  let usedBefore = 0n;
  const searches = gasUsed.map((used): FloorSearch => {
    const candidate = suggestedGasFloor(used);
    const search = {
      gasUsed: used,
      candidate,
      probe: candidate,
      below: 0n,
      // More than measureGas can give it: the measurement's gas less what the earlier calls use, and 1/64.
      ceiling: AMPLE_GAS - usedBefore - (AMPLE_GAS - usedBefore) / 64n,
      differs: false,
    };
    usedBefore += used;
    return search;
  });
  for (let round = 0; round < MAX_CHECK_ROUNDS && searches.some((s) => s.result === undefined); round++) {
    const limits = searches.map((s) => {
      if (s.result === undefined) return s.probe;
      return 'gas' in s.result ? s.result.gas : 0n;
    });
    const measured = await measureGas(chain, executorAddress, calls, limits);
    for (const [i, s] of searches.entries()) {
      if (i >= measured.success.length) break;
      const seen = outcome(measured.success[i]!, measured.gasUsed[i]!, s.gasUsed);
      if (s.result === undefined) {
        settle(s, seen);
      } else if (seen.kind !== 'same' && 'gas' in s.result) {
        // A floor that held in an earlier round no longer does: the chain moved on between the two.
        const what = seen.kind === 'other' ? seen.what : 'could not be given it';
        s.result = {
          error: `${DIFFERS} with ${format(s.result.gas)} gas, which did as ample gas does in an earlier measurement, it now ${what}; ${TYPE_IT}`,
        };
      }
      // The later calls ran after one that did not behave as with ample gas: nothing learnt from them.
      if (seen.kind !== 'same') break;
    }
  }
  return searches.map((s) => {
    if (s.result) return s.result;
    if (s.differs) {
      return {
        error: `${DIFFERS} ${MAX_CHECK_ROUNDS} measurements did not find the least gas at which it does not; ${TYPE_IT}`,
      };
    }
    return {
      error: `its floor was not checked: the ${MAX_CHECK_ROUNDS} measurements allowed went to the earlier actions, which behave differently with less gas than ${AMPLE}; ${TYPE_IT}`,
    };
  });
}

/** Takes in what the call did with `search.probe` gas and picks the next probe, or settles it. */
function settle(search: FloorSearch, seen: Outcome): void {
  const s = search;
  const probe = s.probe;
  const checking = probe === s.candidate;
  if (seen.kind === 'other') s.differs = true;
  if (seen.kind === 'same') {
    if (checking) {
      s.result = { gas: probe };
      return;
    }
    s.enough = probe;
  } else if (seen.kind === 'not given') {
    s.ceiling = probe;
    if (checking && s.enough !== undefined) {
      // The floor with the margin cannot be given in a measurement: the least gas seen to do as ample
      // gas does is checked already.
      s.result = { gas: s.enough };
      return;
    }
  } else {
    if (checking && s.enough !== undefined) {
      s.result = {
        error: `${DIFFERS} with ${format(s.enough)} gas it does what it does with ample gas, but with ${format(probe)} it ${seen.what}; ${TYPE_IT}`,
      };
      return;
    }
    s.below = probe;
  }
  // The search: the least gas at which it does what it does with ample gas, above `below`.
  if (s.enough !== undefined) {
    if (s.enough - s.below > s.enough / SEARCH_PRECISION) {
      s.probe = (s.below + s.enough) / 2n;
      return;
    }
    const floor = suggestedGasFloor(s.enough);
    if (floor >= s.ceiling) {
      s.result = { gas: s.enough };
      return;
    }
    s.candidate = floor;
    s.probe = floor;
    return;
  }
  // Nothing yet does as ample gas does: double, within what measureGas can give it.
  const low = s.below > 0n ? s.below : s.gasUsed / 2n;
  if (s.ceiling - low <= s.ceiling / CEILING_PRECISION) {
    const what = seen.kind === 'other' ? `with ${format(probe)} gas it ${seen.what}, and ` : '';
    s.result = {
      error: `${DIFFERS} ${what}no gas that a measurement of ${AMPLE} can give it makes it do what it does with ample gas; ${TYPE_IT}`,
    };
    return;
  }
  s.probe = 2n * low < s.ceiling ? 2n * low : (low + s.ceiling) / 2n;
}

/**
 * One eth_call of the executor's measureGas with AMPLE_GAS: what each call made did. Throws NoGasMeter
 * when the executor does not answer as this contract does.
 */
async function measureGas(
  chain: Chain,
  executorAddress: string,
  calls: Call[],
  gasLimits: bigint[],
): Promise<Measurement> {
  const data = executor.encodeFunctionData('measureGas', [calls, gasLimits]);
  const revert = await revertData(chain, { to: executorAddress, data, gasLimit: AMPLE_GAS });
  const measured = revert === undefined ? null : executor.parseError(revert);
  if (measured?.name !== 'GasMeasured') {
    throw new NoGasMeter(
      `the executor ${executorAddress} did not measure the calls (${revert === undefined ? 'it did not revert' : `it answered ${revert.slice(0, 74)}`}): is a GovernanceExecutor of this version (measureGas of a call list and gas limits) deployed there?`,
    );
  }
  const success = [...(measured.args[0] as boolean[])];
  const gasUsed = [...(measured.args[1] as bigint[])];
  // The executor made the calls in order, all of them or up to the first that failed.
  const made = success.length;
  const consistent =
    gasUsed.length === made &&
    made <= calls.length &&
    success.slice(0, -1).every(Boolean) &&
    (made === calls.length || success[made - 1] === false);
  if (!consistent) {
    throw new NoGasMeter(
      `the executor ${executorAddress} answered a measurement of ${made} call(s) that does not fit the ${calls.length} sent: is a GovernanceExecutor deployed there?`,
    );
  }
  return { success, gasUsed };
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
