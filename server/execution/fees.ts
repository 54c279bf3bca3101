import type { BigNumberish } from 'ethers';
import { z } from 'zod';

// The fees of a relayer transaction and the rule for replacing one that is not mined: the same call
// at the same nonce, for a higher fee, up to a ceiling.

const wei = z.string().regex(/^\d+$/, { message: 'must be wei, decimal' });

/** EIP-1559 fees, or a legacy gas price; wei as decimal text (they are kept as JSON). */
export const feesSchema = z.union([
  z.object({ maxFeePerGas: wei, maxPriorityFeePerGas: wei }).strict(),
  z.object({ gasPrice: wei }).strict(),
]);
export type Fees = z.infer<typeof feesSchema>;

/**
 * Each replacement raises every fee by this much: Ethereum nodes replace a pending transaction only
 * for 10% more on both fee cap and tip (go-ethereum's txpool PriceBump); iotex-core for any higher fee
 * cap (actpool/actqueue.go Put: ErrReplaceUnderpriced unless GasFeeCap is greater).
 */
export const FEE_BUMP_PERCENT = 20n;

/** A stuck transaction's fees rise to at most this many times its first ones, then it waits there. */
export const MAX_FEE_GROWTH = 10n;

/** What `fields` says, as Fees: EIP-1559 when it has both of its fields, else the gas price. */
export function feesOf(fields: {
  maxFeePerGas?: BigNumberish | null;
  maxPriorityFeePerGas?: BigNumberish | null;
  gasPrice?: BigNumberish | null;
}): Fees {
  const { maxFeePerGas, maxPriorityFeePerGas, gasPrice } = fields;
  if (maxFeePerGas != null && maxPriorityFeePerGas != null) {
    return {
      maxFeePerGas: BigInt(maxFeePerGas).toString(),
      maxPriorityFeePerGas: BigInt(maxPriorityFeePerGas).toString(),
    };
  }
  if (gasPrice != null) return { gasPrice: BigInt(gasPrice).toString() };
  throw new Error('the node gave no fee data (neither EIP-1559 fees nor a gas price)');
}

/** The highest fees a transaction first sent with `first` is ever replaced at. */
export function feeCeiling(first: Fees): Fees {
  return scale(first, (fee) => fee * MAX_FEE_GROWTH);
}

/**
 * Rule: a replacement pays FEE_BUMP_PERCENT more than the transaction it replaces on every fee, or
 * what the network asks now if that is more, never beyond the ceiling; undefined when the ceiling
 * leaves less than 10% more on some fee (a node would refuse it: the previous one is left to wait).
 */
export function replacementFees(previous: Fees, network: Fees, ceiling: Fees): Fees | undefined {
  const raise = (percent: bigint) => (fee: bigint) => (fee * (100n + percent) + 99n) / 100n;
  const next = combine(scale(previous, raise(FEE_BUMP_PERCENT)), network, (a, b) => (a > b ? a : b));
  const capped = combine(next, ceiling, (a, b) => (a < b ? a : b));
  // Capped, it must still be a replacement every node takes (10% more on every fee), or none.
  const least = scale(previous, raise(MIN_REPLACEMENT_BUMP_PERCENT));
  return fields(capped).every((fee, i) => fee >= fields(least)[i]!) ? capped : undefined;
}

/** go-ethereum's txpool PriceBump: a replacement must raise every fee by this much. */
const MIN_REPLACEMENT_BUMP_PERCENT = 10n;

function fields(fees: Fees): bigint[] {
  return 'gasPrice' in fees ? [BigInt(fees.gasPrice)] : [BigInt(fees.maxFeePerGas), BigInt(fees.maxPriorityFeePerGas)];
}

function scale(fees: Fees, f: (fee: bigint) => bigint): Fees {
  return 'gasPrice' in fees
    ? { gasPrice: f(BigInt(fees.gasPrice)).toString() }
    : {
        maxFeePerGas: f(BigInt(fees.maxFeePerGas)).toString(),
        maxPriorityFeePerGas: f(BigInt(fees.maxPriorityFeePerGas)).toString(),
      };
}

/** Field by field, for two fees of one kind (`a` as it is when they differ). */
function combine(a: Fees, b: Fees, pick: (x: bigint, y: bigint) => bigint): Fees {
  if ('gasPrice' in a || 'gasPrice' in b) {
    return 'gasPrice' in a && 'gasPrice' in b
      ? { gasPrice: pick(BigInt(a.gasPrice), BigInt(b.gasPrice)).toString() }
      : a;
  }
  const maxFeePerGas = pick(BigInt(a.maxFeePerGas), BigInt(b.maxFeePerGas));
  const tip = pick(BigInt(a.maxPriorityFeePerGas), BigInt(b.maxPriorityFeePerGas));
  // A tip above the fee cap is invalid (EIP-1559): the cap bounds it.
  return {
    maxFeePerGas: maxFeePerGas.toString(),
    maxPriorityFeePerGas: (tip < maxFeePerGas ? tip : maxFeePerGas).toString(),
  };
}

/** Fee fields for an ethers transaction request. */
export function feeFields(fees: Fees): { gasPrice: bigint } | { maxFeePerGas: bigint; maxPriorityFeePerGas: bigint } {
  return 'gasPrice' in fees
    ? { gasPrice: BigInt(fees.gasPrice) }
    : { maxFeePerGas: BigInt(fees.maxFeePerGas), maxPriorityFeePerGas: BigInt(fees.maxPriorityFeePerGas) };
}
