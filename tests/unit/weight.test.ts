import { describe, expect, it } from '@jest/globals';
import { applyWeight, goLog, roundToPrecision, voteWeight, voteWeightFactor } from '../../server/power/weight.js';

import { voteWeightVectors, type VoteWeightVector as Vector } from '../support/fixtures.js';

const vectors = voteWeightVectors();

const DAY = 86400;

function bitsOf(x: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getBigUint64(0).toString(16);
}

// The same pipeline with V8's Math.log in place of Go's amd64 log.
function naiveVotes(v: Vector): bigint {
  return applyWeight(BigInt(v.amount), voteWeightFactor(v.durationSeconds, v.autoStake, v.selfStake, Math.log));
}

describe('voteWeight against chain vectors', () => {
  it('loads the chain’s vectors (tests/fixtures/iotex)', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it('matches every vector to the wei', () => {
    const failures = vectors
      .map((v) => ({
        ...v,
        got: voteWeight(BigInt(v.amount), v.durationSeconds, v.autoStake, v.selfStake).toString(),
      }))
      .filter((r) => r.got !== r.votes);
    expect(failures).toEqual([]);
  });

  it('differs from a Math.log port on at least one vector (so the Go log port matters)', () => {
    const differing = vectors.filter((v) => naiveVotes(v).toString() !== v.votes);
    expect(differing.length).toBeGreaterThan(0);
    for (const v of differing) {
      expect(voteWeight(BigInt(v.amount), v.durationSeconds, v.autoStake, v.selfStake).toString()).toBe(v.votes);
    }
  });
});

describe('goLog (Go math/log_amd64.s)', () => {
  it('differs from V8 Math.log by one ulp at 185', () => {
    // ln(185) is what a 185-day, non-auto-stake bucket uses.
    // Bits pinned by the chain vector below; V8 rounds to the next double up.
    expect(bitsOf(goLog(185))).toBe('4014e1a4f518c72b');
    expect(BigInt('0x' + bitsOf(Math.log(185))) - BigInt('0x' + bitsOf(goLog(185)))).toBe(1n);
  });

  it('gives the chain result for a 185-day bucket where Math.log does not', () => {
    const v: Vector = {
      amount: '113119171943157659784168151226911944',
      durationSeconds: 15929977, // ceil(/86400) = 185 days
      autoStake: false,
      selfStake: false,
      votes: '145508228869040604396472237710419683',
    };
    expect(voteWeight(BigInt(v.amount), v.durationSeconds, v.autoStake, v.selfStake).toString()).toBe(v.votes);
    expect(naiveVotes(v).toString()).not.toBe(v.votes);
  });

  it('stays within one ulp of Math.log and handles special cases', () => {
    for (let i = 1; i <= 5000; i++) {
      const a = goLog(i);
      const b = Math.log(i);
      expect(Math.abs(a - b)).toBeLessThanOrEqual(Number.EPSILON * Math.max(1, Math.abs(b)));
    }
    expect(goLog(1)).toBe(0);
    expect(goLog(0)).toBe(-Infinity);
    expect(goLog(-1)).toBeNaN();
    expect(goLog(NaN)).toBeNaN();
    expect(goLog(Infinity)).toBe(Infinity);
  });
});

describe('big.Float multiplication', () => {
  it('is not Number(amount) * weight', () => {
    const amount = 7652073000000000000000000n;
    const expected = 8233903576554702323850865n; // chain vector: 86401 s, auto-stake, self-stake
    const weight = voteWeightFactor(86401, true, true);
    expect(BigInt(Math.floor(Number(amount) * weight))).not.toBe(expected);
    expect(voteWeight(amount, 86401, true, true)).toBe(expected);
  });

  it('rounds the product to max(64, bitlen(amount)) bits before truncating', () => {
    const amount = 3119658000000000000000000n; // 82 bits
    const expected = 3238260659226688607271516n; // chain vector: 86399 s, auto-stake
    const weight = voteWeightFactor(86399, true, false);
    // Exact floor(amount * weight) is one wei short: the chain rounds up at 82 bits first.
    const view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, weight);
    const bits = view.getBigUint64(0);
    const mantissa = (bits & 0xfffffffffffffn) | (1n << 52n);
    const exponent = Number((bits >> 52n) & 0x7ffn) - 1075;
    expect(exponent).toBeLessThan(0);
    expect((amount * mantissa) >> BigInt(-exponent)).toBe(expected - 1n);
    expect(voteWeight(amount, 86399, true, false)).toBe(expected);
  });

  it('roundToPrecision rounds half to even', () => {
    expect(roundToPrecision(0b1011n, 2)).toEqual({ mantissa: 0b11n, shift: 2 }); // above half: up
    expect(roundToPrecision(0b1010n, 2)).toEqual({ mantissa: 0b10n, shift: 2 }); // tie, even: stays
    expect(roundToPrecision(0b1110n, 2)).toEqual({
      mantissa: 0b100n,
      shift: 2,
    }); // tie, odd: up (carry)
    expect(roundToPrecision(0b1001n, 2)).toEqual({ mantissa: 0b10n, shift: 2 }); // below half: down
    expect(roundToPrecision(5n, 64)).toEqual({ mantissa: 5n, shift: 0 });
  });
});

describe('edge cases', () => {
  it('amount 0 gives 0 votes', () => {
    expect(voteWeight(0n, 0, false, false)).toBe(0n);
    expect(voteWeight(0n, 365 * DAY, true, true)).toBe(0n);
  });

  it('duration 0 gives weight exactly 1', () => {
    const amount = 123456789012345678901234567890123n;
    expect(voteWeightFactor(0, true, true)).toBe(1);
    expect(voteWeight(amount, 0, true, true)).toBe(amount);
    expect(voteWeight(amount, 0, false, false)).toBe(amount);
  });

  it('any part of a day counts as a whole day', () => {
    // 1 s -> 1 day -> ln(1) = 0 without auto-stake; ln(2) with it.
    expect(voteWeight(10n ** 24n, 1, false, false)).toBe(10n ** 24n);
    expect(voteWeight(10n ** 24n, 1, true, false)).toBe(voteWeight(10n ** 24n, DAY, true, false));
    expect(voteWeight(10n ** 24n, DAY + 1, false, false)).toBe(voteWeight(10n ** 24n, 2 * DAY, false, false));
  });

  it('self-stake bonus needs auto-stake and a duration of at least 91 days (not 91 rounded-up days)', () => {
    const amount = 1_000_000n * 10n ** 18n;
    const below = 91 * DAY - 1; // ceil -> 91 days, but Duration < 91*24h
    const at = 91 * DAY;
    expect(voteWeight(amount, below, true, true)).toBe(voteWeight(amount, below, true, false));
    expect(voteWeight(amount, at, true, true)).toBeGreaterThan(voteWeight(amount, at, true, false));
    expect(voteWeightFactor(at, true, true)).toBe(voteWeightFactor(at, true, false) * 1.06);
    expect(voteWeight(amount, at, false, true)).toBe(voteWeight(amount, at, false, false));
    expect(voteWeight(amount, 365 * DAY, false, true)).toBe(voteWeight(amount, 365 * DAY, false, false));
  });

  it('rejects invalid input with RangeError', () => {
    expect(() => voteWeight(-1n, DAY, false, false)).toThrow(RangeError);
    expect(() => voteWeight(1n, -1, false, false)).toThrow(RangeError);
    expect(() => voteWeight(1n, NaN, false, false)).toThrow(RangeError);
    expect(() => voteWeight(1n, Infinity, false, false)).toThrow(RangeError);
    expect(() => voteWeight(1n, 1.5, false, false)).toThrow(RangeError);
    expect(() => voteWeight(1n, 1e10, false, false)).toThrow(RangeError); // beyond int64 nanoseconds
  });
});
