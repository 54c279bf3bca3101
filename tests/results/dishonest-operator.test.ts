import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { connectLogAnchor, readAnchors, sendAnchor } from '../../server/anchor/contract.js';
import { ANCHOR_CLOCK_TOLERANCE_SECONDS } from '../../server/audit/anchors.js';
import { auditProposal, type AuditReport } from '../../server/audit/audit.js';
import { gatewaySource } from '../../server/audit/source.js';
import type { Receipt } from '../../server/ingest/receipts.js';
import { pinPass } from '../../server/ipfs/pin-worker.js';
import type { PrimaryType } from '../../server/messages/types.js';
import { spaceRules } from '../../server/spaces/rules.js';
import { LOCAL_ANCHOR_SENDER, LOCAL_LOG_ANCHOR_ADDRESS } from '../../scripts/lib/log-anchor.js';
import { devWallet, proposalMessage, signWithEthers, type Json } from '../support/signing.js';
import { ANCHORED_TEST_SPACE, startTestStack, TEST_SPACE, type TestStack } from '../support/stack.js';
import {
  appendToLog,
  operatorReceiptSigner,
  passWithoutAnchoring,
  rechain,
  repinLog,
  swapEntries,
  swappingGateway,
} from '../support/tamper.js';
import { publishedRules } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

// A dishonest operator: it controls the database and what the service pins, signs with the service's
// receipt key and may send anchors from any key but the anchor sender its spaces' rules name (what
// that sender anchored stays on chain, and it does not anchor a rewrite). For each manipulation the
// scheduler writes the result, the audit runs, and it must fail (report.ok false) and say what it
// found. Every expected state, number and message below is worked out by hand from the scenario.
//
// Power at the snapshot (scripts/lib/demo-stake.ts): large ~643k is over the 10 % quorum alone;
// medium ~137k is over the 1 % support threshold and under the quorum; small has exactly 10,000 IOTX
// staked for 0 days (weight 1), under both. Each test has a space of its own, so a log of its own:
// the proposal is entry 1, the first support entry 2, the votes entries 3, 4, 5.

const CHAIN_ID = 31337;
const whale = devWallet(0);
const large = devWallet(1);
const medium = devWallet(2);
const small = devWallet(3);
/** The receipt key the operator claims it rotated to. */
const ROTATED_KEY = devWallet(15).address;
/** A key the operator controls, other than the anchor sender the rules name. */
const otherSender = devWallet(16);
const SMALL_POWER = 10_000n * 10n ** 18n;
const WORD = '0x[0-9a-f]{64}';

const ANCHORED = [
  'op-rules-db',
  'op-rules-result',
  'op-late',
  'op-late-rechained',
  'op-dup-support',
  'op-truncated',
  'op-reordered',
  'op-other-sender',
  'op-rotated',
  'op-rotated-early',
  'op-swapped-doc',
  'op-late-after-close',
  'op-malformed',
  'op-closed-late',
];
const UNANCHORED = 'op-unanchored';
/** A space whose rules say its log is anchored every minute. */
const EVERY_MINUTE = 'op-held-back';
const SPACES = [
  ...ANCHORED.map((id) => ({ ...ANCHORED_TEST_SPACE, id })),
  { ...ANCHORED_TEST_SPACE, id: EVERY_MINUTE, anchor: { ...ANCHORED_TEST_SPACE.anchor!, intervalSeconds: 60 } },
  { ...TEST_SPACE, id: UNANCHORED }, // TEST_SPACE names no anchor
];

let stack: TestStack;
const scratch = tempDir('dishonest');
const api = () => request(stack.service.url);
const db = () => stack.service.db.client;
const advance = (seconds: number) => stack.advance(seconds);
let titles = 0;

type Accepted = { id: string; cid: string; receipt: Receipt };

function sign(wallet: ReturnType<typeof devWallet>, primaryType: PrimaryType, fields: Json, space: string) {
  return signWithEthers(wallet, CHAIN_ID, primaryType, {
    from: wallet.address,
    space,
    timestamp: stack.clock.now,
    ...fields,
  });
}

async function send(wallet: ReturnType<typeof devWallet>, primaryType: PrimaryType, fields: Json, space: string) {
  const res = await api()
    .post('/api/messages')
    .send(await sign(wallet, primaryType, fields, space));
  expect(res.status).toBe(200);
  return res.body as Accepted;
}

const vote = (wallet: ReturnType<typeof devWallet>, proposal: string, choice: 1 | 2 | 3, space: string) =>
  send(wallet, 'Vote', { proposal, choice, reason: '' }, space);

async function propose(space: string): Promise<Accepted> {
  const message = proposalMessage(whale.address, {
    space,
    rules: spaceRules(stack.service.spaces.get(space)!).digest,
    timestamp: stack.clock.now,
    snapshot: stack.snapshot,
    title: `Operator ${++titles}`,
  });
  const envelope = await signWithEthers(whale, CHAIN_ID, 'Proposal', message);
  return (await api().post('/api/messages').send(envelope).expect(200)).body as Accepted;
}

/** Proposed, supported past the threshold by medium (entry 2), and the vote open: [start, end). */
async function toVoting(space: string) {
  const proposal = await propose(space);
  const supportedAt = stack.clock.now;
  const support = await send(medium, 'Support', { proposal: proposal.id }, space);
  await advance(TEST_SPACE.votingDelaySeconds);
  const votingEnd = supportedAt + TEST_SPACE.votingDelaySeconds + TEST_SPACE.votingPeriodSeconds;
  return { id: proposal.id, proposal, support, votingEnd };
}

const passes = () => stack.service.schedulerPass();
const pins = () => pinPass(stack.service.db, stack.service.ipfs, () => stack.clock.now * 1000);

async function resultOf(id: string) {
  const { result } = (await api().get(`/api/proposals/${id}`).expect(200)).body as {
    result: { cid: string; state: string } | null;
  };
  expect(result).not.toBeNull();
  return result!;
}

async function audit(id: string, resultCid: string, receipt?: Receipt): Promise<AuditReport> {
  return auditProposal({
    proposalId: id,
    resultCid,
    expectedRules: await publishedRules(stack.service.url, id),
    source: gatewaySource(stack.service.url),
    rpcUrl: stack.chain.url,
    scratchDir: scratch.path,
    ...(receipt ? { receipt } : {}),
  });
}

/** Runs the service's scheduler and pin worker, then audits the result the scheduler wrote. */
async function settleAndAudit(id: string, receipt?: Receipt) {
  // The result is written once the anchor that closes the outcome is made, a clock tolerance later.
  await advance(ANCHOR_CLOCK_TOLERANCE_SECONDS);
  await passes();
  await pins();
  const result = await resultOf(id);
  return { result, report: await audit(id, result.cid, receipt) };
}

async function endVoteAndAudit(id: string, receipt?: Receipt) {
  await advance(TEST_SPACE.votingPeriodSeconds);
  return settleAndAudit(id, receipt);
}

const failures = (report: AuditReport) => report.findings.filter((f) => !f.ok);
const failed = (report: AuditReport, check: string) => failures(report).filter((f) => f.check === check);
const failedChecks = (report: AuditReport) => [...new Set(failures(report).map((f) => f.check))];

/** The anchors the rules' sender (the service's anchor key) made for `space`: (sequence, signer, head). */
async function anchorsOf(space: string, sender: string = LOCAL_ANCHOR_SENDER.address) {
  return readAnchors(stack.provider, connectLogAnchor(LOCAL_LOG_ANCHOR_ADDRESS, stack.provider), sender, space);
}

/** The operator moves the time an entry was received, in the message row and in its vote row. */
async function moveReceived(id: string, receivedAt: number) {
  await db().message.update({ where: { id }, data: { receivedAt: BigInt(receivedAt) } });
  await db().vote.update({ where: { messageId: id }, data: { receivedAt: BigInt(receivedAt) } });
}

function runAudit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/audit.ts', ...args], (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

let serviceSigner: string;

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_ADDRESS_PER_MINUTE: '10000', RATE_LIMIT_IP_PER_MINUTE: '10000' }, SPACES, {
    workers: false,
  });
  serviceSigner = ((await api().get('/api/service').expect(200)).body as { receipt: { signer: string } }).receipt
    .signer;
  expect(operatorReceiptSigner(stack).address).toBe(serviceSigner);
});
afterAll(async () => {
  await stack?.stop();
  scratch.remove();
});

describe('1. rules changed in the database after the proposal was accepted', () => {
  it('the service counts by the edited quorum; the audit recomputes by the rules document the proposal signed', async () => {
    const space = 'op-rules-db';
    const { id } = await toVoting(space);
    // The operator drops the quorum in the rules stored with the proposal.
    const row = await db().proposal.findUniqueOrThrow({ where: { id } });
    const rules = JSON.parse(row.rules) as { quorumBps: number };
    expect(rules.quorumBps).toBe(1000);
    await db().proposal.update({ where: { id }, data: { rules: JSON.stringify({ ...rules, quorumBps: 0 }) } });
    await vote(medium, id, 1, space);
    const { result, report } = await endVoteAndAudit(id);

    // medium alone is under the 10 % quorum: by the signed rules, Rejected for turnout (its For is a
    // majority). With a quorum of 0 the service calls it Passed.
    expect(result.state).toBe('Passed');
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['result']);
    const details = failed(report, 'result').map((f) => f.detail);
    expect(details).toHaveLength(4);
    expect(details).toEqual(
      expect.arrayContaining([
        'rules.quorumBps: the result has 0, the log and chain give 1000',
        expect.stringMatching(/^totals\.quorum: the result has "0", the log and chain give "[1-9]\d*"$/),
        'quorumReached: the result has true, the log and chain give false',
        'state: the result has "Passed", the log and chain give "Rejected"',
      ]),
    );
    expect(report.rebuilt).toMatchObject({ state: 'Rejected', quorumReached: false, majorityReached: true });
  });
});

describe('2. a result re-pinned with other rules and another state', () => {
  it('the audit rebuilds the result from the log and the signed rules, not from what the result says', async () => {
    const space = 'op-rules-result';
    const { id } = await toVoting(space);
    await vote(large, id, 2, space);
    await vote(medium, id, 1, space);
    const { result, report: honest } = await endVoteAndAudit(id);
    // large's Against is over the quorum alone and outweighs medium's For: Rejected by the majority.
    expect(result.state).toBe('Rejected');
    expect(honest.ok).toBe(true); // the control: the result as the service wrote it passes
    expect(honest.rebuilt).toMatchObject({ quorumReached: true, majorityReached: false });

    // The operator pins another result: a 1 % pass threshold, under which medium's For (about 17 % of
    // For + Against) is a majority, and so Passed. Self-consistent, but not what was signed.
    const document = JSON.parse((await db().result.findUniqueOrThrow({ where: { proposalId: id } })).document) as {
      rules: Record<string, unknown>;
    };
    const forged = {
      ...document,
      rules: { ...document.rules, passThresholdBps: 100 },
      majorityReached: true,
      state: 'Passed',
    };
    const forgedCid = (await stack.service.ipfs.put(forged)).toString();
    expect(forgedCid).not.toBe(result.cid);
    const report = await audit(id, forgedCid);
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['result']);
    // (DAG-JSON orders a document's keys, so the differences come in key order.)
    expect(failed(report, 'result').map((f) => f.detail)).toEqual([
      'majorityReached: the result has true, the log and chain give false',
      'rules.passThresholdBps: the result has 100, the log and chain give 5000',
      'state: the result has "Passed", the log and chain give "Rejected"',
    ]);
  });
});

describe('3. the time a vote was received moved past the end of voting', () => {
  it('without recomputing the heads: the log hash chain breaks at that entry', async () => {
    const space = 'op-late';
    const { id, votingEnd } = await toVoting(space);
    await vote(medium, id, 1, space);
    const moved = await vote(large, id, 1, space);
    expect(moved.receipt.sequence).toBe(4);
    // Before any batch is pinned: large's vote now says it arrived when the vote closed ([start, end)).
    await moveReceived(moved.id, votingEnd);
    const { result, report } = await endVoteAndAudit(id);
    // Without large's vote, medium alone is under the quorum: the service says Rejected.
    expect(result.state).toBe('Rejected');
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([
      {
        ok: false,
        check: 'log hash chain',
        detail:
          'the head at sequence 4 does not follow from the entries before it: an entry was removed, added or reordered',
      },
    ]);
  });

  it("with every later head recomputed before any anchor: the replay refuses it, and the voter's receipt names the field", async () => {
    const space = 'op-late-rechained';
    const { id, votingEnd } = await toVoting(space);
    const kept = await vote(medium, id, 1, space);
    const moved = await vote(large, id, 1, space);
    expect(moved.receipt.sequence).toBe(4);
    await moveReceived(moved.id, votingEnd);
    const heads = await rechain(stack.service.db, space, moved.receipt.sequence);
    expect(heads.get(4)).not.toBe(moved.receipt.head);
    const { result, report } = await endVoteAndAudit(id);
    expect(result.state).toBe('Rejected');
    // The log chains and was anchored as rewritten, but a vote received when the vote had closed is
    // one ingest refuses: at that time the proposal was Rejected (medium alone, under the quorum).
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([
      {
        ok: false,
        check: 'admission',
        detail:
          'log entry 4: ingest would have refused it (wrong_phase): votes are accepted while a proposal is Voting; it is Rejected',
      },
    ]);

    // large kept the receipt the service signed for entry 4: it says when the vote was received.
    const withReceipt = await audit(id, result.cid, moved.receipt);
    expect(withReceipt.ok).toBe(false);
    expect(failed(withReceipt, 'receipt').map((f) => f.detail)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the receipt, signed by 0x[0-9a-fA-F]{40}, says message ${moved.id} is entry 4 \\(.*"receivedAt":${moved.receipt.received}.*\\), but the log has receivedAt ${votingEnd}, head ${heads.get(4)} there: the log was rewritten, if that key was in force there$`,
        ),
      ),
    ]);

    // The control: medium's receipt, for an entry the operator left alone, is found and counted.
    const control = await audit(id, result.cid, kept.receipt);
    expect(control.findings.filter((f) => f.check === 'receipt').map((f) => f.ok)).toEqual([true, true, true]);
  });
});

describe('4. a second support from one supporter, appended to the log by the operator', () => {
  it('ingest refuses it; the audit replays the log and names the entry and the rule', async () => {
    const space = 'op-dup-support';
    const proposal = await propose(space);
    const id = proposal.id;
    const first = await send(small, 'Support', { proposal: id }, space);
    expect(first.receipt.sequence).toBe(2);
    // small's support is under the 1 % threshold, so the proposal is still Pending: a second support
    // is refused for what it is. (medium's would be refused as wrong_phase: its first support already
    // took the proposal to Supported.)
    await advance(1);
    const again = await sign(small, 'Support', { proposal: id }, space);
    const refused = await api().post('/api/messages').send(again);
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { code: string } }).error.code).toBe('already_supported');

    // The operator appends it anyway: message row, correct head, receipt, log_head, and a support row
    // (after dropping the index that allows one support per supporter).
    await db().$executeRawUnsafe('DROP INDEX "Support_proposalId_voter_key"');
    const forged = await appendToLog(stack, space, again, stack.clock.now);
    expect(forged.sequence).toBe(3);
    const honest = await db().support.findUniqueOrThrow({ where: { messageId: first.id } });
    expect(BigInt(honest.power)).toBe(SMALL_POWER);
    await db().support.create({
      data: {
        messageId: forged.id,
        proposalId: id,
        voter: small.address,
        power: honest.power,
        timestamp: BigInt(stack.clock.now),
        receivedAt: BigInt(stack.clock.now),
        sequence: forged.sequence,
      },
    });

    await advance(TEST_SPACE.supportPeriodSeconds);
    const { result, report } = await settleAndAudit(id);
    // Twice 10,000 IOTX is still under 1 % of the total: Expired either way, but the service's result
    // counts small's support twice.
    expect(result.state).toBe('Expired');
    expect(report.ok).toBe(false);
    expect(failed(report, 'admission').map((f) => f.detail)).toEqual([
      'log entry 3: ingest would have refused it (already_supported): this address already supports the proposal',
    ]);
    expect(failed(report, 'result').map((f) => f.detail)).toEqual([
      `support.power: the result has "${2n * SMALL_POWER}", the log and chain give "${SMALL_POWER}"`,
      'support.supports: the result lists 2, the log and chain give 1',
    ]);
    expect(failedChecks(report).sort()).toEqual(['admission', 'result']);
  });
});

describe('4b. a second support from a supporter whose first took the proposal past Pending', () => {
  it('is refused as wrong_phase (the phase is checked before the one-support rule)', async () => {
    const space = 'op-dup-support';
    const { id } = await propose(space);
    await send(medium, 'Support', { proposal: id }, space); // over the 1 %: Supported
    await advance(1);
    const refused = await api()
      .post('/api/messages')
      .send(await sign(medium, 'Support', { proposal: id }, space));
    expect(refused.status).toBe(409);
    expect((refused.body as { error: { code: string } }).error.code).toBe('wrong_phase');
  });
});

describe('5. the log cut after the result was written', () => {
  it('the anchor made after the vote ended reaches past the cut log', async () => {
    const space = 'op-truncated';
    try {
      const { id, votingEnd } = await toVoting(space);
      await vote(medium, id, 2, space);
      const cut = await vote(large, id, 1, space);
      expect(cut.receipt.sequence).toBe(4);
      const { result: honestResult, report: honest } = await endVoteAndAudit(id);
      // large's For is over the quorum alone and outweighs medium's Against: Passed.
      expect(honestResult.state).toBe('Passed');
      expect(honest.ok).toBe(true);
      const anchors = await anchorsOf(space);
      expect(anchors.map((a) => a.sequence)).toEqual([4]);
      expect(anchors[0]!.timestamp).toBeGreaterThanOrEqual(votingEnd);

      // The operator deletes the last entry (large's vote), pins the log again and has the result rewritten.
      await db().vote.delete({ where: { messageId: cut.id } });
      await db().message.delete({ where: { id: cut.id } });
      const previous = await db().message.findUniqueOrThrow({
        where: { spaceId_sequence: { spaceId: space, sequence: 3 } },
      });
      await db().logHead.update({ where: { spaceId: space }, data: { sequence: 3, head: previous.head } });
      await repinLog(stack.service.db, stack.service.ipfs, space);
      await db().result.delete({ where: { proposalId: id } });
      // The service's own anchorer refuses a log shorter than what it anchored, so the operator runs
      // the scheduler without it.
      await expect(passes()).rejects.toThrow(
        `space "${space}": the chain has its log anchored at sequence 4, but this database's log ends at 3`,
      );
      await passWithoutAnchoring(stack, space);
      await pins();
      const result = await resultOf(id);
      // medium's Against alone: under the quorum, no majority.
      expect(result.state).toBe('Rejected');
      const report = await audit(id, result.cid);
      expect(report.ok).toBe(false);
      expect(report.rebuilt).toMatchObject({ state: 'Rejected', quorumReached: false, majorityReached: false });
      expect(failures(report)).toEqual([
        {
          ok: false,
          check: 'anchors',
          detail: expect.stringMatching(
            /^the log ends at sequence 3, before the first anchor made after the outcome was settled \(sequence 4, block \d+\): the log was cut$/,
          ),
        },
      ]);
    } finally {
      // Every later pass of the service would stop at this space's anchor: retire it.
      stack.service.spaces.delete(space);
    }
  });
});

/** Votes 3 (large For), 4 (medium Against), 5 (small Abstain), anchored; then 3 and 4 swapped and re-chained. */
async function rewriteAfterAnchor(space: string) {
  const { id, proposal, votingEnd } = await toVoting(space);
  const first = await vote(large, id, 1, space);
  const second = await vote(medium, id, 2, space);
  const last = await vote(small, id, 3, space);
  expect([first, second, last].map((m) => m.receipt.sequence)).toEqual([3, 4, 5]);
  // The first pass anchors the log as it is (a space's first anchor is made at once).
  await passes();
  expect((await anchorsOf(space)).map((a) => [a.sequence, a.head])).toEqual([[5, last.receipt.head]]);

  await swapEntries(stack.service.db, first.id, second.id);
  const heads = await rechain(stack.service.db, space, 3);
  await repinLog(stack.service.db, stack.service.ipfs, space);
  expect(heads.get(5)).not.toBe(last.receipt.head);
  return { id, proposal, votingEnd, first, second, last, heads };
}

describe('6. the log re-ordered and re-chained after it was anchored', () => {
  const space = 'op-reordered';
  let rewritten: Awaited<ReturnType<typeof rewriteAfterAnchor>>;
  let resultCid: string;

  it('without a receipt: the anchored head differs from the log, and no anchor follows the vote', async () => {
    rewritten = await rewriteAfterAnchor(space);
    const { id, votingEnd, last, heads } = rewritten;
    await advance(TEST_SPACE.votingPeriodSeconds);
    // The rules' sender does not anchor the rewrite: the operator writes the result without it.
    await passWithoutAnchoring(stack, space);
    await pins();
    const result = await resultOf(id);
    resultCid = result.cid;
    // The order of two voters' votes changes no count: large's For carries it.
    expect(result.state).toBe('Passed');

    const report = await audit(id, result.cid);
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['anchors']);
    expect(failed(report, 'anchors').map((f) => f.detail)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the head anchored at sequence 5 \\(block \\d+\\) is ${last.receipt.head}, the log has ${heads.get(5)}: the log was rewritten$`,
        ),
      ),
      `no anchor was made ${ANCHOR_CLOCK_TOLERANCE_SECONDS} s or more after ${votingEnd}, when the outcome was settled`,
    ]);

    // The control: the proposal's receipt, for an entry before the rewrite, is found where it was signed.
    const control = await audit(id, result.cid, rewritten.proposal.receipt);
    expect(control.findings.filter((f) => f.check === 'receipt')).toEqual([
      { ok: true, check: 'receipt', detail: `message ${id} is in the log at sequence 1` },
      { ok: true, check: 'receipt', detail: `signed by ${serviceSigner}, the key in force at sequence 1` },
    ]);
    expect(failedChecks(control)).toEqual(['anchors']);
  });

  it("with the receipt of a moved entry: 'receipt' fails, naming what the log has there", async () => {
    const { id, first, second, heads } = rewritten;
    // large kept its receipt for entry 3, where the log now has medium's vote.
    const report = await audit(id, resultCid, first.receipt);
    expect(report.ok).toBe(false);
    expect(failed(report, 'receipt').map((f) => f.detail)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the receipt, signed by 0x[0-9a-fA-F]{40}, says message ${first.id} is entry 3 .*, but the log has id ${second.id}, cid ${second.cid}, head ${heads.get(3)} there: the log was rewritten, if that key was in force there$`,
        ),
      ),
    ]);
  });

  it('with the receipt of a moved entry: the anchors are still checked and reported as well', async () => {
    // The same log and result as above, where the audit without a receipt reports two 'anchors'
    // findings. A receipt that fails must not stop the audit from saying what else it found.
    const report = await audit(rewritten.id, resultCid, rewritten.first.receipt);
    // Every check the audit makes without a receipt, plus the receipt's: its place in the log (moved)
    // and its key (the one in force there: the receipt is genuine, the log was rewritten).
    expect(report.findings.map((f) => `${f.ok ? '✓' : '✗'} ${f.check}`)).toEqual([
      '✓ result',
      '✗ receipt',
      '✓ log hash chain',
      '✓ signatures',
      '✓ rules',
      '✓ admission',
      '✗ anchors',
      '✗ anchors',
      '✓ receipt',
      '✓ result',
    ]);
  });
});

describe('7. the rewritten log anchored from another key', () => {
  it('the audit reads only the anchors of the sender the rules name', async () => {
    const space = 'op-other-sender';
    const { id, votingEnd, heads } = await rewriteAfterAnchor(space);
    await advance(TEST_SPACE.votingPeriodSeconds);
    // After the vote ended, the operator anchors the rewritten head on the same contract from a key of its own.
    const sender = otherSender.connect(stack.provider);
    const batch = await db().logBatch.findFirstOrThrow({ where: { spaceId: space }, orderBy: { toSequence: 'desc' } });
    expect(batch.toSequence).toBe(5);
    await sendAnchor(sender, connectLogAnchor(LOCAL_LOG_ANCHOR_ADDRESS, sender), {
      space,
      sequence: 5,
      head: heads.get(5)!,
      batchCid: batch.cid,
      receiptSigner: serviceSigner,
    });
    const theirs = await anchorsOf(space, otherSender.address);
    expect(theirs.map((a) => [a.sequence, a.head])).toEqual([[5, heads.get(5)]]);
    expect(theirs[0]!.timestamp).toBeGreaterThanOrEqual(votingEnd);
    await passWithoutAnchoring(stack, space);
    await pins();
    const result = await resultOf(id);
    expect(result.state).toBe('Passed');

    // Those anchors match the rewritten log and postdate the vote, but are not the rules' sender's.
    const report = await audit(id, result.cid);
    expect(report.ok).toBe(false);
    expect(failedChecks(report)).toEqual(['anchors']);
    expect(failed(report, 'anchors').map((f) => f.detail)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^the head anchored at sequence 5 \\(block \\d+\\) is ${WORD}, the log has ${heads.get(5)}: the log was rewritten$`,
        ),
      ),
      `no anchor was made ${ANCHOR_CLOCK_TOLERANCE_SECONDS} s or more after ${votingEnd}, when the outcome was settled`,
    ]);
    expect(report.findings.some((f) => f.detail.includes(otherSender.address))).toBe(false);
  });
});

/** Votes 3 (large), 4 (medium), 5 (small); the operator makes entries 4 and 5 say ROTATED_KEY signed their receipts. */
async function rotateAtEntry4(space: string) {
  const voting = await toVoting(space);
  const votes = [await vote(large, voting.id, 1, space), await vote(medium, voting.id, 1, space)];
  votes.push(await vote(small, voting.id, 3, space));
  expect(votes.map((m) => m.receipt.sequence)).toEqual([3, 4, 5]);
  for (const entry of votes.slice(1)) {
    const row = await db().message.findUniqueOrThrow({ where: { id: entry.id } });
    const receipt = JSON.parse(row.receipt) as Receipt;
    expect(receipt.signer).toBe(serviceSigner);
    await db().message.update({
      where: { id: entry.id },
      data: { receipt: JSON.stringify({ ...receipt, signer: ROTATED_KEY }) },
    });
  }
  return { ...voting, votes };
}

describe('8. a receipt signed by a key outside the range it was in force for', () => {
  let rotated: Awaited<ReturnType<typeof rotateAtEntry4>>;
  let resultCid: string;

  it('the anchors name the old key up to entry 3 and the new one after; an old-key receipt of entry 4 fails', async () => {
    const space = 'op-rotated';
    rotated = await rotateAtEntry4(space);
    const { id, votes } = rotated;
    // The service anchors while the vote runs (as its interval does), and closes the vote with one more.
    await passes();
    const { result, report: control } = await endVoteAndAudit(id, votes[0]!.receipt);
    resultCid = result.cid;
    // large's For: Passed.
    expect(result.state).toBe('Passed');
    expect((await anchorsOf(space)).map((a) => [a.sequence, a.receiptSigner])).toEqual([
      [3, serviceSigner],
      [5, ROTATED_KEY],
      [5, ROTATED_KEY],
    ]);
    // The control: large's receipt (entry 3, the old key's range) passes the whole audit.
    expect(control.ok).toBe(true);
    expect(control.findings.filter((f) => f.check === 'receipt').map((f) => f.detail)[1]).toBe(
      `signed by ${serviceSigner}, the key in force at sequence 3`,
    );

    // medium's receipt (entry 4) was really signed by the old key, which the anchors say was retired.
    const report = await audit(id, result.cid, votes[1]!.receipt);
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([
      {
        ok: false,
        check: 'receipt',
        detail: `the receipt is signed by ${serviceSigner}, but the key in force at sequence 4 is ${ROTATED_KEY} (as anchored)`,
      },
    ]);
  });

  it('an old-key receipt of entry 4 that disagrees with the log is refused for its key, not taken as proof of a rewrite', async () => {
    // Whoever holds the retired key (here the old service key) signs a receipt for entry 4, in the new
    // key's range, saying the log had another head there. The anchors say that key no longer spoke
    // for the service at sequence 4: the receipt proves nothing about the log.
    const { id, votes } = rotated;
    const forged = operatorReceiptSigner(stack).sign({
      id: votes[1]!.id,
      cid: votes[1]!.cid,
      received: votes[1]!.receipt.received,
      sequence: 4,
      head: `0x${'ab'.repeat(32)}`,
    });
    const report = await audit(id, resultCid, forged);
    expect(report.ok).toBe(false);
    expect(failed(report, 'receipt').map((f) => f.detail)).toContain(
      `the receipt is signed by ${serviceSigner}, but the key in force at sequence 4 is ${ROTATED_KEY} (as anchored)`,
    );
  });

  it('the range signed by the new key is anchored at once, in the same pass as the old range', async () => {
    // server/anchor/anchorer.ts: "a range of entries whose receipts another key signed is anchored at
    // once", and after anchoring up to the change, "A range signed by another key follows: anchor it too".
    const space = 'op-rotated-early';
    await rotateAtEntry4(space);
    await passes(); // the first pass while voting: no anchor of this space yet
    expect((await anchorsOf(space)).map((a) => [a.sequence, a.receiptSigner])).toEqual([
      [3, serviceSigner],
      [5, ROTATED_KEY],
    ]);
  });
});

describe('9. a gateway that serves another document for the result CID', () => {
  it('npm run audit exits 1 (a finding, not "could not run") and names the CID', async () => {
    const space = 'op-swapped-doc';
    const { id } = await toVoting(space);
    await vote(large, id, 1, space);
    const { result, report: honest } = await endVoteAndAudit(id);
    expect(result.state).toBe('Passed');
    expect(honest.ok).toBe(true);

    const gateway = await swappingGateway(stack.service.url);
    try {
      // The control: through the gateway, before it swaps anything, the audit passes.
      const through = await auditProposal({
        proposalId: id,
        resultCid: result.cid,
        source: gatewaySource(gateway.url),
        rpcUrl: stack.chain.url,
        scratchDir: scratch.path,
        expectedRules: await publishedRules(stack.service.url, id),
      });
      expect(through.ok).toBe(true);

      // The honest result with large's power doubled, DAG-JSON encoded, served for the honest CID.
      const document = JSON.parse((await db().result.findUniqueOrThrow({ where: { proposalId: id } })).document) as {
        votes: { power: string }[];
      };
      const votes = document.votes.map((v, i) => (i === 0 ? { ...v, power: (BigInt(v.power) * 2n).toString() } : v));
      await gateway.swap(result.cid, { ...document, votes });
      const { code, stdout, stderr } = await runAudit([
        id,
        '--rules',
        await publishedRules(stack.service.url, id),
        '--gateway',
        gateway.url,
        '--result',
        result.cid,
        '--api',
        stack.service.url,
        '--rpc',
        stack.chain.url,
      ]);
      expect({ code, stderr }).toEqual({ code: 1, stderr: '' });
      expect(gateway.served).toContain(result.cid);
      expect(stdout).toContain(`✗ result: the document served as ${result.cid} is not the one that CID names`);
      expect(stdout).toContain('The result does NOT match the log and the chain.');
    } finally {
      await gateway.close();
    }
  });
});

describe('10. a space whose rules name no log anchor', () => {
  it('fails the audit however honest the rest is', async () => {
    const { id } = await toVoting(UNANCHORED);
    await vote(large, id, 1, UNANCHORED);
    const { result, report } = await endVoteAndAudit(id);
    expect(result.state).toBe('Passed');
    expect(report.ok).toBe(false);
    expect(failures(report)).toEqual([
      {
        ok: false,
        check: 'anchors',
        detail: expect.stringMatching(/^the rules name no log anchor: /),
      },
    ]);
    expect(await anchorsOf(UNANCHORED)).toEqual([]);
  });
});

describe('11. a vote slipped in after the anchor that closed the vote, dated just before its end', () => {
  it('the audit finds a message about the proposal after the closing anchor', async () => {
    const space = 'op-late-after-close';
    const { id, votingEnd } = await toVoting(space);
    // medium alone (~137k) is under the 10 % quorum: Rejected, and the honest result audits clean.
    await vote(medium, id, 1, space);
    const { result: honest, report } = await endVoteAndAudit(id);
    expect(honest.state).toBe('Rejected');
    expect(report.ok).toBe(true);

    // The operator appends large's For (over the quorum alone), signed and "received" just before the
    // end, after the closing anchor, and writes the result again without anchoring.
    const late = await sign(large, 'Vote', { proposal: id, choice: 1, reason: '', timestamp: votingEnd - 2 }, space);
    const appended = await appendToLog(stack, space, late, votingEnd - 1);
    const largePower = (await api().get(`/api/power/${space}/${large.address}?block=${stack.snapshot}`).expect(200))
      .body.total as string;
    await db().vote.create({
      data: {
        messageId: appended.id,
        proposalId: id,
        voter: large.address,
        choice: 1,
        reason: '',
        power: largePower,
        sequence: appended.sequence,
        timestamp: BigInt(votingEnd - 2),
        receivedAt: BigInt(votingEnd - 1),
      },
    });
    await db().result.delete({ where: { proposalId: id } });
    await repinLog(stack.service.db, stack.service.ipfs, space);
    await passWithoutAnchoring(stack, space);
    await pins();
    const rewritten = await resultOf(id);
    expect(rewritten.state).toBe('Passed');

    const tampered = await audit(id, rewritten.cid);
    expect(tampered.ok).toBe(false);
    expect(failed(tampered, 'anchors').map((f) => f.detail)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^entry ${appended.sequence}, a message about the proposal, comes after the anchor made once the outcome was settled \\(sequence ${appended.sequence - 1}, .*\\): it was slipped in later$`,
        ),
      ),
    );
  });
});

describe('12. documents of the right CID but the wrong shape', () => {
  it('are findings (exit 1), not "could not run": a result without a log, a batch without entries', async () => {
    const space = 'op-malformed';
    const { id } = await propose(space);
    const noLog = (await stack.service.ipfs.put({ type: 'Result', proposal: { id }, votes: [], log: null })).toString();
    const first = await audit(id, noLog);
    expect(first.ok).toBe(false);
    expect(failures(first)).toEqual([
      {
        ok: false,
        check: 'result',
        detail: `${noLog} is not the result of proposal ${id} (log: Invalid input: expected object, received null)`,
      },
    ]);

    const batch = (
      await stack.service.ipfs.put({ type: 'LogBatch', space, previousBatch: null, entries: null })
    ).toString();
    const result = await stack.service.ipfs.put({
      type: 'Result',
      proposal: { id },
      votes: [],
      log: { space, to: '1', head: `0x${'11'.repeat(32)}`, lastBatch: batch },
    });
    const second = await audit(id, result.toString());
    expect(second.ok).toBe(false);
    expect(failures(second)).toEqual([
      { ok: false, check: 'documents', detail: `${batch} is not a log batch of space ${space}` },
    ]);
  });
});

describe('13. a log the operator did not anchor within the interval its rules state', () => {
  it('fails the audit: the entries it held back were first anchored too late', async () => {
    // The rules say every minute; the operator runs no anchoring while the vote runs (10 minutes).
    const { id } = await toVoting(EVERY_MINUTE);
    const held = await vote(large, id, 1, EVERY_MINUTE);
    const { result, report } = await endVoteAndAudit(id);
    expect(result.state).toBe('Passed');
    expect(report.ok).toBe(false);
    expect(failed(report, 'anchors').map((f) => f.detail)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^entry ${held.receipt.sequence} was received at ${held.receipt.received} but first anchored at \\d+ \\(block \\d+\\), later than the rules' anchor interval of 60 s allows`,
        ),
      ),
    );
  });
});

describe('14. an outcome the operator closed late', () => {
  it('fails the audit: until the closing anchor, messages dated before the end could be slipped in', async () => {
    const space = 'op-closed-late';
    const { id, votingEnd } = await toVoting(space);
    await vote(large, id, 1, space);
    // The operator waits past the closing anchor's slack (60 + 120 s) before it closes the outcome.
    await advance(TEST_SPACE.votingPeriodSeconds + 200);
    const { result, report } = await settleAndAudit(id);
    expect(result.state).toBe('Passed');
    expect(report.ok).toBe(false);
    expect(failed(report, 'anchors').map((f) => f.detail)).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^the anchor that closed the outcome \\(sequence \\d+, block \\d+ at \\d+\\) came more than 180 s after it was settled \\(${votingEnd}\\)`,
        ),
      ),
    );
  });
});
