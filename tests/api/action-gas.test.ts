// POST /api/spaces/:id/action-gas: the gas floor an honest client signs for each action. The attack it
// answers: the lowest gas at which a call does not revert (eth_estimateGas) starves a target that
// swallows the failure of an inner call, so a proposal signed with it would burn without its effect.
// The floor is measured by the executor's own measureGas (an eth_call that reverts with the gas used),
// so it is the executor that calls, with its balance, and a hostile target costs a bounded number of
// bounded calls. The actions are measured in order, each after the earlier ones, because that is how
// execute runs them: an action that costs more after them would otherwise get a floor that starves it.
// And each floor is checked by making the calls again, each given just its floor: a target that keeps
// gas back before a swallowed inner call uses little, but needs more, and gets a floor it needs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Contract, ContractFactory, parseEther } from 'ethers';
import request from 'supertest';
import { AMPLE_GAS, suggestedGasFloor } from '../../server/execution/gas.js';
import { getCompiledContract } from '../../scripts/lib/solidity.js';
import { deployTestExecutor, TEST_EXECUTOR } from '../support/executor.js';
import { devWallet } from '../support/signing.js';
import { startTestStack, TEST_SPACE, type TestStack } from '../support/stack.js';

const EXECUTOR = TEST_EXECUTOR;
/** A space that names an executor address where nothing is deployed. */
const EMPTY_EXECUTOR = '0x000000000000000000000000000000000000dEaD';
/** ReservingTarget.RESERVE: the gas its `run()` keeps back from its inner call. */
const RESERVE = 100_000n;

/** A transaction's own cost before its call runs: 21,000 plus 16 per non-zero and 4 per zero calldata byte. */
function intrinsicGas(data: string): bigint {
  const bytes = Buffer.from(data.slice(2), 'hex');
  return 21_000n + BigInt(bytes.reduce((sum, byte) => sum + (byte === 0 ? 4 : 16), 0));
}

describe('POST /api/spaces/:id/action-gas', () => {
  let stack: TestStack;
  let target: Contract;
  let targetAddress: string;
  /** contracts/test/SequenceTarget.sol: `run()` costs what an earlier `setWork(n)` made it cost. */
  let sequence: Contract;
  /**
   * contracts/test/ReservingTarget.sol: `run()` keeps 100,000 gas back before an inner call whose
   * failure it swallows; `runIfAbove(least)` counts only with more than `least` gas left.
   */
  let reserving: Contract;

  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_GAS_PER_MINUTE: '7' }, [
      { ...TEST_SPACE, executor: EXECUTOR },
      { ...TEST_SPACE, id: 'bare' },
      { ...TEST_SPACE, id: 'empty', executor: EMPTY_EXECUTOR },
    ]);
    await deployTestExecutor(stack.provider);
    const artifact = await getCompiledContract('GovernedTarget', { files: ['test/GovernedTarget.sol'] });
    const deployed = await new ContractFactory(
      artifact.abi,
      artifact.bytecode,
      devWallet(3).connect(stack.provider),
    ).deploy();
    await deployed.waitForDeployment();
    targetAddress = await deployed.getAddress();
    target = new Contract(targetAddress, artifact.abi, devWallet(3).connect(stack.provider));
    const sequenceArtifact = await getCompiledContract('SequenceTarget', { files: ['test/SequenceTarget.sol'] });
    const sequenceDeployed = await new ContractFactory(
      sequenceArtifact.abi,
      sequenceArtifact.bytecode,
      devWallet(3).connect(stack.provider),
    ).deploy();
    await sequenceDeployed.waitForDeployment();
    sequence = new Contract(await sequenceDeployed.getAddress(), sequenceArtifact.abi, stack.provider);
    const reservingArtifact = await getCompiledContract('ReservingTarget', { files: ['test/ReservingTarget.sol'] });
    const reservingDeployed = await new ContractFactory(
      reservingArtifact.abi,
      reservingArtifact.bytecode,
      devWallet(3).connect(stack.provider),
    ).deploy();
    await reservingDeployed.waitForDeployment();
    reserving = new Contract(
      await reservingDeployed.getAddress(),
      reservingArtifact.abi,
      devWallet(3).connect(stack.provider),
    );
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const suggest = (actions: unknown[], space = 'test') =>
    request(stack.service.url).post(`/api/spaces/${space}/action-gas`).send({ actions });

  it('suggests what the call used with ample gas plus a margin, which a swallowing target needs', async () => {
    const data = target.interface.encodeFunctionData('recordSwallowing', [7]);
    const res = await suggest([{ to: targetAddress, value: '0', data }]).expect(200);
    expect(res.body.from).toBe(EXECUTOR);
    const [suggestion] = res.body.actions as { ok: true; gasUsed: string; gas: string }[];
    const gasUsed = BigInt(suggestion!.gasUsed);
    expect(BigInt(suggestion!.gas)).toBe(gasUsed + (gasUsed / 4n > 10_000n ? gasUsed / 4n : 10_000n));

    // The lowest gas at which the call does not revert (a plain estimateGas) starves the inner call,
    // which gets only 63/64 of what is left: the call "succeeds" and records nothing.
    const estimate = await stack.provider.estimateGas({ to: targetAddress, data });
    const starved = await (await target.getFunction('recordSwallowing')(7, { gasLimit: estimate })).wait();
    expect(starved.status).toBe(1);
    expect(await target.getFunction('value')()).toBe(0n);
    // The floor is what the call must receive: a transaction that gives it that (on top of the
    // transaction's own intrinsic cost) records the value.
    const fed = await (
      await target.getFunction('recordSwallowing')(7, { gasLimit: intrinsicGas(data) + BigInt(suggestion!.gas) })
    ).wait();
    expect(fed.status).toBe(1);
    expect(await target.getFunction('value')()).toBe(7n);
  });

  it('measures the call as the executor makes it: from the executor, with its balance', async () => {
    const record = target.interface.encodeFunctionData('record', [1]);
    const paying = await suggest([
      { to: targetAddress, value: parseEther('1').toString(), data: record },
      { to: targetAddress, value: parseEther('11').toString(), data: record },
    ]).expect(200);
    expect(paying.body.actions[0]).toMatchObject({ ok: true });
    // More than the executor holds (10 IOTX): the call cannot be made.
    expect(paying.body.actions[1]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/fails when the executor/),
    });
    // Nothing was recorded or paid: the measurement always reverts.
    expect(await target.getFunction('totalReceived')()).toBe(0n);
    expect(await stack.provider.getBalance(EXECUTOR)).toBe(parseEther('10'));
  });

  it('says which actions fail when run now, and refuses what is not an action list', async () => {
    const fail = target.interface.encodeFunctionData('fail', ['no']);
    const transfer = { to: devWallet(5).address, value: '0', data: '0x' };
    const res = await suggest([transfer, { to: targetAddress, value: '0', data: fail }]).expect(200);
    // A plain transfer: the CALL from the executor, measured inside it.
    expect(Number(res.body.actions[0].gasUsed)).toBeGreaterThan(0);
    expect(Number(res.body.actions[0].gasUsed)).toBeLessThan(21_000);
    expect(res.body.actions[1]).toMatchObject({ ok: false, error: expect.stringMatching(/fails/) });
    const bad = await suggest([{ to: 'nowhere', value: '0', data: '0x' }]).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'actions.0.to' });
    await suggest([]).expect(400);
  });

  it('measures each action after the earlier ones, as execute runs them: a floor measured alone would starve it', async () => {
    stack.clock.now += 60; // a new minute for the per-IP count
    const to = await sequence.getAddress();
    const setWork = { to, value: '0', data: sequence.interface.encodeFunctionData('setWork', [40]) };
    const run = { to, value: '0', data: sequence.interface.encodeFunctionData('run', []) };
    const inOrder = await suggest([setWork, run]).expect(200);
    const alone = await suggest([run]).expect(200);
    const [, runInOrder] = inOrder.body.actions as { ok: true; gasUsed: string; gas: string }[];
    const [runAlone] = alone.body.actions as { ok: true; gasUsed: string; gas: string }[];
    expect(inOrder.body.actions[0]).toMatchObject({ ok: true });
    expect(runInOrder).toMatchObject({ ok: true });
    // After setWork(40) the inner call fills 40 fresh slots (over 20,000 gas each); alone it fills none.
    expect(BigInt(runInOrder!.gasUsed)).toBeGreaterThan(BigInt(runAlone!.gasUsed) + 40n * 20_000n);
    expect(BigInt(runInOrder!.gas)).toBe(suggestedGasFloor(BigInt(runInOrder!.gasUsed)));
    // The floor measured alone is less than what run() uses after setWork: it would starve it.
    expect(BigInt(runAlone!.gas)).toBeLessThan(BigInt(runInOrder!.gasUsed));
    // Nothing stays: the measurement always reverts.
    expect(await sequence.getFunction('work')()).toBe(0n);
  });

  it('says which action fails after the earlier ones, and does not measure the actions after a failure', async () => {
    stack.clock.now += 60;
    const fail = { to: targetAddress, value: '0', data: target.interface.encodeFunctionData('fail', ['no']) };
    const record = { to: targetAddress, value: '0', data: target.interface.encodeFunctionData('record', [1]) };
    const first = await suggest([fail, record]).expect(200);
    expect(first.body.actions).toEqual([
      { ok: false, error: expect.stringMatching(/fails when the executor .* makes it now with/) },
      { ok: false, error: expect.stringMatching(/^not measured: an earlier action \(number 1\) fails/) },
    ]);
    // Each pays 6 of the executor's 10 IOTX: either alone could, the second cannot after the first.
    const pay = { ...record, value: parseEther('6').toString() };
    const paying = await suggest([pay, pay]).expect(200);
    expect(paying.body.actions[0]).toMatchObject({ ok: true });
    expect(paying.body.actions[1]).toMatchObject({
      ok: false,
      error: expect.stringMatching(/fails when the executor .* makes it now after the earlier actions/),
    });
    expect(await stack.provider.getBalance(EXECUTOR)).toBe(parseEther('10'));
  });

  it('checks each floor by making the call again with just that gas: a target that keeps gas back gets what it needs, not what it uses', async () => {
    stack.clock.now += 60;
    const to = await reserving.getAddress();
    const record = { to: targetAddress, value: '0', data: target.interface.encodeFunctionData('record', [1]) };
    const run = { to, value: '0', data: reserving.interface.encodeFunctionData('run', []) };
    const runIfAbove = { to, value: '0', data: reserving.interface.encodeFunctionData('runIfAbove', [200_000]) };
    const res = await suggest([record, run, runIfAbove]).expect(200);
    const [plain, reserved, branching] = res.body.actions as { ok: true; gasUsed: string; gas: string }[];
    expect(res.body.actions).toEqual([
      { ok: true, gasUsed: expect.any(String), gas: expect.any(String) },
      { ok: true, gasUsed: expect.any(String), gas: expect.any(String) },
      { ok: true, gasUsed: expect.any(String), gas: expect.any(String) },
    ]);
    // A plain target does at its floor what it does with ample gas: the floor is the gas used plus a quarter.
    expect(BigInt(plain!.gas)).toBe(suggestedGasFloor(BigInt(plain!.gasUsed)));
    // run() uses a few tens of thousands with ample gas, but needs its 100,000 kept back and its inner
    // call's storage write (over 20,000) on top: its floor is that, not the gas used plus a quarter.
    expect(BigInt(reserved!.gasUsed)).toBeLessThan(50_000n);
    expect(BigInt(reserved!.gas)).toBeGreaterThan(100_000n + 20_000n);
    // runIfAbove(200000) likewise: its floor keeps more than 200,000 for its test.
    expect(BigInt(branching!.gasUsed)).toBeLessThan(50_000n);
    expect(BigInt(branching!.gas)).toBeGreaterThan(200_000n);

    // On chain: a transaction that gives run() more than its used-gas floor, but only a little more than
    // its reserve, starves its inner call, which is swallowed (the transaction succeeds, nothing counted);
    // one that gives it the checked floor counts.
    const usedFloor = suggestedGasFloor(BigInt(reserved!.gasUsed));
    expect(usedFloor).toBeLessThan(RESERVE + 10_000n);
    const starved = await (
      await reserving.getFunction('run')({ gasLimit: intrinsicGas(run.data) + RESERVE + 10_000n })
    ).wait();
    expect(starved.status).toBe(1);
    expect(await reserving.getFunction('runs')()).toBe(0n);
    const fed = await (
      await reserving.getFunction('run')({ gasLimit: intrinsicGas(run.data) + BigInt(reserved!.gas) })
    ).wait();
    expect(fed.status).toBe(1);
    expect(await reserving.getFunction('runs')()).toBe(1n);
  });

  it('gives no floor for a call that no gas a measurement can give does what it does with ample gas, and checks the later ones', async () => {
    stack.clock.now += 60;
    const to = await reserving.getAddress();
    // With ample gas the call gets about 9,810,000 (63/64 of what the measurement has left) and counts;
    // given a limit, the most measureGas can give it is about 60,000 less (a call's overhead): it never does.
    const greedy = { to, value: '0', data: reserving.interface.encodeFunctionData('runIfAbove', [9_785_000]) };
    const record = { to: targetAddress, value: '0', data: target.interface.encodeFunctionData('record', [1]) };
    const res = await suggest([greedy, record]).expect(200);
    expect(res.body.actions[0]).toEqual({
      ok: false,
      error: expect.stringMatching(
        new RegExp(
          `^the call behaves differently with less gas than ${AMPLE_GAS.toLocaleString('en-US')}: .*type a floor yourself$`,
        ),
      ),
    });
    const [, later] = res.body.actions as { ok: true; gasUsed: string; gas: string }[];
    expect(later).toMatchObject({ ok: true });
    expect(BigInt(later!.gas)).toBe(suggestedGasFloor(BigInt(later!.gasUsed)));
    expect(await reserving.getFunction('ampleRuns')()).toBe(0n);
  });

  it('refuses a space without an executor, or whose executor is not deployed, with a code of its own', async () => {
    const transfer = { to: devWallet(5).address, value: '0', data: '0x' };
    const bare = await suggest([transfer], 'bare').expect(422);
    expect(bare.body.error).toMatchObject({ code: 'no_executor', field: 'id' });
    const empty = await suggest([transfer], 'empty').expect(422);
    expect(empty.body.error.code).toBe('no_gas_meter');
    expect(empty.body.error.message).toContain(EMPTY_EXECUTOR);
    await suggest([transfer], 'nope').expect(404);
  });

  it('measures one request at a time for an IP address: another sent meanwhile gets 429', async () => {
    stack.clock.now += 60; // a new minute for the per-IP count
    const transfer = { to: devWallet(5).address, value: '0', data: '0x' };
    const [first, second] = await Promise.all([suggest([transfer, transfer, transfer]), suggest([transfer])]);
    expect(first.status).toBe(200);
    expect(second.status).toBe(429);
    expect(second.body.error).toMatchObject({ code: 'one_at_a_time' });
    // Once the first is answered, the address may measure again.
    await suggest([transfer]).expect(200);
  });

  it('counts each measured action against its IP address: 429 beyond the limit', async () => {
    stack.clock.now += 60;
    // Seven actions a minute in this stack.
    const transfer = { to: devWallet(5).address, value: '0', data: '0x' };
    await suggest([transfer, transfer, transfer, transfer, transfer, transfer]).expect(200);
    await suggest([transfer]).expect(200);
    const limited = await suggest([transfer]).expect(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited' });
    expect(limited.body.error.message).toMatch(/at most 7 actions are measured a minute from one IP address/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
