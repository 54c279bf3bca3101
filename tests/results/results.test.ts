import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ANCHOR_CLOCK_TOLERANCE_SECONDS } from '../../server/audit/anchors.js';
import { auditProposal } from '../../server/audit/audit.js';
import { gatewaySource } from '../../server/audit/source.js';
import { pinPass } from '../../server/ipfs/pin-worker.js';
import { spaceRules } from '../../server/spaces/rules.js';
import type { PrimaryType } from '../../server/messages/types.js';
import { devWallet, proposalMessage, signWithEthers, type Json } from '../support/signing.js';
import { ANCHORED_TEST_SPACE, startTestStack, TEST_SPACE, type TestStack } from '../support/stack.js';
import { publishedRules } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

// Proposals through every path on the real stack (the clock moved, not slept through), the scheduler
// writing results, and the audit recomputing each from IPFS and the chain. Workers are off: passes run
// by hand, so the tests decide when logs are pinned (and so can tamper before).

const CHAIN_ID = 31337;
const whale = devWallet(0);
const large = devWallet(1); // ~643k votes: over the 10 % quorum alone
const medium = devWallet(2); // ~137k: over the 1 % support threshold, under the quorum
const small = devWallet(3);
const SPACES = ['test', 'tamper-choice', 'tamper-drop', 'tamper-log', 'tamper-order', 'tamper-rewrite'].map((id) => ({
  ...ANCHORED_TEST_SPACE,
  id,
}));

let stack: TestStack;
const scratch = tempDir('audit');
const api = () => request(stack.service.url);
const advance = (seconds: number) => stack.advance(seconds);
let titles = 0;

async function send(wallet: ReturnType<typeof devWallet>, primaryType: PrimaryType, fields: Json, space = 'test') {
  const envelope = await signWithEthers(wallet, CHAIN_ID, primaryType, {
    from: wallet.address,
    space,
    timestamp: stack.clock.now,
    ...fields,
  });
  const res = await api().post('/api/messages').send(envelope);
  expect(res.status).toBe(200);
  return res.body as {
    id: string;
    cid: string;
    receipt: {
      sequence: number;
      id: string;
      head: string;
      cid: string;
      received: number;
      signer: string;
      signature: string;
    };
  };
}

async function propose(space = 'test', kind: 'policy' | 'technical' = 'policy') {
  const actions = kind === 'technical' ? [{ to: small.address, value: '1', data: '0x', gas: '30000' }] : [];
  const message = proposalMessage(whale.address, {
    space,
    rules: spaceRules(stack.service.spaces.get(space)!).digest,
    timestamp: stack.clock.now,
    snapshot: stack.snapshot,
    title: `Path ${++titles}`,
    kind,
    actions,
  });
  const envelope = await signWithEthers(whale, CHAIN_ID, 'Proposal', message);
  return ((await api().post('/api/messages').send(envelope).expect(200)).body as { id: string }).id;
}

async function toVoting(space = 'test', kind: 'policy' | 'technical' = 'policy') {
  const id = await propose(space, kind);
  await send(medium, 'Support', { proposal: id }, space);
  await advance(TEST_SPACE.votingDelaySeconds);
  return id;
}

const passes = () => stack.service.schedulerPass();
const state = async (id: string) =>
  (await api().get(`/api/proposals/${id}`).expect(200)).body as {
    state: string;
    result: { cid: string; state: string } | null;
  };
const ORDER = ['Pending', 'Supported', 'Voting', 'Passed', 'Rejected', 'Expired', 'Canceled', 'Confirmed'];
/** The recorded timeline (states recorded at the same second in lifecycle order). */
const events = async (id: string) =>
  (await stack.service.db.client.proposalEvent.findMany({ where: { proposalId: id } }))
    .sort((a, b) => Number(a.at - b.at) || ORDER.indexOf(a.state) - ORDER.indexOf(b.state))
    .map((e) => e.state);

async function endVoteAndAudit(id: string, receipt?: Awaited<ReturnType<typeof send>>['receipt']) {
  await advance(TEST_SPACE.votingPeriodSeconds);
  return settleAndAudit(id, receipt);
}

/** Runs the scheduler and the pin worker, then audits the result the scheduler wrote. */
async function settleAndAudit(id: string, receipt?: Awaited<ReturnType<typeof send>>['receipt']) {
  // The result is written once the anchor that closes the outcome is made, a clock tolerance later.
  await advance(ANCHOR_CLOCK_TOLERANCE_SECONDS);
  await passes();
  await pinPass(stack.service.db, stack.service.ipfs, () => stack.clock.now * 1000);
  const { result } = await state(id);
  expect(result).not.toBeNull();
  const report = await auditProposal({
    proposalId: id,
    resultCid: result!.cid,
    source: gatewaySource(stack.service.url),
    rpcUrl: stack.chain.url,
    scratchDir: scratch.path,
    expectedRules: await publishedRules(stack.service.url, id),
    ...(receipt ? { receipt } : {}),
  });
  return { result: result!, report };
}

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_ADDRESS_PER_MINUTE: '10000', RATE_LIMIT_IP_PER_MINUTE: '10000' }, SPACES, {
    workers: false,
  });
});
afterAll(async () => {
  await stack?.stop();
  scratch.remove();
});

describe('every path of the lifecycle, with the audit agreeing', () => {
  it('expires without enough support (the scheduler records it with no traffic)', async () => {
    const id = await propose();
    await send(small, 'Support', { proposal: id }); // 10k votes: under the 1 % threshold
    await advance(TEST_SPACE.supportPeriodSeconds);
    const { result, report } = await settleAndAudit(id);
    expect((await state(id)).state).toBe('Expired');
    expect(await events(id)).toEqual(['Pending', 'Expired']);
    // The result of an expired proposal records the support it had, and the audit agrees.
    expect(result.state).toBe('Expired');
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.rebuilt).toMatchObject({ state: 'Expired', voting: null, votes: [] });
    expect(report.rebuilt!.support.supports).toHaveLength(1);
  });

  it('is canceled by its author while pending', async () => {
    const id = await propose();
    await send(whale, 'CancelProposal', { proposal: id });
    const { result, report } = await settleAndAudit(id);
    expect(await events(id)).toEqual(['Pending', 'Canceled']);
    expect(result.state).toBe('Canceled');
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.rebuilt!.state).toBe('Canceled');
  });

  it('is rejected for turnout, and the audit agrees', async () => {
    const id = await toVoting();
    await send(medium, 'Vote', { proposal: id, choice: 1, reason: '' });
    const { result, report } = await endVoteAndAudit(id);
    expect(result.state).toBe('Rejected');
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.rebuilt).toMatchObject({ state: 'Rejected', quorumReached: false, majorityReached: true });
    expect(await events(id)).toEqual(['Pending', 'Supported', 'Voting', 'Rejected']);
  });

  it('is rejected by the majority, and the audit agrees', async () => {
    const id = await toVoting();
    await send(large, 'Vote', { proposal: id, choice: 2, reason: 'no' });
    await send(medium, 'Vote', { proposal: id, choice: 1, reason: 'yes' });
    const { result, report } = await endVoteAndAudit(id);
    expect(result.state).toBe('Rejected');
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    expect(report.rebuilt).toMatchObject({ quorumReached: true, majorityReached: false });
  });

  it('passes, becomes Confirmed (policy), and the audit agrees, also from the command line', async () => {
    const id = await toVoting();
    await send(large, 'Vote', { proposal: id, choice: 2, reason: 'first' });
    await advance(1);
    const changed = await send(large, 'Vote', { proposal: id, choice: 1, reason: 'changed my mind' });
    await send(small, 'Vote', { proposal: id, choice: 3, reason: '' });
    const { result, report } = await endVoteAndAudit(id, changed.receipt);
    expect(result.state).toBe('Passed');
    expect(report.findings.filter((f) => !f.ok)).toEqual([]);
    const receipt = report.findings.filter((f) => f.check === 'receipt');
    expect(receipt.map((f) => f.ok)).toEqual([true, true, true]);
    expect(receipt[1]!.detail).toBe(
      `signed by ${changed.receipt.signer}, the key in force at sequence ${changed.receipt.sequence}`,
    );
    expect(report.rebuilt!.votes.map((v) => v.id)).toContain(changed.id);
    await passes();
    expect((await state(id)).state).toBe('Confirmed');
    expect(await events(id)).toEqual(['Pending', 'Supported', 'Voting', 'Passed', 'Confirmed']);

    const { stdout } = await promisify(execFile)(process.execPath, [
      '--import',
      'tsx',
      'scripts/audit.ts',
      id,
      '--rules',
      await publishedRules(stack.service.url, id),
      '--api',
      stack.service.url,
      '--rpc',
      stack.chain.url,
    ]);
    expect(stdout).toMatch(/✓ log hash chain/);
    expect(stdout).toMatch(/The result matches the log and the chain\./);

    // The rules are the space's only if something outside the service says so: the digest the auditor
    // gives, or the space's executor. This space names none, so without --rules the audit fails.
    const unconfirmed = await auditProposal({
      proposalId: id,
      resultCid: result.cid,
      source: gatewaySource(stack.service.url),
      rpcUrl: stack.chain.url,
      scratchDir: scratch.path,
    });
    expect(unconfirmed.ok).toBe(false);
    expect(unconfirmed.findings.find((f) => !f.ok)).toMatchObject({
      check: 'rules',
      detail: expect.stringMatching(/nothing you trust confirms they are the space's: .*--rules.*--executor/),
    });
    // An executor the auditor trusts confirms them only if the rules name it (these name none).
    const untrusted = await auditProposal({
      proposalId: id,
      resultCid: result.cid,
      source: gatewaySource(stack.service.url),
      rpcUrl: stack.chain.url,
      scratchDir: scratch.path,
      trustedExecutor: devWallet(9).address,
    });
    expect(untrusted.findings.find((f) => !f.ok)).toMatchObject({
      check: 'rules',
      detail: expect.stringContaining(`which name the executor none, not ${devWallet(9).address}`),
    });
    const other = `0x${'12'.repeat(32)}`;
    const wrong = await auditProposal({
      proposalId: id,
      resultCid: result.cid,
      source: gatewaySource(stack.service.url),
      rpcUrl: stack.chain.url,
      scratchDir: scratch.path,
      expectedRules: other,
    });
    expect(wrong.findings.find((f) => !f.ok)).toMatchObject({
      check: 'rules',
      detail: expect.stringContaining(`not the space's rules ${other} you gave`),
    });
  });
});

describe('marking a confirmed policy proposal actioned', () => {
  it('is for a space admin, once, and only once the proposal is Confirmed', async () => {
    const id = await toVoting();
    const early = await signWithEthers(whale, CHAIN_ID, 'MarkActioned', {
      from: whale.address,
      space: 'test',
      timestamp: stack.clock.now,
      proposal: id,
      note: 'too early',
    });
    expect((await api().post('/api/messages').send(early).expect(409)).body.error.code).toBe('wrong_phase');
    await send(large, 'Vote', { proposal: id, choice: 1, reason: '' });
    await advance(TEST_SPACE.votingPeriodSeconds + ANCHOR_CLOCK_TOLERANCE_SECONDS);
    await passes();
    expect((await state(id)).state).toBe('Confirmed');
    const outsider = await signWithEthers(large, CHAIN_ID, 'MarkActioned', {
      from: large.address,
      space: 'test',
      timestamp: stack.clock.now,
      proposal: id,
      note: 'me',
    });
    expect((await api().post('/api/messages').send(outsider).expect(403)).body.error.code).toBe('not_admin');
    await send(whale, 'MarkActioned', { proposal: id, note: 'Grant paid in tx 0xabc' });
    const detail = (await api().get(`/api/proposals/${id}`).expect(200)).body;
    expect(detail.actioned).toMatchObject({ by: { address: whale.address }, note: 'Grant paid in tx 0xabc' });
    await advance(1);
    const again = await signWithEthers(whale, CHAIN_ID, 'MarkActioned', {
      from: whale.address,
      space: 'test',
      timestamp: stack.clock.now,
      proposal: id,
      note: 'twice',
    });
    expect((await api().post('/api/messages').send(again).expect(409)).body.error.code).toBe('already_actioned');
  });
});

describe('the scheduler', () => {
  it('writes one result however many passes run at once, and a later pass changes nothing', async () => {
    const id = await toVoting();
    await send(large, 'Vote', { proposal: id, choice: 1, reason: '' });
    await advance(TEST_SPACE.votingPeriodSeconds + ANCHOR_CLOCK_TOLERANCE_SECONDS);
    await Promise.all([passes(), passes(), passes()]);
    const results = await stack.service.db.client.result.findMany({ where: { proposalId: id } });
    expect(results).toHaveLength(1);
    // Confirmed (a policy proposal whose result is recorded) is seen on the next pass.
    expect(await passes()).toEqual({ events: 1, results: 0 });
    expect(await events(id)).toEqual(['Pending', 'Supported', 'Voting', 'Passed', 'Confirmed']);
    expect(await passes()).toEqual({ events: 0, results: 0 });
  });
});

describe('tampering is caught by the audit, which says why', () => {
  it('a vote altered in the database before the result is built', async () => {
    const id = await toVoting('tamper-choice');
    const vote = await send(large, 'Vote', { proposal: id, choice: 1, reason: '' }, 'tamper-choice');
    await stack.service.db.client.vote.update({ where: { messageId: vote.id }, data: { choice: 2 } });
    const { result, report } = await endVoteAndAudit(id);
    expect(result.state).toBe('Rejected');
    expect(report.ok).toBe(false);
    expect(
      report.findings
        .filter((f) => !f.ok)
        .map((f) => f.detail)
        .join('\n'),
    ).toMatch(/votes\.0\.choice: the result has "2", the log and chain give "1"/);
  });

  it('a vote removed from the database', async () => {
    const id = await toVoting('tamper-drop');
    await send(large, 'Vote', { proposal: id, choice: 1, reason: '' }, 'tamper-drop');
    const dropped = await send(medium, 'Vote', { proposal: id, choice: 2, reason: '' }, 'tamper-drop');
    await stack.service.db.client.vote.delete({ where: { messageId: dropped.id } });
    const { report } = await endVoteAndAudit(id, dropped.receipt);
    expect(report.ok).toBe(false);
    const problems = report.findings
      .filter((f) => !f.ok)
      .map((f) => f.detail)
      .join('\n');
    expect(problems).toMatch(/votes: the result lists 1, the log and chain give 2/);
    // The voter's receipt shows the vote is in the log, and that the result leaves it out.
    const receipt = report.findings.filter((f) => f.check === 'receipt');
    expect(receipt.map((f) => f.ok)).toEqual([true, true, false]);
  });

  it('a log entry removed', async () => {
    const id = await toVoting('tamper-log');
    const removed = await send(large, 'Vote', { proposal: id, choice: 2, reason: '' }, 'tamper-log');
    await send(medium, 'Vote', { proposal: id, choice: 1, reason: '' }, 'tamper-log');
    await stack.service.db.client.vote.delete({ where: { messageId: removed.id } });
    await stack.service.db.client.message.delete({ where: { id: removed.id } });
    const { report } = await endVoteAndAudit(id, removed.receipt);
    expect(report.ok).toBe(false);
    const problems = report.findings
      .filter((f) => !f.ok)
      .map((f) => f.detail)
      .join('\n');
    expect(problems).toMatch(/entries are missing or out of order from sequence/);
    expect(problems).toMatch(/the log has no entry there: the log was rewritten/);
  });

  it("a voter's receipt shows where a rewritten log leaves their vote out", async () => {
    const id = await toVoting('tamper-rewrite');
    const removed = await send(large, 'Vote', { proposal: id, choice: 2, reason: '' }, 'tamper-rewrite');
    await send(medium, 'Vote', { proposal: id, choice: 1, reason: '' }, 'tamper-rewrite');
    // A log rewritten so that it still hash-chains: the vote's entry and every later one dropped.
    const db = stack.service.db.client;
    const later = await db.message.findMany({
      where: { spaceId: 'tamper-rewrite', sequence: { gte: removed.receipt.sequence } },
    });
    await db.vote.deleteMany({ where: { messageId: { in: later.map((m) => m.id) } } });
    await db.message.deleteMany({ where: { id: { in: later.map((m) => m.id) } } });
    const previous = await db.message.findFirstOrThrow({
      where: { spaceId: 'tamper-rewrite' },
      orderBy: { sequence: 'desc' },
    });
    await db.logHead.update({
      where: { spaceId: 'tamper-rewrite' },
      data: { sequence: previous.sequence, head: previous.head },
    });
    await db.logBatch.deleteMany({ where: { spaceId: 'tamper-rewrite', toSequence: { gte: previous.sequence } } });
    const { report } = await endVoteAndAudit(id, removed.receipt);
    const receipt = report.findings.filter((f) => f.check === 'receipt');
    expect(receipt).toHaveLength(1);
    expect(receipt[0]!.ok).toBe(false);
    expect(receipt[0]!.detail).toMatch(/the log was rewritten/);
  });

  it('log entries reordered', async () => {
    const id = await toVoting('tamper-order');
    const first = await send(large, 'Vote', { proposal: id, choice: 1, reason: '' }, 'tamper-order');
    const second = await send(medium, 'Vote', { proposal: id, choice: 1, reason: '' }, 'tamper-order');
    const db = stack.service.db.client;
    // Swap the two entries' places in the log (through a free sequence number).
    await db.message.update({ where: { id: first.id }, data: { sequence: -1 } });
    await db.message.update({ where: { id: second.id }, data: { sequence: first.receipt.sequence } });
    await db.message.update({ where: { id: first.id }, data: { sequence: second.receipt.sequence } });
    const { report } = await endVoteAndAudit(id, first.receipt);
    expect(report.ok).toBe(false);
    const problems = report.findings
      .filter((f) => !f.ok)
      .map((f) => f.detail)
      .join('\n');
    expect(problems).toMatch(/does not follow from the entries before it/);
  });
});
