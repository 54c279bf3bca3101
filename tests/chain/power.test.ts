// Voting power on a real local chain (staking stand-in at the staking protocol's address, Multicall3
// at its canonical address, a WIOTX-like token) and a real SQLite database.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Interface, JsonRpcProvider, getAddress, parseEther } from 'ethers';

import { toIoAddress } from '../../server/address.js';
import { connectChain, type Chain } from '../../server/chain/provider.js';
import { openDatabase, type Database } from '../../server/db/index.js';
import { PowerError, createPowerService, type AddressPower, type PowerService } from '../../server/power/index.js';
import { STAKING_FRAGMENTS } from '../../server/power/abi.js';
import { voteWeight } from '../../server/power/weight.js';
import { spaceSchema, type Space, type SpaceFile } from '../../server/spaces/schema.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { installMulticall3 } from '../../scripts/lib/multicall-standin.js';
import {
  NATIVE_STAKING_ADDRESS,
  NativeStakingAdmin,
  installNativeStakingStandIn,
} from '../../scripts/lib/staking-standin.js';
import { WIOTX_ADDRESS, installWiotxStandIn, sendAs, wiotxActions } from '../../scripts/lib/wiotx-standin.js';
import { TEST_SPACE } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

const DAY = 86_400;
/** A fresh address per number (voters never sign here). */
const addr = (n: number) => getAddress(`0x${(0xb0b0000 + n).toString(16).padStart(40, '0')}`);
const NFT_V1 = addr(900);
const NFT_V2 = addr(901);
const iotx = (n: string | number) => parseEther(String(n));

function space(strategies: SpaceFile['strategies']): Space {
  return spaceSchema.parse({ ...TEST_SPACE, strategies });
}
const STAKING = space([{ name: 'iotex-staking' }]);
const ALL = space([
  { name: 'iotex-staking' },
  { name: 'native-balance' },
  { name: 'erc20-balance', params: { address: WIOTX_ADDRESS } },
]);

describe('voting power on the local chain', () => {
  const dir = tempDir('power');
  let localChain: LocalChain;
  let provider: JsonRpcProvider;
  let admin: NativeStakingAdmin;
  let chain: Chain;
  let db: Database;
  let power: PowerService;
  const extraDbs: Database[] = [];
  const candidates = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].map((name, i) => ({ name, owner: addr(i + 1) }));
  const [alpha, beta] = candidates as [(typeof candidates)[0], (typeof candidates)[0]];

  const head = async () => Number(await provider.send('eth_blockNumber', []));
  const mine = async (blocks: number) => {
    for (let i = 0; i < blocks; i++) await provider.send('evm_mine', []);
  };
  const one = async (svc: PowerService, s: Space, address: string, block: number): Promise<AddressPower> =>
    (await svc.powerAt(s, [address], block)).get(address)!;
  /** A power service with its own empty database: nothing cached, every value read from the chain. */
  const freshService = async (options: { pageSize?: number; rpcUrl?: string } = {}) => {
    const fresh = await openDatabase(`file:${dir.path}/fresh-${extraDbs.length}.db`);
    extraDbs.push(fresh);
    const c = options.rpcUrl ? await connectChain(options.rpcUrl) : chain;
    return createPowerService({ chain: c, db: fresh, pageSize: options.pageSize ?? 4, ...options });
  };

  beforeAll(async () => {
    localChain = await startLocalChain();
    provider = new JsonRpcProvider(localChain.url, localChain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    await installNativeStakingStandIn(provider);
    await installMulticall3(provider);
    await installWiotxStandIn(provider);
    admin = await NativeStakingAdmin.connect(provider);
    for (const c of candidates)
      await admin.registerCandidate({ owner: c.owner, operator: c.owner, reward: c.owner, name: c.name });
    chain = await connectChain(localChain.url);
    db = await openDatabase(`file:${dir.path}/governance.db`);
    // A page of 4: several tests need more buckets (and candidates) than one page.
    power = createPowerService({ chain, db, pageSize: 4 });
  });

  afterAll(async () => {
    chain?.provider.destroy();
    provider?.destroy();
    await db?.close();
    for (const extra of extraDbs) await extra.close();
    await localChain?.stop();
    dir.remove();
  });

  it('does not change power at a block when stake is added or removed after it', async () => {
    const voter = addr(110);
    const b = await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx('1000'),
      durationDays: 30,
      autoStake: false,
    });
    await admin.createNftBucket({
      contractAddress: NFT_V1,
      tokenId: 110n,
      owner: voter,
      candidate: beta.owner,
      amount: iotx('500'),
      durationBlocks: 17_280n,
      autoStake: false,
    });
    const snapshot = await head();
    await mine(2); // final: cached from here on
    const before = await one(power, STAKING, voter, snapshot);
    expect(before.total).toBe(
      voteWeight(iotx('1000'), 30 * DAY, false, false) + voteWeight(iotx('500'), 17_280 * 2.5, false, false),
    );

    await admin.setBucketAmount(b.index, iotx('5000'));
    await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx('2000'),
      durationDays: 7,
      autoStake: true,
    });
    await admin.unstakeNftBucket(NFT_V1, 110n);
    await admin.createNftBucket({
      contractAddress: NFT_V1,
      tokenId: 111n,
      owner: voter,
      candidate: beta.owner,
      amount: iotx('700'),
      durationBlocks: 100n,
      autoStake: true,
    });
    const later = await head();

    // The cached answer, and one read from the chain by a service with an empty cache, agree.
    expect(await one(power, STAKING, voter, snapshot)).toEqual(before);
    expect(await one(await freshService(), STAKING, voter, snapshot)).toEqual(before);
    // ... while the head has changed: the reads really are at the snapshot block.
    const now = await one(power, STAKING, voter, later);
    expect(now.total).toBe(
      voteWeight(iotx('5000'), 30 * DAY, false, false) +
        voteWeight(iotx('2000'), 7 * DAY, true, false) +
        voteWeight(iotx('700'), 100 * 2.5, true, false),
    );
  });

  it('reads every bucket of a voter with more than one page of them (native and NFT)', async () => {
    const voter = addr(120);
    const full = addr(121);
    const native: bigint[] = [];
    for (let i = 0; i < 6; i++) {
      native.push(
        (
          await admin.createBucket({
            owner: voter,
            candidate: alpha.owner,
            amount: iotx(i + 1),
            durationDays: i,
            autoStake: false,
          })
        ).index,
      );
    }
    for (const tokenId of [201n, 202n, 203n]) {
      await admin.createNftBucket({
        contractAddress: NFT_V1,
        tokenId,
        owner: voter,
        candidate: beta.owner,
        amount: iotx(10),
        durationBlocks: 17_280n,
        autoStake: false,
      });
    }
    // Exactly one page (4 = 3 native + 1 NFT): a full page, so it is read again, and nothing is doubled.
    for (let i = 0; i < 3; i++)
      await admin.createBucket({
        owner: full,
        candidate: alpha.owner,
        amount: iotx(1),
        durationDays: 1,
        autoStake: false,
      });
    await admin.createNftBucket({
      contractAddress: NFT_V2,
      tokenId: 204n,
      owner: full,
      candidate: alpha.owner,
      amount: iotx(1),
      durationBlocks: 1n,
      autoStake: false,
    });
    const block = await head();

    // One page at offset 0 holds only the first 4 (and offset paging would repeat the NFT buckets).
    const iface = new Interface(STAKING_FRAGMENTS);
    const firstPage = iface.decodeFunctionResult(
      'compositeBucketsByVoterV3',
      await provider.call({
        to: NATIVE_STAKING_ADDRESS,
        data: iface.encodeFunctionData('compositeBucketsByVoterV3', [voter, 0, 4]),
      }),
    )[0] as unknown[];
    expect(firstPage).toHaveLength(4);

    const keys = (p: AddressPower) => {
      const s = p.strategies[0]!;
      return s.name === 'iotex-staking'
        ? s.buckets.map((b) => `${b.contractAddress ? 'nft' : 'native'}:${b.index}`)
        : [];
    };
    const paged = await one(power, STAKING, voter, block);
    expect(keys(paged)).toEqual([...native.map((i) => `native:${i}`), 'nft:201', 'nft:202', 'nft:203']);
    const expectedTotal =
      native.reduce((sum, _, i) => sum + voteWeight(iotx(i + 1), i * DAY, false, false), 0n) +
      3n * voteWeight(iotx(10), 17_280 * 2.5, false, false);
    expect(paged.total).toBe(expectedTotal);
    expect(keys(await one(power, STAKING, full, block))).toHaveLength(4);
    // A service whose first page holds everything agrees.
    const big = await freshService({ pageSize: 1000 });
    expect(await one(big, STAKING, voter, block)).toEqual(paged);
  });

  it('reads IOTX and ERC-20 balances at a past block, and sums the strategies', async () => {
    const voter = addr(130);
    const other = addr(131);
    const funder = (await provider.send('eth_accounts', []))[0] as string;
    const funded = await sendAs(provider, funder, { to: voter, value: iotx(10) });
    const deposited = await wiotxActions.deposit(provider, voter, iotx(4));
    const sent = await wiotxActions.transfer(provider, voter, other, iotx(1));
    const withdrawn = await wiotxActions.withdraw(provider, voter, iotx(1));
    const staked = await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx(100),
      durationDays: 0,
      autoStake: false,
    });

    const erc20 = space([{ name: 'erc20-balance', params: { address: WIOTX_ADDRESS } }]);
    const native = space([{ name: 'native-balance' }]);
    const wiotxAt = async (block: number) => (await one(power, erc20, voter, block)).total;
    expect(await wiotxAt(funded)).toBe(0n);
    expect(await wiotxAt(deposited)).toBe(iotx(4));
    expect(await wiotxAt(sent)).toBe(iotx(3));
    expect(await wiotxAt(withdrawn)).toBe(iotx(2));
    expect((await one(power, erc20, other, withdrawn)).total).toBe(iotx(1));
    for (const block of [funded - 1, funded, deposited, sent, withdrawn]) {
      // Through Multicall3's getEthBalance, equal to the node's own eth_getBalance at that block.
      expect([block, (await one(power, native, voter, block)).total]).toEqual([
        block,
        await provider.getBalance(voter, block),
      ]);
    }
    expect((await one(power, native, voter, funded)).total).toBe(iotx(10));

    const all = await one(power, ALL, voter, staked.blockNumber);
    expect(all.strategies.map((s) => s.name)).toEqual(['iotex-staking', 'native-balance', 'erc20-balance']);
    const [s, n, e] = all.strategies.map((x) => x.power) as [bigint, bigint, bigint];
    expect(s).toBe(voteWeight(iotx(100), 0, false, false));
    expect(n).toBe(await provider.getBalance(voter, staked.blockNumber));
    expect(e).toBe(iotx(2));
    expect(all.total).toBe(s + n + e);
    expect(all.strategies[2]).toMatchObject({ token: WIOTX_ADDRESS });
  });

  it('totals the chain’s weighted votes over every candidate, at the block', async () => {
    const votes = [11n, 22n, 33n, 44n, 55n].map((v) => v * 10n ** 21n);
    for (const [i, c] of candidates.entries()) await admin.setCandidateVotes(c.owner, votes[i]!);
    const block = await head();
    await admin.setCandidateVotes(candidates[4]!.owner, 1n); // after the block: not counted
    await mine(2);
    const sum = votes.reduce((a, b) => a + b, 0n);
    expect(await power.totalPowerAt(STAKING, block)).toBe(sum); // five candidates, read in one call
    expect(await power.totalPowerAt(ALL, block)).toBe(sum); // the same for every space
    expect(await (await freshService()).totalPowerAt(STAKING, block)).toBe(sum);
    expect(await power.totalPowerAt(STAKING, await head())).toBe(sum - votes[4]! + 1n);
  });

  it('caches power at final blocks only, keyed by address in either form', async () => {
    const voter = addr(140);
    await admin.createBucket({
      owner: voter,
      candidate: alpha.owner,
      amount: iotx(5),
      durationDays: 1,
      autoStake: false,
    });
    const block = await head();
    const rows = () => db.client.powerCache.count({ where: { block, address: voter } });
    const atHead = await power.powerAt(STAKING, [voter.toLowerCase(), toIoAddress(voter)], block);
    expect([...atHead.keys()]).toEqual([voter]);
    expect(await rows()).toBe(0); // the head can still change on a chain that reorganises
    await mine(2);
    const final = await power.powerAt(STAKING, [voter], block);
    expect(final).toEqual(atHead);
    expect(await rows()).toBe(1);
    await expect(power.powerAt(STAKING, ['0x1234'], block)).rejects.toMatchObject({ code: 'invalid_address' });
    await expect(power.powerAt(STAKING, [voter], (await head()) + 5)).rejects.toMatchObject({
      code: 'snapshot_in_future',
    });
  });

  it('refuses snapshot blocks ahead of the head, too old, block 0 or not block numbers, with stable codes', async () => {
    const rules = await freshService();
    const h = await head();
    await expect(rules.checkSnapshotBlock(h, 5)).resolves.toBeUndefined();
    await expect(rules.checkSnapshotBlock(h - 5, 5)).resolves.toBeUndefined();
    const future = await rules.checkSnapshotBlock(h + 1, 5).catch((e: unknown) => e);
    expect(future).toBeInstanceOf(PowerError);
    expect(future).toMatchObject({ code: 'snapshot_in_future', message: expect.stringContaining(`${h + 1}`) });
    await expect(rules.checkSnapshotBlock(h - 6, 5)).rejects.toMatchObject({ code: 'snapshot_too_old' });
    await expect(rules.checkSnapshotBlock(0, 5)).rejects.toMatchObject({
      code: 'snapshot_invalid',
      message: expect.stringMatching(/block 0 .* latest state/),
    });
    await expect(rules.checkSnapshotBlock(-1, 5)).rejects.toMatchObject({ code: 'snapshot_invalid' });
    await expect(rules.checkSnapshotBlock(1.5, 5)).rejects.toMatchObject({ code: 'snapshot_invalid' });
    await expect(rules.historicState()).resolves.toMatchObject({ ok: true });
  });
});
