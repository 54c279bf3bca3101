import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import {
  concat,
  Interface,
  JsonRpcProvider,
  makeError,
  parseEther,
  Signature,
  toBeHex,
  Wallet,
  type HDNodeWallet,
} from 'ethers';
import request from 'supertest';
import { ANCHOR_CLOCK_TOLERANCE_SECONDS } from '../../server/audit/anchors.js';
import { outcomeOf } from '../../server/execution/attestations.js';
import { relayerPass, type RelayerDeps } from '../../server/execution/relayer.js';
import { inFlightSchema, type InFlight } from '../../server/execution/send.js';
import { pinPass } from '../../server/ipfs/pin-worker.js';
import { spaceRules } from '../../server/spaces/rules.js';
import { EXECUTOR_ABI, signOutcome } from '../../scripts/lib/executor.js';
import { CHAIN_ID, EXECUTOR, RELAYER, startExecutionStack, type ExecutionStack } from '../support/execution-stack.js';
import { devWallet, proposalMessage, signWithEthers } from '../support/signing.js';
import { TEST_SPACE } from '../support/stack.js';

// The relayer against what a real chain and a real operator throw at it: a transaction that is never
// mined (replaced at the same nonce for more, seen through by whoever runs next), an attestor removed
// after it attested (left out; the others queue). The unfunded key, two relayers at once, a bad-v
// attestation and an idle chain are in execution.test.ts.

const attestorA = Wallet.createRandom();
const attestorB = Wallet.createRandom();
const relayerWallet = RELAYER;
const beneficiary = Wallet.createRandom().address;

let stack: ExecutionStack;

beforeAll(async () => {
  stack = await startExecutionStack({
    attestors: [attestorA.address, attestorB.address],
    threshold: 2,
    delay: 3600,
    treasury: '10',
  });
});
afterAll(async () => {
  // Whatever a test left, the chain mines again for the next suite's sake.
  await stack?.provider.send('evm_setAutomine', [true]).catch(() => undefined);
  await stack?.stop();
});

const api = () => request(stack.service.url);
const executor = () => stack.executor();
const relayer = (overrides: Partial<RelayerDeps> = {}) => stack.relayer(overrides);
const send: ExecutionStack['send'] = (...args) => stack.send(...args);

/** A technical proposal paying `value` IOTX to the beneficiary, passed and its result written. */
async function passedProposal(title: string, value: string): Promise<string> {
  const proposer = devWallet(0);
  const message = proposalMessage(proposer.address, {
    timestamp: stack.clock.now,
    snapshot: stack.snapshot,
    rules: spaceRules(stack.service.spaces.get('test')!).digest,
    kind: 'technical',
    title,
    actions: [{ to: beneficiary, value: parseEther(value).toString(), data: '0x', gas: '30000' }],
  });
  const id = (
    await api()
      .post('/api/messages')
      .send(await signWithEthers(proposer, CHAIN_ID, 'Proposal', message))
      .expect(200)
  ).body.id as string;
  await send(devWallet(2), 'Support', { proposal: id });
  await stack.advance(TEST_SPACE.votingDelaySeconds);
  await send(devWallet(1), 'Vote', { proposal: id, choice: 1, reason: '' });
  await stack.advance(TEST_SPACE.votingPeriodSeconds + ANCHOR_CLOCK_TOLERANCE_SECONDS);
  await stack.service.schedulerPass();
  await pinPass(stack.service.db, stack.service.ipfs, () => stack.clock.now * 1000);
  expect((await api().get(`/api/proposals/${id}`)).body.state).toBe('Passed');
  return id;
}

/** Each attestor signs the proposal's outcome and posts it, as an external attestor would. */
async function attest(id: string, attestors: (Wallet | HDNodeWallet)[]) {
  const { outcome } = await outcomeOf(stack.service.db, id);
  for (const attestor of attestors) {
    const signature = await signOutcome(attestor, EXECUTOR, CHAIN_ID, outcome);
    await api().post('/api/attestations').send({ proposalId: id, signature }).expect(200);
  }
}

/** What the executor's Queued event says signed the outcome. */
async function queuedSigners(id: string): Promise<string[]> {
  const logs = await stack.provider.getLogs({ address: EXECUTOR, fromBlock: 0, toBlock: 'latest' });
  const events = new Interface(EXECUTOR_ABI as unknown as string[]);
  for (const log of logs) {
    const parsed = events.parseLog(log);
    if (parsed?.name === 'Queued' && parsed.args[0] === id) return [...(parsed.args[6] as string[])];
  }
  throw new Error(`no Queued event for ${id}`);
}

/** The hash of the relayer's mined transaction at `nonce`, found in the blocks. */
async function inFlightHistory(nonce: number): Promise<string | undefined> {
  const head = await stack.provider.getBlockNumber();
  for (let n = head; n > head - 20; n--) {
    const block = await stack.provider.getBlock(n, true);
    const tx = block?.prefetchedTransactions.find((t) => t.from === relayerWallet.address && t.nonce === nonce);
    if (tx) return tx.hash;
  }
  return undefined;
}

async function inFlight(): Promise<InFlight | undefined> {
  const row = await stack.service.db.client.inFlightTransaction.findUnique({ where: { from: relayerWallet.address } });
  return row ? inFlightSchema.parse(JSON.parse(row.record)) : undefined;
}

/**
 * A signal that aborts once `done` holds (checked every 25 ms), so a pass ends when the transaction it
 * sends reaches the state a test needs, however slow the machine: never by a timer alone.
 */
function abortWhen(done: (record: InFlight | undefined) => boolean): AbortSignal {
  const controller = new AbortController();
  const started = Date.now();
  const poll = async () => {
    while (!done(await inFlight())) {
      if (Date.now() - started > 60_000) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    controller.abort(new Error('the test has what it needs'));
  };
  void poll();
  return controller.signal;
}

/** The executor itself calls one of its setters, as a passed proposal would. */
async function asExecutor(data: string) {
  await stack.provider.send('hardhat_impersonateAccount', [EXECUTOR]);
  const hash = await stack.provider.send('eth_sendTransaction', [{ from: EXECUTOR, to: EXECUTOR, data }]);
  await stack.provider.waitForTransaction(hash);
  await stack.provider.send('hardhat_stopImpersonatingAccount', [EXECUTOR]);
}

describe('relayer faults', () => {
  // Each test starts with nothing of an earlier one left to relay: the chain mines, what was in flight
  // settles, and what is queued is vetoed by the guardian (its timelock would end during a later test).
  afterEach(async () => {
    await stack.provider.send('evm_setAutomine', [true]);
    const guardian = executor().connect(devWallet(6).connect(stack.provider));
    const settle = () => relayerPass(relayer({ sendTimeoutMs: 100, signal: AbortSignal.timeout(30_000) }));
    for (let round = 0; round < 3; round++) {
      await settle();
      const open = await stack.service.db.client.execution.findMany({
        where: { status: { in: ['Waiting', 'Queued'] } },
      });
      let vetoed = 0;
      for (const { proposalId } of open) {
        if ((await executor().state(proposalId)) !== 1n) continue; // not Queued
        await (await guardian.veto(proposalId)).wait();
        vetoed++;
      }
      if (vetoed === 0) break;
    }
    await settle();
    expect(await inFlight()).toBeUndefined();
  });

  it('leaves out an attestor removed after it attested, and queues with the current ones', async () => {
    const id = await passedProposal('Removed attestor', '1');
    // All three attest (the service's own attestation comes with the relayer's first pass).
    await attest(id, [attestorA, attestorB]);
    const all = [stack.serviceAttestor.address, attestorA.address, attestorB.address].sort();
    // The one the relayer would take first is removed (it takes the current ones in address order).
    const removed = all[0]!;
    await asExecutor(executor().interface.encodeFunctionData('removeAttestor', [removed]));
    expect(await executor().isAttestor(removed)).toBe(false);

    expect(await relayerPass(relayer())).toEqual({ queued: 1, executed: 0 });
    expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({ status: 'Queued' });
    expect((await queuedSigners(id)).sort()).toEqual(all.slice(1));
    // Queued by the current ones, it executes after the timelock; the removed one is put back after.
    const { eta } = await executor().proposals(id);
    await stack.advance(Number(eta) - stack.clock.now + 1);
    expect(await relayerPass(relayer())).toEqual({ queued: 0, executed: 1 });
    expect(await stack.provider.getBalance(beneficiary)).toBe(parseEther('1'));
    await asExecutor(executor().interface.encodeFunctionData('addAttestor', [removed]));
  });

  it('replaces a transaction that is never mined at the same nonce for more, and whoever runs next sees it through', async () => {
    const id = await passedProposal('Never mined', '2');
    await attest(id, [attestorA, attestorB]);
    expect(await relayerPass(relayer())).toEqual({ queued: 1, executed: 0 });
    const { eta } = await executor().proposals(id);
    await stack.advance(Number(eta) - stack.clock.now + 1);

    const nonceBefore = await stack.provider.getTransactionCount(relayerWallet.address, 'latest');
    // The chain stops mining: transactions stay in its pool.
    await stack.provider.send('evm_setAutomine', [false]);
    const logged: string[] = [];
    const pass = (hashes: number) =>
      relayerPass(
        relayer({
          sendTimeoutMs: 300,
          signal: abortWhen((record) => (record?.hashes.length ?? 0) >= hashes),
          log: (l) => logged.push(l),
        }),
      );
    expect(await pass(3)).toEqual({ queued: 0, executed: 0 });
    const first = await inFlight();
    expect(first).toMatchObject({ nonce: nonceBefore, purpose: { proposalId: id, step: 'execute' } });
    expect(first!.hashes.length).toBeGreaterThanOrEqual(3); // sent, then replaced at least twice
    expect(logged.filter((l) => l.includes('replacing it with a higher fee'))).toHaveLength(first!.hashes.length - 1);
    expect(logged.at(-1)).toBe(
      `relayer: proposal ${id}: transaction ${first!.hashes.at(-1)} (nonce ${nonceBefore}) is not mined yet; it stays in flight for the next pass`,
    );
    // The newest replacement is what the chain holds, at the same nonce and the recorded (higher) fees;
    // the ones it replaced are gone from the pool.
    const newest = (await stack.provider.getTransaction(first!.hashes.at(-1)!))!;
    expect(newest.nonce).toBe(nonceBefore);
    expect(newest.maxFeePerGas!.toString()).toBe((first!.fees as { maxFeePerGas: string }).maxFeePerGas);
    const firstFee = BigInt((first!.ceiling as { maxFeePerGas: string }).maxFeePerGas) / 10n;
    expect(newest.maxFeePerGas!).toBeGreaterThanOrEqual(
      (firstFee * 12n ** BigInt(first!.hashes.length - 1)) / 10n ** BigInt(first!.hashes.length - 1),
    );
    for (const replaced of first!.hashes.slice(0, -1)) expect(await stack.provider.getTransaction(replaced)).toBeNull();

    // Another replica (same key, nothing shared but the database) picks it up and replaces it again.
    logged.length = 0;
    expect(await pass(first!.hashes.length + 1)).toEqual({ queued: 0, executed: 0 });
    const second = (await inFlight())!;
    expect(second.nonce).toBe(nonceBefore);
    expect(second.hashes.slice(0, first!.hashes.length)).toEqual(first!.hashes);
    expect(second.hashes.length).toBeGreaterThan(first!.hashes.length);

    // One block is mined: the newest replacement goes in, and only it.
    await stack.provider.send('evm_mine', []);
    await stack.provider.send('evm_setAutomine', [true]);
    expect(await relayerPass(relayer())).toEqual({ queued: 0, executed: 1 });
    expect(await inFlight()).toBeUndefined();
    const execution = (await api().get(`/api/proposals/${id}`)).body.execution;
    expect(execution).toMatchObject({ status: 'Executed', executeTx: second.hashes.at(-1) });
    expect(await stack.provider.getTransactionCount(relayerWallet.address, 'latest')).toBe(nonceBefore + 1);
    expect(await stack.provider.getBalance(beneficiary)).toBe(parseEther('3')); // 1 before, 2 now
    expect(await executor().state(id)).toBe(3n); // Executed
    // Nothing more is sent.
    expect(await relayerPass(relayer())).toEqual({ queued: 0, executed: 0 });
    expect(await stack.provider.getTransactionCount(relayerWallet.address, 'latest')).toBe(nonceBefore + 1);
  });

  it('queues past a stored attestation the contract would refuse, and a later valid one replaces it', async () => {
    const id = await passedProposal('Bad v stored', '1');
    const { outcome } = await outcomeOf(stack.service.db, id);
    // An earlier version stored attestor A's signature with v = 0/1 (the API refuses it now): the row
    // is written as that version wrote it.
    const genuine = Signature.from(await signOutcome(attestorA, EXECUTOR, CHAIN_ID, outcome));
    const vTwin = concat([genuine.r, genuine.s, toBeHex(genuine.v - 27, 1)]);
    await stack.service.db.client.attestation.create({
      data: {
        proposalId: id,
        attestor: attestorA.address,
        signature: vTwin,
        actionsHash: outcome.actionsHash,
        resultCid: outcome.resultCid,
        receivedAt: BigInt(stack.clock.now),
      },
    });
    // With the service's own attestation, A's bad one is not enough: nothing is sent, nothing reverts.
    const nonce = await stack.provider.getTransactionCount(relayerWallet.address);
    const logged: string[] = [];
    expect(await relayerPass(relayer({ log: (l) => logged.push(l) }))).toEqual({ queued: 0, executed: 0 });
    expect(logged).toEqual([]); // no queue tried with it, none failed
    expect(await stack.provider.getTransactionCount(relayerWallet.address)).toBe(nonce);
    // A's valid signature replaces the stored one; the relayer queues with it.
    await attest(id, [attestorA]);
    const row = await stack.service.db.client.attestation.findUniqueOrThrow({
      where: { proposalId_attestor: { proposalId: id, attestor: attestorA.address } },
    });
    expect(row.signature).toBe(genuine.serialized);
    expect(await relayerPass(relayer())).toEqual({ queued: 1, executed: 0 });
    expect((await queuedSigners(id)).sort()).toEqual([stack.serviceAttestor.address, attestorA.address].sort());
  });

  it('leaves a step to another relayer key whose transaction for it is in flight', async () => {
    const id = await passedProposal('Two keys', '1');
    await attest(id, [attestorA, attestorB]);
    const other = devWallet(4);
    await stack.provider.send('evm_setAutomine', [false]);
    // Relayer A sends the queue; the chain does not mine it.
    expect(await relayerPass(relayer({ sendTimeoutMs: 60_000, signal: abortWhen((record) => !!record) }))).toEqual({
      queued: 0,
      executed: 0,
    });
    expect((await inFlight())?.purpose).toEqual({ proposalId: id, step: 'queue', executor: EXECUTOR });
    // Relayer B, another key with the same database, would find queue possible on the mined state (as
    // iotex-core answers calls and estimates: never on its pool), but leaves the step alone.
    expect(await relayerPass(relayer({ wallet: other.connect(stack.provider) }))).toEqual({ queued: 0, executed: 0 });
    const pool = (await stack.provider.send('eth_pendingTransactions', [])) as { from: string }[];
    expect(pool.map((tx) => tx.from.toLowerCase())).toEqual([relayerWallet.address.toLowerCase()]);

    await stack.provider.send('evm_mine', []);
    await stack.provider.send('evm_setAutomine', [true]);
    expect(await relayerPass(relayer())).toEqual({ queued: 1, executed: 0 });
    expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({
      status: 'Queued',
      queueTx: expect.any(String),
      lastError: null,
    });
    // Nothing of B's ever reverted: it sent nothing at all.
    expect(await stack.provider.getTransactionCount(other.address, await stack.provider.getBlockNumber())).toBe(
      await stack.provider.getTransactionCount(other.address, (await stack.provider.getBlockNumber()) - 1),
    );
  });

  it('broadcasts a transaction at its fee ceiling again when the node dropped it', async () => {
    const id = await passedProposal('Dropped at the ceiling', '1');
    await attest(id, [attestorA, attestorB]);
    await stack.provider.send('evm_setAutomine', [false]);
    const logged: string[] = [];
    const atCeilingAgain = () => logged.some((l) => l.includes('is at its fee ceiling and still not mined'));
    const quick = (done: (record: InFlight | undefined) => boolean) =>
      relayer({ sendTimeoutMs: 40, signal: abortWhen(done), log: (l) => logged.push(l) });
    expect(await relayerPass(quick(atCeilingAgain))).toEqual({ queued: 0, executed: 0 });
    const stuck = (await inFlight())!;
    expect(stuck.fees).toEqual(stuck.ceiling); // raised as far as it goes
    expect(logged.some((l) => l.includes('is at its fee ceiling and still not mined: broadcasting it again'))).toBe(
      true,
    );
    // The node drops it (iotex-core does after 10 minutes in its pool, or loses it on a restart).
    await stack.provider.send('hardhat_dropTransaction', [stuck.hashes.at(-1)]);
    expect(await stack.provider.getTransaction(stuck.hashes.at(-1)!)).toBeNull();
    await stack.provider.send('evm_setAutomine', [true]);
    // The next pass broadcasts the same signed transaction again, and it is mined.
    expect(await relayerPass(quick((record) => record === undefined))).toEqual({ queued: 1, executed: 0 });
    expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({
      status: 'Queued',
      queueTx: stuck.hashes.at(-1),
    });
    expect(await inFlight()).toBeUndefined();
  });

  it('sends nothing once its pass is told to stop, even in the middle of a step', async () => {
    const id = await passedProposal('Lease lapses mid-step', '1');
    await attest(id, [attestorA, attestorB]);
    const controller = new AbortController();
    // The lease lapses while the relayer reads its nonce, the last request before it signs and sends
    // (a slow node, say).
    class LapsingProvider extends JsonRpcProvider {
      override send(method: string, params: unknown[] | Record<string, unknown>) {
        if (method === 'eth_getTransactionCount') {
          controller.abort(new Error('the lease ends before the pass could renew it'));
        }
        return super.send(method, params);
      }
    }
    const lapsing = new LapsingProvider(stack.chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const nonce = await stack.provider.getTransactionCount(relayerWallet.address);
    const logged: string[] = [];
    expect(
      await relayerPass(
        relayer({ wallet: relayerWallet.connect(lapsing), signal: controller.signal, log: (l) => logged.push(l) }),
      ),
    ).toEqual({ queued: 0, executed: 0 });
    lapsing.destroy();
    expect(logged).toEqual([
      `relayer: proposal ${id}: stopped before sending: the lease ends before the pass could renew it`,
    ]);
    expect(await stack.provider.getTransactionCount(relayerWallet.address)).toBe(nonce);
    expect(await inFlight()).toBeUndefined();
    // The next pass takes the step at once (it was not a failure) and queues.
    expect(await relayerPass(relayer())).toEqual({ queued: 1, executed: 0 });
  });

  it('broadcasts a dropped transaction again when the key cannot pay a higher fee', async () => {
    const id = await passedProposal('Cannot pay more', '1');
    await attest(id, [attestorA, attestorB]);
    await stack.provider.send('evm_setAutomine', [false]);
    expect(await relayerPass(relayer({ signal: abortWhen((record) => !!record) }))).toEqual({ queued: 0, executed: 0 });
    const stuck = (await inFlight())!;
    const sent = (await stack.provider.getTransaction(stuck.hashes[0]!))!;
    // The node drops it, and the key holds barely more than it costs: a replacement 20% dearer is out of reach.
    await stack.provider.send('hardhat_dropTransaction', [stuck.hashes[0]]);
    const balance = await stack.provider.getBalance(relayerWallet.address);
    const cost = sent.gasLimit * sent.maxFeePerGas!;
    await stack.provider.send('hardhat_setBalance', [relayerWallet.address, toBeHex((cost * 105n) / 100n)]);
    try {
      await stack.provider.send('evm_setAutomine', [true]);
      const logged: string[] = [];
      const pass = relayer({ sendTimeoutMs: 40, signal: abortWhen((record) => !record), log: (l) => logged.push(l) });
      expect(await relayerPass(pass)).toEqual({ queued: 1, executed: 0 });
      expect(logged.some((l) => l.includes('cannot pay a higher fee (fund it): broadcasting it again'))).toBe(true);
      expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({
        status: 'Queued',
        queueTx: stuck.hashes[0],
      });
    } finally {
      await stack.provider.send('hardhat_setBalance', [relayerWallet.address, toBeHex(balance)]);
    }
  });

  it('frees its nonce with an empty transaction once someone else did the step', async () => {
    const id = await passedProposal('Done by someone else', '1');
    await attest(id, [attestorA, attestorB]);
    await stack.provider.send('evm_setAutomine', [false]);
    expect(await relayerPass(relayer({ signal: abortWhen((record) => !!record) }))).toEqual({ queued: 0, executed: 0 });
    const stuck = (await inFlight())!;
    // The node loses the relayer's queue; an outsider queues the proposal with the same attestations.
    await stack.provider.send('hardhat_dropTransaction', [stuck.hashes[0]]);
    const outsider = devWallet(3).connect(stack.provider);
    await outsider.sendTransaction({ to: EXECUTOR, data: stuck.call.data, gasLimit: BigInt(stuck.call.gasLimit) });
    await stack.provider.send('evm_mine', []);
    await stack.provider.send('evm_setAutomine', [true]);
    expect(await executor().state(id)).toBe(1n); // Queued
    const logged: string[] = [];
    const pass = relayer({ sendTimeoutMs: 40, signal: abortWhen((record) => !record), log: (l) => logged.push(l) });
    expect(await relayerPass(pass)).toEqual({ queued: 0, executed: 0 });
    expect(logged.some((l) => l.includes('is no longer needed: replacing it with an empty transaction'))).toBe(true);
    // The nonce went to an empty transaction to itself at the least gas, not to a queue that reverts.
    const freed = (await stack.provider.getTransactionReceipt((await inFlightHistory(stuck.nonce))!))!;
    expect(freed).toMatchObject({ status: 1, to: relayerWallet.address, gasUsed: 21000n });
    expect(await inFlight()).toBeUndefined();
    expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({ status: 'Queued' });
  });

  it('sees a transaction through when the answer to its broadcast is lost', async () => {
    const id = await passedProposal('Answer lost', '1');
    await attest(id, [attestorA, attestorB]);
    // The node takes the transaction, but its answer never arrives (a timeout, a dropped connection).
    class LosingProvider extends JsonRpcProvider {
      override async send(method: string, params: unknown[] | Record<string, unknown>) {
        const answer = await super.send(method, params);
        if (method === 'eth_sendRawTransaction') {
          throw makeError('request timeout', 'TIMEOUT', { operation: 'eth_sendRawTransaction', reason: 'timeout' });
        }
        return answer;
      }
    }
    const losing = new LosingProvider(stack.chain.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
    try {
      expect(await relayerPass(relayer({ wallet: relayerWallet.connect(losing) }))).toEqual({
        queued: 1,
        executed: 0,
      });
    } finally {
      losing.destroy();
    }
    expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({
      status: 'Queued',
      lastError: null,
    });
  });
});
