// What voting power costs the node: HTTP requests counted by a proxy between the service and a real
// local chain. 10,000 voters at one block take about 100 requests (batches of 100 calls), not
// 10,000; a second look-up of the same voters at the same block takes none.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JsonRpcProvider, getAddress, parseEther } from 'ethers';

import { connectChain, type Chain } from '../../server/chain/provider.js';
import { openDatabase, type Database } from '../../server/db/index.js';
import { createPowerService, type PowerService } from '../../server/power/index.js';
import { voteWeight } from '../../server/power/weight.js';
import { spaceSchema, type Space } from '../../server/spaces/schema.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { NativeStakingAdmin, installNativeStakingStandIn } from '../../scripts/lib/staking-standin.js';
import { startRpcProxy, type RpcProxy } from '../support/rpc-proxy.js';
import { TEST_SPACE } from '../support/stack.js';
import { tempDir } from '../support/temp.js';

const VOTERS = 10_000;
const PAGE = 8;
const DAY = 86_400;
const addr = (n: number) => getAddress(`0x${(0xc0ffee00000 + n).toString(16).padStart(40, '0')}`);

const STAKING: Space = spaceSchema.parse({ ...TEST_SPACE, id: 'requests' });

describe('power look-ups in batches', () => {
  const dir = tempDir('power-requests');
  let localChain: LocalChain;
  let proxy: RpcProxy;
  let chain: Chain;
  const dbs: Database[] = [];
  let block: number;
  const voters: string[] = [];
  const expected = new Map<string, bigint>();
  /** Voters with more buckets than one page (PAGE). */
  const big = [addr(1), addr(2)];

  /** A power service that has made its once-per-process node check (not counted below). */
  const service = async (file: string): Promise<PowerService> => {
    const db = await openDatabase(`file:${dir.path}/${file}`);
    dbs.push(db);
    const power = createPowerService({ chain, db, pageSize: PAGE });
    await expect(power.historicState()).resolves.toMatchObject({ ok: true });
    return power;
  };

  beforeAll(async () => {
    localChain = await startLocalChain();
    const provider = new JsonRpcProvider(localChain.url, localChain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    await installNativeStakingStandIn(provider);
    const admin = await NativeStakingAdmin.connect(provider);
    const candidate = addr(0);
    await admin.registerCandidate({ owner: candidate, operator: candidate, reward: candidate, name: 'requests' });
    const stake = async (owner: string, iotx: number, days: number) => {
      await admin.createBucket({
        owner,
        candidate,
        amount: parseEther(String(iotx)),
        durationDays: days,
        autoStake: false,
      });
      expected.set(owner, (expected.get(owner) ?? 0n) + voteWeight(parseEther(String(iotx)), days * DAY, false, false));
    };
    // Two voters with more than a page (9 native + 2 NFT buckets), 30 with one or two buckets.
    for (const [v, owner] of big.entries()) {
      for (let i = 0; i < PAGE + 1; i++) await stake(owner, 100 + i, i);
      for (const tokenId of [1n, 2n].map((t) => t + BigInt(10 * v))) {
        await admin.createNftBucket({
          contractAddress: addr(99_000),
          tokenId,
          owner,
          candidate,
          amount: parseEther('10'),
          durationBlocks: 17_280n,
          autoStake: false,
        });
        // 17,280 blocks of 2.5 s: the local chain is past Wake.
        expected.set(owner, expected.get(owner)! + voteWeight(parseEther('10'), 17_280 * 2.5, false, false));
      }
    }
    for (let n = 10; n < 40; n++) {
      await stake(addr(n), n * 1000, n % 7);
      if (n % 2 === 0) await stake(addr(n), 5, 30);
    }
    block = Number(await provider.send('eth_blockNumber', []));
    for (let i = 0; i < 2; i++) await provider.send('evm_mine', []); // final: cached
    provider.destroy();

    // Most of the 10,000 voters hold nothing: the request count depends on voters, not on stake.
    voters.push(...big, ...Array.from({ length: 30 }, (_, i) => addr(10 + i)));
    for (let n = 1000; voters.length < VOTERS; n++) voters.push(addr(n));

    proxy = await startRpcProxy(localChain.url);
    chain = await connectChain(proxy.url);
  });

  afterAll(async () => {
    chain?.provider.destroy();
    for (const db of dbs) await db.close();
    await proxy?.close();
    await localChain?.stop();
    dir.remove();
  });

  it('reads 10,000 voters in about 100 requests, and a second time in none', async () => {
    const power = await service('governance.db');
    proxy.reset();
    const powers = await power.powerAt(STAKING, voters, block);

    expect(powers.size).toBe(VOTERS);
    for (const voter of voters) expect([voter, powers.get(voter)?.total]).toEqual([voter, expected.get(voter) ?? 0n]);
    // One read per voter, one more for each voter with a full first page, the candidate list and its
    // one candidate read by id, and the head and block header (for the cache key).
    expect(Object.fromEntries(proxy.methods)).toEqual({
      eth_call: VOTERS + big.length + 2,
      eth_blockNumber: 1,
      eth_getBlockByNumber: 1,
    });
    expect(proxy.largestBatch).toBe(100);
    // 10,006 calls: at least 101 requests; the re-reads of the two large voters may travel apart.
    expect(proxy.requests).toBeGreaterThanOrEqual(101);
    expect(proxy.requests).toBeLessThanOrEqual(104);

    proxy.reset();
    const again = await power.powerAt(STAKING, voters, block);
    expect(proxy.requests).toBe(0);
    expect(again).toEqual(powers);

    // A restarted service (same database, nothing in memory) only asks for the block's hash.
    const restarted = await service('governance.db');
    proxy.reset();
    expect(await restarted.powerAt(STAKING, voters, block)).toEqual(powers);
    expect(proxy.requests).toBe(1);
    expect(Object.fromEntries(proxy.methods)).toEqual({ eth_blockNumber: 1, eth_getBlockByNumber: 1 });
  });

  it('coalesces concurrent look-ups at one block: each voter is read once', async () => {
    const power = await service('coalesce.db');
    proxy.reset();
    const first = voters.slice(0, 150);
    const second = voters.slice(100, 250);
    const [a, b] = await Promise.all([power.powerAt(STAKING, first, block), power.powerAt(STAKING, second, block)]);
    expect([...a.keys()]).toEqual(first);
    expect([...b.keys()]).toEqual(second);
    for (const voter of second.slice(0, 50)) expect(b.get(voter)).toEqual(a.get(voter));
    // 250 distinct voters (2 of them large), one candidate set (list and one by id) shared by both look-ups.
    expect(proxy.methods.get('eth_call')).toBe(250 + big.length + 2);
    expect(proxy.requests).toBeLessThanOrEqual(6);
  });
});
