// GET /api/power/:space/:address on the whole service (local chain with the demo stake, SQLite).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';

import { toIoAddress } from '../../server/address.js';
import type { SpaceFile } from '../../server/spaces/schema.js';
import { DEMO_ACCOUNTS, demoBucketsOf, demoVotingPower } from '../../scripts/lib/demo-stake.js';
import { installMulticall3 } from '../../scripts/lib/multicall-standin.js';
import { WIOTX_ADDRESS, installWiotxStandIn, wiotxActions } from '../../scripts/lib/wiotx-standin.js';
import { TEST_SPACE, startTestStack, type TestStack } from '../support/stack.js';

const BALANCES: SpaceFile = {
  ...TEST_SPACE,
  id: 'balances',
  strategies: [
    { name: 'iotex-staking' },
    { name: 'native-balance' },
    { name: 'erc20-balance', params: { address: WIOTX_ADDRESS } },
  ],
};

describe('GET /api/power/:space/:address', () => {
  let stack: TestStack;
  let url: string;
  let deposited: number;
  const [first, second] = DEMO_ACCOUNTS as [(typeof DEMO_ACCOUNTS)[0], (typeof DEMO_ACCOUNTS)[0]];
  const noStake = DEMO_ACCOUNTS[6]!.address;

  beforeAll(async () => {
    stack = await startTestStack({}, [TEST_SPACE, BALANCES]);
    url = stack.service.url;
    await installMulticall3(stack.provider);
    await installWiotxStandIn(stack.provider);
    deposited = await wiotxActions.deposit(stack.provider, second.address, 25n * 10n ** 18n);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers at the head when no block is given, and says so', async () => {
    const head = Number(await stack.provider.send('eth_blockNumber', []));
    const res = await request(url).get(`/api/power/test/${first.address}`).expect(200);
    expect(res.body).toMatchObject({
      space: 'test',
      block: head,
      blockIsHead: true,
      address: first.address,
      ioAddress: toIoAddress(first.address),
      total: demoVotingPower()[first.address]!.toString(),
    });
    const staking = res.body.strategies[0];
    expect(staking.name).toBe('iotex-staking');
    expect(staking.power).toBe(res.body.total);
    expect(staking.buckets).toHaveLength(demoBucketsOf(first.address).length);
    expect(staking.buckets[0]).toMatchObject({
      kind: 'native',
      contract: null,
      amount: (2_000_000n * 10n ** 18n).toString(),
      durationSeconds: 365 * 86_400,
      autoStake: true,
      status: 'staked',
    });
    expect(staking.buckets[0].candidate).toEqual({
      address: expect.stringMatching(/^0x/),
      ioAddress: expect.stringMatching(/^io1/),
    });
  });

  it('answers at a given block, for an io1 address too', async () => {
    const res = await request(url).get(`/api/power/test/${toIoAddress(first.address)}?block=${stack.snapshot}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ block: stack.snapshot, blockIsHead: false, address: first.address });
    expect(res.body.total).toBe(demoVotingPower()[first.address]!.toString());
    const none = await request(url).get(`/api/power/test/${noStake}?block=${stack.snapshot}`).expect(200);
    expect(none.body).toMatchObject({ total: '0', strategies: [{ name: 'iotex-staking', power: '0', buckets: [] }] });
  });

  it('sums every strategy of the space, with the token in both forms', async () => {
    const res = await request(url).get(`/api/power/balances/${second.address}?block=${deposited}`).expect(200);
    const [staking, native, erc20] = res.body.strategies as { name: string; power: string; token?: unknown }[];
    expect([staking!.name, native!.name, erc20!.name]).toEqual(['iotex-staking', 'native-balance', 'erc20-balance']);
    expect(staking!.power).toBe(demoVotingPower()[second.address]!.toString());
    expect(native!.power).toBe((await stack.provider.getBalance(second.address, deposited)).toString());
    expect(erc20).toEqual({
      name: 'erc20-balance',
      token: { address: WIOTX_ADDRESS, ioAddress: toIoAddress(WIOTX_ADDRESS) },
      power: (25n * 10n ** 18n).toString(),
    });
    expect(BigInt(res.body.total)).toBe(BigInt(staking!.power) + BigInt(native!.power) + BigInt(erc20!.power));
    const before = await request(url)
      .get(`/api/power/balances/${second.address}?block=${deposited - 1}`)
      .expect(200);
    expect(before.body.strategies[2].power).toBe('0');
  });

  it('names the field of a bad request', async () => {
    const error = async (path: string, status: number) => (await request(url).get(path).expect(status)).body.error;
    expect(await error(`/api/power/nope/${first.address}`, 404)).toMatchObject({
      code: 'unknown_space',
      field: 'space',
    });
    expect(await error('/api/power/test/0x1234', 400)).toMatchObject({ code: 'invalid_address', field: 'address' });
    expect(await error(`/api/power/test/${first.address}?block=abc`, 400)).toMatchObject({
      code: 'invalid_block',
      field: 'block',
    });
    expect(await error(`/api/power/test/${first.address}?block=-1`, 400)).toMatchObject({ field: 'block' });
    expect(await error(`/api/power/test/${first.address}?block=1&block=2`, 400)).toMatchObject({ field: 'block' });
    const future = await error(`/api/power/test/${first.address}?block=99999999`, 400);
    expect(future).toMatchObject({
      code: 'snapshot_in_future',
      field: 'block',
      message: expect.stringMatching(/head/),
    });
  });
});
