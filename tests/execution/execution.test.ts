import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  concat,
  Contract,
  ContractFactory,
  Interface,
  parseEther,
  Signature,
  toBeHex,
  Wallet,
  ZeroHash,
  type HDNodeWallet,
} from 'ethers';
import { actionsHash } from '../../server/messages/digest.js';
import request from 'supertest';
import { ANCHOR_CLOCK_TOLERANCE_SECONDS } from '../../server/audit/anchors.js';
import { relayerPass } from '../../server/execution/relayer.js';
import { spaceRules } from '../../server/spaces/rules.js';
import { pinPass } from '../../server/ipfs/pin-worker.js';
import { connectExecutor } from '../../scripts/lib/executor.js';
import { getCompiledContract } from '../../scripts/lib/solidity.js';
import { devWallet, proposalMessage, signWithEthers } from '../support/signing.js';
import { CHAIN_ID, EXECUTOR, startExecutionStack, type ExecutionStack } from '../support/execution-stack.js';
import { TEST_SPACE } from '../support/stack.js';

// A technical proposal that moves treasury funds and calls a target contract goes all the way:
// proposed, supported, voted, passed, attested (by the service and by an external attestor who audits
// first), queued, and executed by the relayer after the timelock — once, with two relayers running.

const externalAttestor = devWallet(7);
/** secp256k1's group order, to forge the high-s twin of a signature. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const whale = devWallet(0);
const large = devWallet(1);
const medium = devWallet(2);
const beneficiary = devWallet(9);
const DELAY = 3600;

let stack: ExecutionStack;
let target: Contract;

beforeAll(async () => {
  stack = await startExecutionStack({
    attestors: [externalAttestor.address],
    threshold: 2,
    delay: DELAY,
    treasury: '100',
  });
  const artifact = await getCompiledContract('GovernedTarget', { files: ['test/GovernedTarget.sol'] });
  const deployed = await new ContractFactory(
    artifact.abi,
    artifact.bytecode,
    devWallet(4).connect(stack.provider),
  ).deploy();
  await deployed.waitForDeployment();
  target = new Contract(await deployed.getAddress(), artifact.abi, stack.provider);
});
afterAll(async () => {
  await stack?.stop();
});

const api = () => request(stack.service.url);
const send: ExecutionStack['send'] = (...args) => stack.send(...args);
const relayer = (wallet: HDNodeWallet) => stack.relayer({ wallet: wallet.connect(stack.provider) });

describe('executing a passed technical proposal', () => {
  it('moves treasury funds and calls a target, after attestations and the timelock, exactly once', async () => {
    const targetAddress = await target.getAddress();
    const actions = [
      { to: beneficiary.address, value: parseEther('5').toString(), data: '0x', gas: '30000' },
      {
        to: targetAddress,
        value: '0',
        data: new Interface(['function record(uint256 newValue)']).encodeFunctionData('record', [42]),
        gas: '80000',
      },
    ];
    const message = proposalMessage(whale.address, {
      timestamp: stack.clock.now,
      snapshot: stack.snapshot,
      rules: spaceRules(stack.service.spaces.get('test')!).digest, // this test's space has an executor
      kind: 'technical',
      title: 'Pay and record',
      actions,
    });
    const id = (
      await api()
        .post('/api/messages')
        .send(await signWithEthers(whale, CHAIN_ID, 'Proposal', message))
        .expect(200)
    ).body.id as string;
    await send(medium, 'Support', { proposal: id });
    await stack.advance(TEST_SPACE.votingDelaySeconds);
    await send(large, 'Vote', { proposal: id, choice: 1, reason: 'pay them' });
    await send(medium, 'Vote', { proposal: id, choice: 2, reason: 'not now' });
    await send(devWallet(3), 'Vote', { proposal: id, choice: 3, reason: '' });
    // No result yet: no proofs of votes.
    const early = await api().get(`/api/proposals/${id}/votes/proofs`).expect(404);
    expect(early.body.error).toMatchObject({ code: 'no_result', field: 'id' });
    expect(
      (
        await api()
          .get(`/api/proposals/0x${'12'.repeat(32)}/votes/proofs`)
          .expect(404)
      ).body.error.code,
    ).toBe('unknown_proposal');
    // The result is written once the anchor that closes the vote is made, a clock tolerance after it.
    await stack.advance(TEST_SPACE.votingPeriodSeconds + ANCHOR_CLOCK_TOLERANCE_SECONDS);
    await stack.service.schedulerPass();
    await pinPass(stack.service.db, stack.service.ipfs, () => stack.clock.now * 1000);
    expect((await api().get(`/api/proposals/${id}`)).body.state).toBe('Passed');
    const resultCid = (await api().get(`/api/proposals/${id}`)).body.result.cid as string;
    const resultDocument = (await api().get(`/ipfs/${resultCid}`).expect(200)).body as {
      merkle: { root: string };
      votes: unknown[];
    };
    expect(resultDocument.votes).toHaveLength(3);
    const rulesDigest = spaceRules(stack.service.spaces.get('test')!).digest;
    const OUTCOME = {
      Outcome: [
        { name: 'proposalId', type: 'bytes32' },
        { name: 'actionsHash', type: 'bytes32' },
        { name: 'resultCid', type: 'string' },
        { name: 'rulesDigest', type: 'bytes32' },
        { name: 'votesRoot', type: 'bytes32' },
      ],
    };

    // The service attests by itself; one of two is not enough to queue.
    expect(await relayerPass(relayer(devWallet(5)))).toEqual({ queued: 0, executed: 0 });
    let attestations = (await api().get(`/api/proposals/${id}/attestations`)).body.attestations as {
      attestor: string;
    }[];
    expect(attestations.map((a) => a.attestor)).toEqual([stack.serviceAttestor.address]);

    // Someone who is not an attestor is refused, on the server as the contract would.
    const stranger = devWallet(3);
    const forged = await stranger.signTypedData(
      { name: 'IoTeX Governance Executor', version: '1', chainId: CHAIN_ID, verifyingContract: EXECUTOR },
      OUTCOME,
      { proposalId: id, actionsHash: ZeroHash, resultCid: 'x', rulesDigest, votesRoot: ZeroHash },
    );
    expect(
      (await api().post('/api/attestations').send({ proposalId: id, signature: forged }).expect(403)).body.error.code,
    ).toBe('not_attestor');

    // A valid signature in an encoding the contract refuses (v = 0/1, or the high-s twin) is refused
    // here too, before anything is stored: the relayer's queue would revert on it.
    const genuine = Signature.from(
      await externalAttestor.signTypedData(
        { name: 'IoTeX Governance Executor', version: '1', chainId: CHAIN_ID, verifyingContract: EXECUTOR },
        OUTCOME,
        {
          proposalId: id,
          actionsHash: actionsHash(actions),
          resultCid,
          rulesDigest,
          votesRoot: resultDocument.merkle.root,
        },
      ),
    );
    const vTwin = concat([genuine.r, genuine.s, toBeHex(genuine.v - 27, 1)]);
    const highS = concat([
      genuine.r,
      toBeHex(SECP256K1_N - BigInt(genuine.s), 32),
      toBeHex(genuine.v === 27 ? 28 : 27, 1),
    ]);
    for (const signature of [vTwin, highS]) {
      const refused = await api().post('/api/attestations').send({ proposalId: id, signature }).expect(400);
      expect(refused.body.error).toMatchObject({ code: 'non_canonical_signature', field: 'signature' });
    }
    expect((await api().get(`/api/proposals/${id}/attestations`)).body.attestations).toHaveLength(1);

    // The external attestor names the space and the executor it attests for itself; the audit runs
    // first. For another executor, or another space, it signs nothing.
    const attest = (space: string, executor: string) =>
      promisify(execFile)(
        process.execPath,
        [
          '--import',
          'tsx',
          'scripts/attest.ts',
          id,
          '--space',
          space,
          '--executor',
          executor,
          '--api',
          stack.service.url,
          '--rpc',
          stack.chain.url,
        ],
        { env: { ...process.env, ATTESTOR_PRIVATE_KEY: externalAttestor.privateKey } },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
      );
    const otherExecutor = await attest('test', devWallet(7).address);
    expect(otherExecutor.code).toBe(1);
    // The audit itself refuses: the rules the proposal signed name another executor than the trusted one.
    expect(otherExecutor.stdout).toContain(`which name the executor ${EXECUTOR}, not ${devWallet(7).address}`);
    const otherSpace = await attest('elsewhere', EXECUTOR);
    expect(otherSpace.code).toBe(1);
    expect(otherSpace.stdout).toContain('the proposal is of space "test", not "elsewhere"');
    expect((await api().get(`/api/proposals/${id}/attestations`)).body.attestations).toHaveLength(1);
    const attested = await attest('test', EXECUTOR);
    expect(attested).toMatchObject({ code: 0, stdout: expect.stringMatching(/Attested as/) });
    attestations = (await api().get(`/api/proposals/${id}/attestations`)).body.attestations;
    expect(attestations).toHaveLength(2);

    // A relayer whose key has no gas sends nothing, says why with the proposal id, and keeps the error.
    const broke = Wallet.createRandom();
    const logged: string[] = [];
    expect(
      await relayerPass({
        ...relayer(devWallet(5)),
        wallet: broke.connect(stack.provider),
        log: (l) => logged.push(l),
      }),
    ).toEqual({ queued: 0, executed: 0 });
    expect(logged).toEqual([
      `relayer: proposal ${id}: the relayer ${broke.address} has no IOTX to pay gas: fund it (attempt 1, next in 1 s)`,
    ]);
    expect((await api().get(`/api/proposals/${id}`)).body.execution.lastError).toMatch(/has no IOTX to pay gas/);
    stack.clock.now += 2; // past its backoff

    expect(await relayerPass(relayer(devWallet(5)))).toEqual({ queued: 1, executed: 0 });
    expect((await api().get(`/api/proposals/${id}`)).body.execution).toMatchObject({
      status: 'Queued',
      queueTx: expect.any(String),
    });
    // Too early: before the eta, nothing is sent.
    expect(await relayerPass(relayer(devWallet(5)))).toEqual({ queued: 0, executed: 0 });
    // The timelock passes on an idle chain: its clock moves (the service's too), but no block is mined,
    // so its newest block still says before the eta. The relayer executes all the same: the block that
    // mines its transaction is stamped with the present time.
    const idleHead = await stack.provider.getBlockNumber();
    const { eta } = (await connectExecutor(EXECUTOR, stack.provider).proposals(id)) as { eta: bigint };
    expect(Number(eta) - stack.clock.now).toBeGreaterThan(DELAY - 300); // the timelock is still ahead
    await stack.advance(Number(eta) - stack.clock.now + 1);
    expect(await stack.provider.getBlockNumber()).toBe(idleHead);
    expect((await stack.provider.getBlock('latest'))!.timestamp).toBeLessThan(Number(eta));

    const before = await stack.provider.getBalance(beneficiary.address);
    // Two relayers at once (different gas payers, the same database): one takes the step in the
    // database and sends; the other sends nothing (no reverted transaction, no gas wasted).
    const nonces = () =>
      Promise.all([devWallet(4), devWallet(5)].map((w) => stack.provider.getTransactionCount(w.address)));
    const [before4, before5] = await nonces();
    const runs = await Promise.all([relayerPass(relayer(devWallet(5))), relayerPass(relayer(devWallet(4)))]);
    expect(runs.reduce((sum, run) => sum + run.executed, 0)).toBe(1);
    const [after4, after5] = await nonces();
    expect(after4! - before4! + (after5! - before5!)).toBe(1);
    expect(await stack.provider.getBalance(beneficiary.address)).toBe(before + parseEther('5'));
    expect(await target.getFunction('value')()).toBe(42n);
    const detail = (await api().get(`/api/proposals/${id}`)).body;
    expect(detail.execution).toMatchObject({ status: 'Executed', executeTx: expect.any(String) });
    expect(detail.state).toBe('Executed');
    expect(detail.audit).toMatchObject({ state: 'Attested by 2 attestors', ok: true });
    // A later pass changes nothing and sends nothing.
    expect(await relayerPass(relayer(devWallet(5)))).toEqual({ queued: 0, executed: 0 });

    // The votes are provable on chain: the executor keeps the result's votes root, and a vote's proof
    // from the API verifies through verifyVote without trusting the service; a tampered one does not.
    const executor = connectExecutor(EXECUTOR, stack.provider);
    expect(await executor.votesRootOf(id)).toBe(resultDocument.merkle.root);
    const proofs = (await api().get(`/api/proposals/${id}/votes/proofs`).expect(200)).body as {
      root: string;
      leafEncoding: string[];
      resultCid: string;
      votes: { voter: string; choice: number; power: string; id: string; proof: string[] }[];
    };
    expect(proofs).toMatchObject({
      root: resultDocument.merkle.root,
      leafEncoding: ['address', 'uint8', 'uint256', 'bytes32'],
      resultCid,
    });
    expect(proofs.votes.map((v) => [v.voter, v.choice]).sort()).toEqual(
      [
        [large.address, 1],
        [medium.address, 2],
        [devWallet(3).address, 3],
      ].sort(),
    );
    const vote = proofs.votes.find((v) => v.voter === medium.address)!;
    expect(vote.proof.length).toBeGreaterThan(0);
    const verify = (v: typeof vote) => executor.verifyVote(id, v.voter, v.choice, v.power, v.id, v.proof);
    for (const each of proofs.votes) expect(await verify(each)).toBe(true);
    expect(await verify({ ...vote, power: (BigInt(vote.power) + 1n).toString() })).toBe(false);
    expect(await verify({ ...vote, choice: 1 })).toBe(false);
    expect(await verify({ ...vote, voter: whale.address })).toBe(false);
  });
});
