// IoTeX native-staking vote weight, bit-exact with iotex-core
// action/protocol/staking/vote_bucket.go calculateVoteWeight (genesis consts:
// AutoStake = 1, DurationLg = 1.2, SelfStake = 1.06):
//
//   remainingTime := v.StakedDuration.Seconds()
//   weight := float64(1)
//   if remainingTime > 0 {
//     weight += math.Log(math.Ceil(remainingTime/86400)*(1+m)) / math.Log(c.DurationLg) / 100
//   }
//   if selfStake && v.AutoStake && v.StakedDuration >= 91*24*time.Hour { weight *= c.SelfStake }
//   amount := new(big.Float).SetInt(v.StakedAmount)
//   weightedAmount, _ := amount.Mul(amount, big.NewFloat(weight)).Int(nil)
//
// Every float step below is a single IEEE double operation in the same order as Go's,
// so JS numbers reproduce the chain's float64 results exactly.

const AUTO_STAKE = 1;
const DURATION_LG = 1.2;
const SELF_STAKE = 1.06;
const SECONDS_PER_DAY = 86400;
const SELF_STAKE_MIN_SECONDS = 91 * SECONDS_PER_DAY;
// time.Duration is int64 nanoseconds; longer stakes are not representable on chain.
const MAX_DURATION_SECONDS = Math.floor(Number(2n ** 63n - 1n) / 1e9);

// Constants of Go's math/log_amd64.s (the code math.Log runs on amd64 nodes).
// Go's literal, which both Go and JS round to the same double.
// eslint-disable-next-line no-loss-of-precision
const HSQRT2 = 7.07106781186547524401e-1; // sqrt(2)/2
const LN2_HI = 6.9314718036912381649e-1; // 0x3fe62e42fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
const L1 = 6.66666666666673513e-1; // 0x3FE5555555555593
const L2 = 3.999999999940941908e-1; // 0x3FD999999997FA04
const L3 = 2.857142874366239149e-1; // 0x3FD2492494229359
const L4 = 2.222219843214978396e-1; // 0x3FCC71C51D8E78AF
const L5 = 1.818357216161805012e-1; // 0x3FC7466496CB03DE
const L6 = 1.531383769920937332e-1; // 0x3FC39A09D078C69F
const L7 = 1.479819860511658591e-1; // 0x3FC2F112DF3E5244

const scratch = new DataView(new ArrayBuffer(8));

function float64Bits(x: number): bigint {
  scratch.setFloat64(0, x);
  return scratch.getBigUint64(0);
}

function float64FromBits(bits: bigint): number {
  scratch.setBigUint64(0, bits);
  return scratch.getFloat64(0);
}

/**
 * Go's math.Log on amd64 (math/log_amd64.s), step by step. V8's Math.log is a
 * different algorithm and is off by one ulp for some inputs (e.g. 185).
 */
export function goLog(x: number): number {
  // Special cases, as the assembly tests them on the raw bits.
  if (x === 0) return -Infinity;
  if (Number.isNaN(x)) return x;
  if (x < 0) return NaN;
  if (x === Infinity) return x;

  // Frexp by bit masking (the assembly does not renormalise subnormals either).
  const bits = float64Bits(x);
  let f1 = float64FromBits((bits & 0x000fffffffffffffn) | 0x3fe0000000000000n);
  let k = Number((bits >> 52n) & 0x7ffn) - 0x3fe;
  // CMPSD ... 5 (cmpnlt) computes !(HSqrt2 < f1), i.e. f1 <= HSqrt2 (log.go uses <).
  const adjust = f1 <= HSQRT2 ? 1 : 0;
  k = k - adjust;
  f1 = f1 * (adjust + 1);
  const f = f1 - 1;
  const s = f / (2 + f);
  const s2 = s * s;
  const s4 = s2 * s2;
  const t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
  const t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
  const R = t1 + t2;
  const hfsq = 0.5 * f * f;
  return k * LN2_HI - (hfsq - (s * (hfsq + R) + k * LN2_LO) - f);
}

/** The float64 weight exactly as the chain computes it (before the big.Float multiply). */
export function voteWeightFactor(
  durationSeconds: number,
  autoStake: boolean,
  selfStake: boolean,
  log: (x: number) => number = goLog,
): number {
  // time.Duration.Seconds() of whole seconds is exactly float64(seconds).
  const remainingTime = durationSeconds;
  let weight = 1;
  const m = autoStake ? AUTO_STAKE : 0;
  if (remainingTime > 0) {
    weight += log(Math.ceil(remainingTime / SECONDS_PER_DAY) * (1 + m)) / log(DURATION_LG) / 100;
  }
  // Go compares the Duration itself (not the rounded-up days), and requires auto-stake.
  if (selfStake && autoStake && durationSeconds >= SELF_STAKE_MIN_SECONDS) {
    weight *= SELF_STAKE;
  }
  return weight;
}

/** Exact decomposition of a positive finite double: x = mantissa * 2^exponent. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  const bits = float64Bits(x);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0x000fffffffffffffn;
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Round a positive integer to `precision` significant bits, half to even
 * (big.Float's default ToNearestEven). Returns value = mantissa * 2^shift.
 */
export function roundToPrecision(n: bigint, precision: number): { mantissa: bigint; shift: number } {
  const shift = bitLength(n) - precision;
  if (shift <= 0) return { mantissa: n, shift: 0 };
  const big = BigInt(shift);
  let mantissa = n >> big;
  const rest = n - (mantissa << big);
  const half = 1n << (big - 1n);
  if (rest > half || (rest === half && (mantissa & 1n) === 1n)) mantissa += 1n;
  return { mantissa, shift };
}

/**
 * Votes of a native IoTeX bucket, equal to the chain's calculateVoteWeight to the wei.
 * `durationSeconds` is the bucket's StakedDuration in whole seconds.
 */
export function voteWeight(amount: bigint, durationSeconds: number, autoStake: boolean, selfStake: boolean): bigint {
  if (amount < 0n) throw new RangeError(`voteWeight: amount must be >= 0, got ${amount}`);
  if (!Number.isFinite(durationSeconds) || durationSeconds < 0) {
    throw new RangeError(`voteWeight: durationSeconds must be finite and >= 0, got ${durationSeconds}`);
  }
  if (!Number.isInteger(durationSeconds) || durationSeconds > MAX_DURATION_SECONDS) {
    throw new RangeError(
      `voteWeight: durationSeconds must be a whole number of seconds <= ${MAX_DURATION_SECONDS}, got ${durationSeconds}`,
    );
  }
  return applyWeight(amount, voteWeightFactor(durationSeconds, autoStake, selfStake));
}

/**
 * new(big.Float).SetInt(amount).Mul(amount, big.NewFloat(weight)).Int(nil), exactly.
 * `amount` must be >= 0 and `weight` a positive finite double.
 */
export function applyWeight(amount: bigint, weight: number): bigint {
  if (amount === 0n) return 0n;
  // big.Float.SetInt gives precision max(64, bitlen); Mul rounds the exact product to it.
  const precision = Math.max(64, bitLength(amount));
  const { mantissa, exponent } = decompose(weight);
  const rounded = roundToPrecision(amount * mantissa, precision);
  const e = rounded.shift + exponent;
  // .Int(nil) truncates toward zero; everything here is positive.
  return e >= 0 ? rounded.mantissa << BigInt(e) : rounded.mantissa >> BigInt(-e);
}
