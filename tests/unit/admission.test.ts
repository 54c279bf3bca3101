// The admission rules (server/lifecycle/admission.ts), which ingest applies before it appends and the
// audit applies to every entry of a log it rebuilt. Times and powers are literals.
import { describe, expect, it } from '@jest/globals';
import {
  admit,
  checkSnapshotAge,
  checkTimestamp,
  receivedTime,
  recordArrival,
  type Arrival,
  type ProposalLedger,
} from '../../server/lifecycle/admission.js';
import { MessageError } from '../../server/messages/errors.js';
import { logRefusals, type LoggedMessage } from '../../server/audit/replay.js';

const C = 1_700_000_000; // the proposal was received
const AUTHOR = '0x00000000000000000000000000000000000000a1';
const ADMIN = '0x00000000000000000000000000000000000000ad';
const VOTER = '0x00000000000000000000000000000000000000b1';

const ledger: ProposalLedger = {
  space: 'test',
  snapshot: 100,
  facts: { kind: 'policy', createdAt: C, totalPower: 1000n },
  rules: {
    supportThresholdBps: 1000, // 100 of 1000
    supportPeriodSeconds: 600,
    votingDelaySeconds: 60,
    votingPeriodSeconds: 600,
    quorumBps: 1000,
    passThresholdBps: 5000,
    majorityOf: 'for-against',
    quorumChoices: ['For', 'Against', 'Abstain'],
  },
  author: AUTHOR,
  admins: [ADMIN],
  supports: [],
  votes: [],
};

const arrival = (over: Partial<Arrival>): Arrival => ({
  primaryType: 'Support',
  from: VOTER,
  space: 'test',
  timestamp: C + 10,
  receivedAt: C + 10,
  power: 50n,
  ...over,
});

/** The code admit refuses with, or 'admitted'. */
function verdict(state: ProposalLedger, message: Arrival): string {
  try {
    admit(state, message);
    return 'admitted';
  } catch (error) {
    if (error instanceof MessageError) return error.code;
    throw error;
  }
}

describe('admission rules', () => {
  it('one support per supporter, with power, while Pending, inside the support window', () => {
    expect(verdict(ledger, arrival({}))).toBe('admitted');
    const supported = recordArrival(ledger, { ...arrival({}), id: '0x01' });
    expect(verdict(supported, arrival({ timestamp: C + 20, receivedAt: C + 20 }))).toBe('already_supported');
    expect(verdict(ledger, arrival({ power: 0n }))).toBe('no_power');
    expect(verdict(ledger, arrival({ timestamp: C - 1 }))).toBe('outside_window');
    expect(verdict(ledger, arrival({ receivedAt: C + 600, timestamp: C + 599 }))).toBe('wrong_phase'); // Expired
    expect(verdict(ledger, arrival({ space: 'other' }))).toBe('wrong_space');
  });

  it('votes only while Voting: from the voting delay after support reached the threshold', () => {
    // 100 of 1000 reached at C + 10: voting runs [C + 70, C + 670).
    const supported = recordArrival(ledger, { ...arrival({ power: 100n }), id: '0x01' });
    const vote = (t: number) => arrival({ primaryType: 'Vote', timestamp: t, receivedAt: t });
    expect(verdict(supported, vote(C + 69))).toBe('wrong_phase');
    expect(verdict(supported, vote(C + 70))).toBe('admitted');
    expect(verdict(supported, vote(C + 669))).toBe('admitted');
    expect(verdict(supported, vote(C + 670))).toBe('wrong_phase');
    expect(verdict(supported, { ...vote(C + 100), power: 0n })).toBe('no_power');
  });

  it('cancel only by the author while Pending; MarkActioned only by an admin the rules name, once Confirmed', () => {
    expect(verdict(ledger, arrival({ primaryType: 'CancelProposal', from: VOTER, power: 0n }))).toBe('not_author');
    expect(verdict(ledger, arrival({ primaryType: 'CancelProposal', from: AUTHOR, power: 0n }))).toBe('admitted');
    const mark = (from: string) => arrival({ primaryType: 'MarkActioned', from, power: 0n });
    expect(verdict(ledger, mark(VOTER))).toBe('not_admin');
    expect(verdict(ledger, mark(ADMIN))).toBe('wrong_phase'); // Pending, not Confirmed
  });

  it('a signed timestamp at most 300 s ahead; times received never decrease; the snapshot age', () => {
    expect(() => checkTimestamp(C + 300, C)).not.toThrow();
    expect(() => checkTimestamp(C + 301, C)).toThrow(/more than 300 s ahead/);
    expect(receivedTime(C, C + 5)).toBe(C + 5);
    expect(receivedTime(C + 6, C + 5)).toBe(C + 6);
    expect(() => checkSnapshotAge(100, { low: 200, high: 200 }, 100)).not.toThrow();
    expect(() => checkSnapshotAge(100, { low: 201, high: 201 }, 100)).toThrow(/101 blocks below the head/);
    expect(() => checkSnapshotAge(201, { low: 190, high: 200 }, 100)).toThrow(/ahead of the chain's head \(200\)/);
    // An auditor knows the head only as a range: the low end decides the age, the high end the future.
    expect(() => checkSnapshotAge(200, { low: 150, high: 200 }, 50)).not.toThrow();
  });
});

describe('log-wide rules, as the audit replays them', () => {
  const logged = (sequence: number, over: { space?: string; receivedAt?: number; id?: string; timestamp?: number }) =>
    ({
      primaryType: 'Support',
      message: {
        from: VOTER,
        space: over.space ?? 'test',
        timestamp: over.timestamp ?? C,
        proposal: `0x${'ab'.repeat(32)}`,
      },
      entry: {
        sequence,
        id: over.id ?? `0x${sequence.toString(16).padStart(64, '0')}`,
        cid: 'b',
        receivedAt: over.receivedAt ?? C,
      },
    }) as LoggedMessage;

  it('names each entry ingest would have refused, with its sequence and code', () => {
    const refusals = logRefusals('test', [
      logged(1, {}),
      logged(2, { receivedAt: C - 1 }),
      logged(3, { id: `0x${'1'.padStart(64, '0')}` }),
      logged(4, { space: 'other' }),
      logged(5, { timestamp: C + 301 }),
      logged(6, { receivedAt: C + 1 }),
    ]);
    expect(refusals.map((r) => [r.sequence, r.code])).toEqual([
      [2, 'received_out_of_order'],
      [3, 'duplicate'],
      [4, 'wrong_space'],
      [5, 'timestamp_in_future'],
    ]);
  });
});
