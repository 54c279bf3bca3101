// POST /api/spaces/:id/action-gas: the gas floor an honest client signs for each action. The attack it
// answers: the lowest gas at which a call does not revert (eth_estimateGas) starves a target that
// swallows the failure of an inner call, so a proposal signed with it would burn without its effect.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Contract, ContractFactory, ZeroAddress } from 'ethers';
import request from 'supertest';
import { getCompiledContract } from '../../scripts/lib/solidity.js';
import { devWallet } from '../support/signing.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('POST /api/spaces/:id/action-gas', () => {
  let stack: TestStack;
  let target: Contract;
  let targetAddress: string;

  beforeAll(async () => {
    stack = await startTestStack();
    const artifact = await getCompiledContract('GovernedTarget', { files: ['test/GovernedTarget.sol'] });
    const deployed = await new ContractFactory(
      artifact.abi,
      artifact.bytecode,
      devWallet(3).connect(stack.provider),
    ).deploy();
    await deployed.waitForDeployment();
    targetAddress = await deployed.getAddress();
    target = new Contract(targetAddress, artifact.abi, devWallet(3).connect(stack.provider));
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const suggest = (actions: unknown[]) =>
    request(stack.service.url).post('/api/spaces/test/action-gas').send({ actions });

  it('suggests what the call used with ample gas plus a margin, which a swallowing target needs', async () => {
    const data = target.interface.encodeFunctionData('recordSwallowing', [7]);
    const res = await suggest([{ to: targetAddress, value: '0', data }]).expect(200);
    expect(res.body.from).toBeNull(); // the test space has no executor: run from the zero address
    const [suggestion] = res.body.actions as { ok: true; gasUsed: string; gas: string }[];
    const gasUsed = BigInt(suggestion!.gasUsed);
    expect(BigInt(suggestion!.gas)).toBe(gasUsed + (gasUsed / 4n > 10_000n ? gasUsed / 4n : 10_000n));

    // An estimate without margin (what a plain estimateGas gives: here, exactly the gas used) starves the
    // inner call, which gets only 63/64 of what is left: the call "succeeds" and records nothing.
    const estimate = await stack.provider.estimateGas({ from: ZeroAddress, to: targetAddress, data });
    expect(estimate).toBeLessThanOrEqual(gasUsed);
    const starved = await (await target.getFunction('recordSwallowing')(7, { gasLimit: estimate })).wait();
    expect(starved.status).toBe(1);
    expect(await target.getFunction('value')()).toBe(0n);
    // The suggested floor gives it what it needs.
    const fed = await (await target.getFunction('recordSwallowing')(7, { gasLimit: BigInt(suggestion!.gas) })).wait();
    expect(fed.status).toBe(1);
    expect(await target.getFunction('value')()).toBe(7n);
  });

  it('says which actions fail when run now, and refuses what is not an action list', async () => {
    const fail = target.interface.encodeFunctionData('fail', ['no']);
    const transfer = { to: devWallet(5).address, value: '0', data: '0x' };
    const res = await suggest([transfer, { to: targetAddress, value: '0', data: fail }]).expect(200);
    expect(res.body.actions[0]).toMatchObject({ ok: true, gasUsed: '21000', gas: '31000' });
    expect(res.body.actions[1]).toMatchObject({ ok: false, error: expect.stringMatching(/fails when run now/) });
    const bad = await suggest([{ to: 'nowhere', value: '0', data: '0x' }]).expect(400);
    expect(bad.body.error).toMatchObject({ code: 'invalid_request', field: 'actions.0.to' });
    await suggest([]).expect(400);
    await request(stack.service.url)
      .post('/api/spaces/nope/action-gas')
      .send({ actions: [transfer] })
      .expect(404);
  });
});
