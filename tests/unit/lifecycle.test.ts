import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  countsIn,
  inWindow,
  proposalStatus,
  supportReachedAt,
  supportWindow,
  votingWindow,
} from '../../server/lifecycle/index.js';
import type { Choice, LifecycleRules, ProposalFacts, SupportRecord, VoteRecord } from '../../server/lifecycle/index.js';

// One proposal, with every time written out: expected values are literals, not the formulas under test.

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

const C = 1_700_000_000; // createdAt
const SUPPORT_END = C + 900;
/** 1,000,000,000 IOTX and 7 wei, far above 2^64. */
const TOTAL = 1_000_000_000_000000000000000007n;
/** ceil(TOTAL × 5 %) */
const THRESHOLD = 50_000_000_000000000000000001n;
/** ceil(TOTAL × 10 %) */
const QUORUM = 100_000_000_000000000000000001n;

const facts: ProposalFacts = { kind: 'technical', createdAt: C, totalPower: TOTAL };

const support = (power: bigint, receivedAt: number, timestamp = receivedAt): SupportRecord => ({
  power,
  timestamp,
  receivedAt,
});

// Support reaches the threshold with the second record, received at C + 100 (signed at C + 99).
const SUPPORTED = C + 100;
const supports = [support(THRESHOLD - 1n, C + 10), support(1n, SUPPORTED, C + 99), support(5n, C + 200)];
const VOTING_START = SUPPORTED + 120;
const VOTING_END = VOTING_START + 600;

const alice = '0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const ALICE_MIXED_CASE = '0xAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaaAAAAaaaa';
const bob = '0xbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const carol = '0xcccccccccccccccccccccccccccccccccccccccc';
let nextId = 1;
function vote(voter: string, choice: Choice, power: bigint, receivedAt: number, timestamp = receivedAt): VoteRecord {
  return { id: `0x${(nextId++).toString(16).padStart(64, '0')}`, voter, choice, power, timestamp, receivedAt };
}

describe('windows', () => {
  it('supportWindow is [createdAt, createdAt + supportPeriodSeconds)', () => {
    expect(supportWindow(facts, rules)).toEqual({ start: C, end: SUPPORT_END });
  });

  it('votingWindow opens votingDelaySeconds after support and lasts votingPeriodSeconds', () => {
    expect(votingWindow(SUPPORTED, rules)).toEqual({ start: C + 220, end: C + 820 });
    expect(votingWindow(SUPPORTED, { ...rules, votingDelaySeconds: 0 })).toEqual({ start: C + 100, end: C + 700 });
  });

  it('inWindow includes the start and excludes the end', () => {
    const window = { start: 100, end: 200 };
    expect([99, 100, 199, 200].map((t) => inWindow(window, t))).toEqual([false, true, true, false]);
  });

  it('countsIn needs both the signed timestamp and the received time inside the window', () => {
    const window = { start: 100, end: 200 };
    expect(countsIn(window, { timestamp: 100, receivedAt: 199 })).toBe(true);
    expect(countsIn(window, { timestamp: 199, receivedAt: 200 })).toBe(false); // signed inside, received late
    expect(countsIn(window, { timestamp: 99, receivedAt: 100 })).toBe(false); // signed before, received inside
    expect(countsIn(window, { timestamp: 200, receivedAt: 150 })).toBe(false); // signed after the end
  });
});

describe('supportReachedAt', () => {
  it('support exactly at the threshold reaches it, one wei less does not', () => {
    expect(supportReachedAt(facts, rules, [support(THRESHOLD, C + 5)])).toBe(C + 5);
    expect(supportReachedAt(facts, rules, [support(THRESHOLD - 1n, C + 5)])).toBeUndefined();
  });

  it('is the receivedAt of the support that crossed the threshold, not its signed timestamp', () => {
    expect(supportReachedAt(facts, rules, supports)).toBe(SUPPORTED);
  });

  it('support received at support end − 1 counts', () => {
    expect(supportReachedAt(facts, rules, [support(THRESHOLD, SUPPORT_END - 1)])).toBe(SUPPORT_END - 1);
  });

  it('a support signed inside but received at the support end does not count', () => {
    const late = [support(THRESHOLD - 1n, C + 10), support(1n, SUPPORT_END, SUPPORT_END - 1)];
    expect(supportReachedAt(facts, rules, late)).toBeUndefined();
  });

  it('a support signed before createdAt does not count, even received inside', () => {
    expect(supportReachedAt(facts, rules, [support(THRESHOLD, C, C - 1)])).toBeUndefined();
  });

  it('support received at or after canceledAt does not count', () => {
    const canceled = { ...facts, canceledAt: C + 50 };
    expect(supportReachedAt(canceled, rules, [support(THRESHOLD, C + 49)])).toBe(C + 49);
    expect(supportReachedAt(canceled, rules, [support(THRESHOLD, C + 50, C + 10)])).toBeUndefined();
  });
});

describe('proposalStatus', () => {
  const status = (now: number, votes: VoteRecord[] = [], overrides: Partial<ProposalFacts> = {}, r = rules) =>
    proposalStatus({ ...facts, ...overrides }, r, supports, votes, now);

  it('Pending until support end − 1, Expired at support end', () => {
    const few = [support(THRESHOLD - 1n, C + 10)];
    expect(proposalStatus(facts, rules, few, [], C)).toMatchObject({ state: 'Pending', supportPower: 0n });
    expect(proposalStatus(facts, rules, few, [], SUPPORT_END - 1)).toEqual({
      state: 'Pending',
      supportWindow: { start: C, end: SUPPORT_END },
      supportThreshold: THRESHOLD,
      supportPower: THRESHOLD - 1n,
    });
    expect(proposalStatus(facts, rules, few, [], SUPPORT_END)).toEqual({
      state: 'Expired',
      supportWindow: { start: C, end: SUPPORT_END },
      supportThreshold: THRESHOLD,
      supportPower: THRESHOLD - 1n,
    });
  });

  it('Supported from the receivedAt of the crossing support; records received after now are ignored', () => {
    expect(status(SUPPORTED - 1)).toEqual({
      state: 'Pending',
      supportWindow: { start: C, end: SUPPORT_END },
      supportThreshold: THRESHOLD,
      supportPower: THRESHOLD - 1n,
    });
    expect(status(SUPPORTED)).toEqual({
      state: 'Supported',
      supportWindow: { start: C, end: SUPPORT_END },
      supportThreshold: THRESHOLD,
      supportPower: THRESHOLD,
      supportedAt: SUPPORTED,
      votingWindow: { start: VOTING_START, end: VOTING_END },
    });
  });

  it('supportPower stops at the support that reached the threshold', () => {
    // The third support (5 wei at C + 200) came after support closed.
    expect(status(C + 300).supportPower).toBe(THRESHOLD);
  });

  it('Supported until voting start − 1, Voting at voting start', () => {
    expect(status(VOTING_START - 1).state).toBe('Supported');
    expect(status(VOTING_START - 1).tally).toBeUndefined();
    expect(status(VOTING_START)).toMatchObject({ state: 'Voting', tally: { for: 0n, turnout: 0n, passed: false } });
  });

  it('votingDelaySeconds 0: Voting from the moment support is reached', () => {
    const noDelay = { ...rules, votingDelaySeconds: 0 };
    expect(status(SUPPORTED - 1, [], {}, noDelay).state).toBe('Pending');
    expect(status(SUPPORTED, [], {}, noDelay)).toMatchObject({
      state: 'Voting',
      votingWindow: { start: SUPPORTED, end: SUPPORTED + 600 },
    });
  });

  it('Voting until voting end − 1, Passed or Rejected at voting end', () => {
    const votes = [vote(alice, 1, QUORUM, VOTING_START)];
    expect(status(VOTING_END - 1, votes)).toMatchObject({ state: 'Voting', tally: { passed: true } });
    expect(status(VOTING_END, votes)).toEqual({
      state: 'Passed',
      supportWindow: { start: C, end: SUPPORT_END },
      supportThreshold: THRESHOLD,
      supportPower: THRESHOLD,
      supportedAt: SUPPORTED,
      votingWindow: { start: VOTING_START, end: VOTING_END },
      tally: {
        for: QUORUM,
        against: 0n,
        abstain: 0n,
        turnout: QUORUM,
        quorum: QUORUM,
        quorumReached: true,
        majorityReached: true,
        passed: true,
      },
    });
    expect(status(VOTING_END, []).state).toBe('Rejected');
  });

  it('a vote signed inside but received at voting end does not count; received at end − 1 it does', () => {
    const late = [vote(alice, 1, QUORUM, VOTING_END, VOTING_END - 1)];
    expect(status(VOTING_END, late)).toMatchObject({ state: 'Rejected', tally: { for: 0n } });
    const justInTime = [vote(alice, 1, QUORUM, VOTING_END - 1, VOTING_END - 1)];
    expect(status(VOTING_END, justInTime)).toMatchObject({ state: 'Passed', tally: { for: QUORUM } });
  });

  it('a vote signed before voting start does not count, even received inside', () => {
    const early = [vote(alice, 1, QUORUM, VOTING_START, VOTING_START - 1)];
    expect(status(VOTING_END, early)).toMatchObject({ state: 'Rejected', tally: { for: 0n } });
  });

  it('while Voting, the tally counts only votes received by now', () => {
    const votes = [vote(alice, 1, 7n, VOTING_START + 10), vote(bob, 2, 3n, VOTING_START + 20)];
    expect(status(VOTING_START + 10, votes).tally).toMatchObject({ for: 7n, against: 0n });
    expect(status(VOTING_START + 20, votes).tally).toMatchObject({ for: 7n, against: 3n });
  });

  it('a voter who votes again: the later signed vote counts; equal timestamps go to the lower id', () => {
    const changed = [vote(alice, 2, QUORUM, VOTING_START), vote(ALICE_MIXED_CASE, 1, QUORUM, VOTING_START + 1)];
    expect(status(VOTING_END, changed)).toMatchObject({ state: 'Passed', tally: { for: QUORUM, against: 0n } });
    const t = VOTING_START + 5;
    const lowFor = { ...vote(alice, 1, QUORUM, t), id: `0x${'0'.repeat(63)}1` };
    const highAgainst = { ...vote(alice, 2, QUORUM, t + 1, t), id: `0x${'0'.repeat(63)}2` };
    expect(status(VOTING_END, [highAgainst, lowFor])).toMatchObject({ state: 'Passed', tally: { against: 0n } });
  });

  it('a vote received after the window does not replace the voter’s vote inside it', () => {
    const votes = [vote(alice, 1, QUORUM, VOTING_START), vote(alice, 2, QUORUM, VOTING_END, VOTING_END - 1)];
    expect(status(VOTING_END + 1, votes)).toMatchObject({ state: 'Passed', tally: { for: QUORUM, against: 0n } });
  });

  it('Rejected one wei below quorum, Passed at exactly quorum', () => {
    const below = [vote(alice, 1, QUORUM - 2n, VOTING_START), vote(bob, 3, 1n, VOTING_START)];
    expect(status(VOTING_END, below)).toMatchObject({
      state: 'Rejected',
      tally: { turnout: QUORUM - 1n, quorumReached: false },
    });
    const at = [...below, vote(carol, 2, 1n, VOTING_START)];
    expect(status(VOTING_END, at)).toMatchObject({ state: 'Passed', tally: { turnout: QUORUM, quorumReached: true } });
  });

  it('Rejected when For equals Against, Passed with one wei more For', () => {
    const tie = [vote(alice, 1, QUORUM, VOTING_START), vote(bob, 2, QUORUM, VOTING_START)];
    expect(status(VOTING_END, tie).state).toBe('Rejected');
    const more = [vote(alice, 1, QUORUM + 1n, VOTING_START), vote(bob, 2, QUORUM, VOTING_START)];
    expect(status(VOTING_END, more).state).toBe('Passed');
  });

  it('technical: Passed, then Queued at queuedAt, then Executed at executedAt', () => {
    const votes = [vote(alice, 1, QUORUM, VOTING_START)];
    const times = { queuedAt: VOTING_END + 50, executedAt: VOTING_END + 100, confirmedAt: VOTING_END };
    expect(status(VOTING_END + 49, votes, times).state).toBe('Passed'); // confirmedAt is for policy
    expect(status(VOTING_END + 50, votes, times).state).toBe('Queued');
    expect(status(VOTING_END + 99, votes, times).state).toBe('Queued');
    expect(status(VOTING_END + 100, votes, times).state).toBe('Executed');
  });

  it('policy: Passed, then Confirmed at confirmedAt; queue and execution times are ignored', () => {
    const votes = [vote(alice, 1, QUORUM, VOTING_START)];
    const policy = {
      kind: 'policy' as const,
      confirmedAt: VOTING_END + 10,
      queuedAt: VOTING_END,
      executedAt: VOTING_END,
    };
    expect(status(VOTING_END + 9, votes, policy).state).toBe('Passed');
    expect(status(VOTING_END + 10, votes, policy).state).toBe('Confirmed');
  });

  it('Rejected stays Rejected whatever queue, execution or confirmation times say', () => {
    const times = { queuedAt: VOTING_END, executedAt: VOTING_END, confirmedAt: VOTING_END };
    expect(status(VOTING_END + 1, [], times).state).toBe('Rejected');
    expect(status(VOTING_END + 1, [], { ...times, kind: 'policy' }).state).toBe('Rejected');
  });

  it('Canceled from canceledAt on, Pending before; support received at or after the cancel is not counted', () => {
    const cancel = { canceledAt: C + 100 };
    expect(status(C + 99, [], cancel)).toMatchObject({ state: 'Pending', supportPower: THRESHOLD - 1n });
    // The crossing support was received at C + 100, the same second as the cancel: it does not count.
    expect(status(C + 100, [], cancel)).toEqual({
      state: 'Canceled',
      supportWindow: { start: C, end: SUPPORT_END },
      supportThreshold: THRESHOLD,
      supportPower: THRESHOLD - 1n,
    });
    expect(status(VOTING_END + 1, [vote(alice, 1, QUORUM, VOTING_START)], cancel).state).toBe('Canceled');
  });

  it('totalPower 0: the support threshold is 1 wei, so zero-power support never reaches it', () => {
    const empty = { ...facts, totalPower: 0n };
    const zero = [support(0n, C + 1), support(0n, C + 2)];
    expect(proposalStatus(empty, rules, zero, [], SUPPORT_END - 1)).toMatchObject({
      state: 'Pending',
      supportThreshold: 1n,
      supportPower: 0n,
    });
    expect(proposalStatus(empty, rules, zero, [], SUPPORT_END).state).toBe('Expired');
  });

  it('evaluating at earlier times reproduces the history', () => {
    const votes = [vote(alice, 1, QUORUM, VOTING_START + 1)];
    const times = { queuedAt: VOTING_END + 50, executedAt: VOTING_END + 100 };
    const history = [C, SUPPORTED - 1, SUPPORTED, VOTING_START - 1, VOTING_START, VOTING_START + 1, VOTING_END - 1]
      .concat([VOTING_END, VOTING_END + 49, VOTING_END + 50, VOTING_END + 99, VOTING_END + 100])
      .map((now) => [now - C, status(now, votes, times).state]);
    expect(history).toEqual([
      [0, 'Pending'],
      [99, 'Pending'],
      [100, 'Supported'],
      [219, 'Supported'],
      [220, 'Voting'],
      [221, 'Voting'],
      [819, 'Voting'],
      [820, 'Passed'],
      [869, 'Passed'],
      [870, 'Queued'],
      [919, 'Queued'],
      [920, 'Executed'],
    ]);
  });
});

describe('docs/lifecycle.md', () => {
  it('every boundary case names a test that exists', () => {
    const read = (relative: string) => readFileSync(fileURLToPath(new URL(relative, import.meta.url)), 'utf8');
    const doc = read('../../docs/lifecycle.md');
    const cited = [...doc.matchAll(/`(\w+\.test\.ts)` › `([^`]+)`/g)];
    expect(cited.length).toBeGreaterThan(20);
    const missing = cited.filter(([, file, name]) => !read(`./${file}`).includes(`'${name}'`));
    expect(missing.map(([citation]) => citation)).toEqual([]);
  });
});
