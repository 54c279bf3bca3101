import { describe, expect, it } from '@jest/globals';
import { countedVotes, supportThreshold, tally } from '../../server/lifecycle/index.js';
import type { Choice, LifecycleRules, VoteRecord } from '../../server/lifecycle/index.js';

// Expected values are written out, not recomputed with the formula under test.

const rules: LifecycleRules = {
  supportThresholdBps: 500,
  supportPeriodSeconds: 900,
  votingDelaySeconds: 120,
  votingPeriodSeconds: 600,
  quorumBps: 1000,
  passThresholdBps: 5000,
  majorityOf: 'for-against',
  quorumChoices: ['For', 'Against', 'Abstain'],
};

/** 1,000,000,000 IOTX and 7 wei: not a multiple of 10 000, so every share has to be rounded. */
const TOTAL = 1_000_000_000_000000000000000007n;
/** ceil(TOTAL × 10 %) */
const QUORUM = 100_000_000_000000000000000001n;
const TWO_POW_64 = 18_446744073709551616n;

const id = (n: number) => `0x${n.toString(16).padStart(64, '0')}`;
const voter = (digit: string) => `0x${digit.repeat(40)}`;
let nextId = 1;
function vote(choice: Choice, power: bigint, fields: Partial<VoteRecord> = {}): VoteRecord {
  const n = nextId++;
  return {
    id: id(n),
    voter: voter((n % 16).toString(16)),
    choice,
    power,
    timestamp: 1000,
    receivedAt: 1000,
    ...fields,
  };
}

describe('tally', () => {
  it('sums each choice exactly in bigint, far above 2^64', () => {
    const result = tally(
      [
        vote(1, 1180591620717411303425n), // 2^70 + 1
        vote(1, 3_000000_000000000000000000n),
        vote(2, 36893488147419103232n), // 2^65
        vote(3, 10_000000_000000000000000003n),
      ],
      TOTAL,
      rules,
    );
    expect(result.for).toBe(3001180591620717411303425n);
    expect(result.against).toBe(36893488147419103232n);
    expect(result.abstain).toBe(10000000000000000000000003n);
    expect(result.turnout).toBe(13001217485108864830406660n);
    expect(result.for).toBeGreaterThan(TWO_POW_64);
  });

  it('quorum is ceil(totalPower × quorumBps / 10000): 10^27 + 7 at 10% needs 10^26 + 1', () => {
    expect(tally([], TOTAL, rules).quorum).toBe(QUORUM);
    expect(tally([], 1_000_000_000_000000000000000000n, rules).quorum).toBe(100_000_000_000000000000000000n);
    expect(tally([], 1n, { ...rules, quorumBps: 1 }).quorum).toBe(1n);
  });

  it('quorum is not reached at quorum − 1 wei and is reached at exactly quorum', () => {
    const below = tally([vote(1, QUORUM - 1n)], TOTAL, rules);
    expect(below).toMatchObject({ turnout: QUORUM - 1n, quorum: QUORUM, quorumReached: false, passed: false });
    const at = tally([vote(1, QUORUM - 1n), vote(3, 1n)], TOTAL, rules);
    expect(at).toMatchObject({ turnout: QUORUM, quorum: QUORUM, quorumReached: true, passed: true });
  });

  it('quorumBps 0: the quorum is 0, reached with no votes, but nothing passes without a For majority', () => {
    expect(tally([], TOTAL, { ...rules, quorumBps: 0 })).toEqual({
      for: 0n,
      against: 0n,
      abstain: 0n,
      turnout: 0n,
      quorum: 0n,
      quorumReached: true,
      majorityReached: false,
      passed: false,
    });
    expect(tally([vote(1, 1n)], TOTAL, { ...rules, quorumBps: 0 }).passed).toBe(true);
  });

  it('totalPower 0: quorum 0 and support threshold 1 wei', () => {
    expect(tally([], 0n, rules)).toMatchObject({ quorum: 0n, quorumReached: true, passed: false });
    expect(supportThreshold(0n, rules)).toBe(1n);
  });

  it('simple majority: For equal to Against is not a majority, one wei more is', () => {
    const half = TWO_POW_64 * 1000n;
    expect(tally([vote(1, half), vote(2, half)], 0n, rules).majorityReached).toBe(false);
    expect(tally([vote(1, half + 1n), vote(2, half)], 0n, rules).majorityReached).toBe(true);
  });

  it('super-majority 6667: For at exactly 66.67% is not a majority, one wei above is', () => {
    const superMajority = { ...rules, passThresholdBps: 6667 };
    const unit = 100_000000_000000000000n; // 10^20 wei, so For + Against is far above 2^64
    const exactly = tally([vote(1, 6667n * unit), vote(2, 3333n * unit)], 0n, superMajority);
    expect(exactly).toMatchObject({ majorityReached: false, passed: false });
    const above = tally([vote(1, 6667n * unit + 1n), vote(2, 3333n * unit)], 0n, superMajority);
    expect(above).toMatchObject({ majorityReached: true, passed: true });
  });

  it('super-majority 6667: exactly two thirds is not enough', () => {
    // 2 / 3 = 66.666…% < 66.67%
    const result = tally([vote(1, 2n * TWO_POW_64), vote(2, TWO_POW_64)], 0n, { ...rules, passThresholdBps: 6667 });
    expect(result.majorityReached).toBe(false);
  });

  it('passThresholdBps 10000: nothing can pass, not even For alone', () => {
    const result = tally([vote(1, TOTAL)], TOTAL, { ...rules, passThresholdBps: 10000 });
    expect(result).toMatchObject({ quorumReached: true, majorityReached: false, passed: false });
  });

  it('no For or Against votes: no majority, even with quorum met by Abstain', () => {
    const result = tally([vote(3, TOTAL)], TOTAL, rules);
    expect(result).toMatchObject({ turnout: TOTAL, quorumReached: true, majorityReached: false, passed: false });
  });

  it('Abstain counts toward quorum but not toward the majority', () => {
    const result = tally([vote(1, 2n), vote(2, 1n), vote(3, QUORUM)], TOTAL, rules);
    expect(result).toMatchObject({ turnout: QUORUM + 3n, quorumReached: true, majorityReached: true, passed: true });
  });

  it('majorityOf all-votes: For must exceed half of every vote cast, Abstain included', () => {
    const allVotes = { ...rules, majorityOf: 'all-votes' as const };
    // For 5, Against 1, Abstain 4: a majority of For + Against, exactly half of all votes.
    const votes = [vote(1, 5n), vote(2, 1n), vote(3, 4n)];
    expect(tally(votes, 10n, rules).majorityReached).toBe(true);
    expect(tally(votes, 10n, allVotes).majorityReached).toBe(false);
    expect(tally([vote(1, 6n), vote(2, 1n), vote(3, 4n)], 10n, allVotes).majorityReached).toBe(true);
  });

  it('quorumChoices without Abstain: Abstain power does not count toward turnout', () => {
    const forAgainst = { ...rules, quorumChoices: ['For', 'Against'] as LifecycleRules['quorumChoices'] };
    const result = tally([vote(1, QUORUM - 2n), vote(2, 1n), vote(3, TOTAL)], TOTAL, forAgainst);
    expect(result).toMatchObject({ abstain: TOTAL, turnout: QUORUM - 1n, quorumReached: false, passed: false });
    const forOnly = tally([vote(1, QUORUM - 1n), vote(2, TOTAL)], TOTAL, { ...rules, quorumChoices: ['For'] });
    expect(forOnly).toMatchObject({ turnout: QUORUM - 1n, quorumReached: false });
  });

  it('passed needs both quorum and majority', () => {
    expect(tally([vote(1, QUORUM), vote(2, QUORUM)], TOTAL, rules)).toMatchObject({
      quorumReached: true,
      majorityReached: false,
      passed: false,
    });
    expect(tally([vote(1, 1n)], TOTAL, rules)).toMatchObject({
      quorumReached: false,
      majorityReached: true,
      passed: false,
    });
  });

  it('refuses an unknown choice and a negative total power', () => {
    expect(() => tally([vote(4 as Choice, 1n)], TOTAL, rules)).toThrow(RangeError);
    expect(() => tally([], -1n, rules)).toThrow(RangeError);
    expect(() => supportThreshold(-1n, rules)).toThrow(RangeError);
  });
});

describe('supportThreshold', () => {
  it('is ceil(totalPower × supportThresholdBps / 10000): 5% of 10^27 + 7 is 5·10^25 + 1', () => {
    expect(supportThreshold(TOTAL, rules)).toBe(50_000_000_000000000000000001n);
    expect(supportThreshold(1_000_000_000_000000000000000000n, rules)).toBe(50_000_000_000000000000000000n);
    expect(supportThreshold(1n, { ...rules, supportThresholdBps: 1 })).toBe(1n);
  });
});

describe('countedVotes', () => {
  const alice = '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const bob = '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

  it('the latest signed timestamp wins, whatever the log order', () => {
    const later = vote(1, 5n, { voter: alice, timestamp: 2000, receivedAt: 1500 });
    const earlier = vote(2, 5n, { voter: alice, timestamp: 1999, receivedAt: 1600 });
    expect(countedVotes([later, earlier])).toEqual([later]);
    expect(countedVotes([earlier, later])).toEqual([later]);
  });

  it('voters are compared case-insensitively', () => {
    const first = vote(1, 5n, { voter: '0xAbCdEf0000000000000000000000000000000001', timestamp: 1000 });
    const second = vote(2, 5n, { voter: '0xabcdef0000000000000000000000000000000001', timestamp: 1001 });
    expect(countedVotes([first, second])).toEqual([second]);
  });

  it('equal timestamps: the lower id wins, in either log order', () => {
    const low = vote(1, 5n, { id: id(0x10), voter: alice, timestamp: 1000 });
    const high = vote(2, 5n, { id: id(0x11), voter: alice, timestamp: 1000 });
    expect(countedVotes([low, high])).toEqual([low]);
    expect(countedVotes([high, low])).toEqual([low]);
  });

  it('ids are compared in lowercase: 0xa1… beats 0xB0…', () => {
    // Case-sensitive order would put "B" (0x42) before "a" (0x61).
    const a1 = vote(1, 5n, { id: `0xa1${'0'.repeat(62)}`, voter: alice, timestamp: 1000 });
    const b0 = vote(2, 5n, { id: `0xB0${'0'.repeat(62)}`, voter: alice, timestamp: 1000 });
    expect(countedVotes([b0, a1])).toEqual([a1]);
    expect(countedVotes([a1, b0])).toEqual([a1]);
  });

  it('one vote per voter, in the order each voter first appears', () => {
    const bob1 = vote(1, 1n, { voter: bob, timestamp: 1000 });
    const alice1 = vote(2, 2n, { voter: alice, timestamp: 1000 });
    const bob2 = vote(3, 3n, { voter: bob, timestamp: 1001 });
    expect(countedVotes([bob1, alice1, bob2])).toEqual([bob2, alice1]);
    expect(countedVotes([])).toEqual([]);
  });
});
