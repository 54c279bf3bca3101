// The local chain answers as an iotex-core node does (scripts/lib/iotex-node/), for every node
// profile: raw JSON-RPC over fetch against a real Hardhat chain, nothing from the service's code.
import { readFileSync } from 'node:fs';

import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Interface, JsonRpcProvider, getAddress, type Result } from 'ethers';

import { LOCAL_CHAIN_START_HEIGHT, startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import type { NodeProfileName } from '../../scripts/lib/iotex-node/index.js';
import { MULTICALL3_ADDRESS, loadMulticall3StandIn } from '../../scripts/lib/multicall-standin.js';
import { NATIVE_STAKING_ADDRESS, NativeStakingAdmin, loadStandIn } from '../../scripts/lib/staking-standin.js';

/** The chain's staking ABI (iotex-core ethabi), not the stand-in's. */
const staking = new Interface(
  (JSON.parse(readFileSync('tests/fixtures/iotex/iotex-staking.json', 'utf8')) as { abi: string[] }).abi,
);
const multicall = new Interface([
  'function getBlockNumber() view returns (uint256)',
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[])',
]);
const EPOCH = 10;
const RETENTION = 20;
const UINT32_MAX = 2 ** 32 - 1;
const addr = (n: number) => getAddress(`0x${(0xc0de0000 + n).toString(16).padStart(40, '0')}`);
const hex = (n: number) => `0x${n.toString(16)}`;

interface Answer {
  jsonrpc: string;
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

describe('the local chain as an iotex-core node', () => {
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  let admin: NativeStakingAdmin;
  let startHead: number;
  /** Ten candidates in registration order, and one whose votes move through the tests. */
  const crowd = Array.from({ length: 10 }, (_, i) => ({ owner: addr(i + 1), name: `cand${i}` }));
  const mover = { owner: addr(50), name: 'mover' };

  const post = async (body: unknown): Promise<{ status: number; text: string; json?: unknown }> => {
    const res = await fetch(chain.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text ? (JSON.parse(text) as unknown) : undefined };
  };
  const rpc = async (method: string, params: unknown[] = [], id: unknown = 1): Promise<Answer> =>
    (await post({ jsonrpc: '2.0', id, method, params })).json as Answer;
  const result = async <T = string>(method: string, params: unknown[] = []): Promise<T> => {
    const answer = await rpc(method, params);
    if (answer.error) throw new Error(`${method}: ${JSON.stringify(answer.error)}`);
    return answer.result as T;
  };
  const head = async () => Number(await result('eth_blockNumber'));
  const mine = async (blocks = 1) => {
    for (let i = 0; i < blocks; i++) await result('evm_mine');
  };
  /** Mines until the head is the last block of an epoch. */
  const mineToEpochEnd = async () => {
    const h = await head();
    await mine((EPOCH - (h % EPOCH)) % EPOCH);
  };
  const stakingTx = (fn: string, args: unknown[] = []) => ({
    to: NATIVE_STAKING_ADDRESS,
    data: staking.encodeFunctionData(fn, args),
  });
  /** eth_call to the staking address; `tag` undefined: no block parameter at all. */
  const stakingCall = (fn: string, args: unknown[], tag?: unknown) =>
    rpc('eth_call', tag === undefined ? [stakingTx(fn, args)] : [stakingTx(fn, args), tag]);
  const decoded = async (fn: string, args: unknown[], tag?: unknown): Promise<Result> => {
    const answer = await stakingCall(fn, args, tag);
    if (answer.error) throw new Error(`${fn}: ${JSON.stringify(answer.error)}`);
    return staking.decodeFunctionResult(fn, answer.result as string)[0] as Result;
  };
  const candidates = async (tag?: unknown) =>
    [...(await decoded('candidatesV3', [0, UINT32_MAX], tag))] as unknown as {
      ownerAddress: string;
      name: string;
      totalWeightedVotes: bigint;
    }[];
  const moverVotes = async (tag?: unknown) =>
    (await candidates(tag)).find((c) => c.ownerAddress === mover.owner)?.totalWeightedVotes;
  const moverById = async (tag?: unknown) =>
    (await decoded('candidateByIDV3', [mover.owner], tag)).getValue('totalWeightedVotes') as bigint;
  const blockNumberCall = (tag: unknown) =>
    rpc('eth_call', [{ to: MULTICALL3_ADDRESS, data: multicall.encodeFunctionData('getBlockNumber') }, tag]);
  /** The block.number an EVM call at `tag` ran with (Multicall3.getBlockNumber()). */
  const executedOn = async (tag: unknown) => {
    const answer = await blockNumberCall(tag);
    if (answer.error) throw new Error(`getBlockNumber: ${JSON.stringify(answer.error)}`);
    return Number(multicall.decodeFunctionResult('getBlockNumber', answer.result as string)[0] as bigint);
  };
  const use = (profile: NodeProfileName) => chain.node.setProfile(profile);

  /** Blocks where the mover's votes were set: 100 at `v100`, then 200 at `v200`. */
  let v100: number;
  let v200: number;
  /** A fresh account funded at `funded` (zero balance below it). */
  const fundee = addr(77);
  let funded: number;

  beforeAll(async () => {
    chain = await startLocalChain({ epochLength: EPOCH, retentionBlocks: RETENTION });
    startHead = await head();
    provider = new JsonRpcProvider(chain.url, chain.chainId, { staticNetwork: true, cacheTimeout: -1 });
    admin = await NativeStakingAdmin.connect(provider);
    for (const c of crowd) await admin.registerCandidate({ ...c, operator: c.owner, reward: c.owner });
    await admin.registerCandidate({ ...mover, operator: mover.owner, reward: mover.owner });
    v100 = (await admin.setCandidateVotes(mover.owner, 100n)).blockNumber;
    await mine(2);
    v200 = (await admin.setCandidateVotes(mover.owner, 200n)).blockNumber;
    const [from] = (await result<string[]>('eth_accounts')) as [string];
    const tx = await result('eth_sendTransaction', [{ from, to: fundee, value: hex(12345) }]);
    funded = Number((await result<{ blockNumber: string }>('eth_getTransactionReceipt', [tx])).blockNumber);
    await mine(2);
  });

  afterEach(() => use('archive'));

  afterAll(async () => {
    provider?.destroy();
    await chain?.stop();
  });

  describe('the chain', () => {
    it('starts at LOCAL_CHAIN_START_HEIGHT with the staking stand-in and Multicall3 from block 1', async () => {
      expect(chain.startHeight).toBe(LOCAL_CHAIN_START_HEIGHT);
      expect(startHead).toBe(LOCAL_CHAIN_START_HEIGHT);
      expect(chain.url).not.toBe(chain.hardhatUrl);
      const stakingCode = (await loadStandIn()).deployedBytecode;
      const multicallCode = (await loadMulticall3StandIn()).deployedBytecode;
      for (const tag of ['0x1', hex(startHead), 'latest']) {
        expect(await result('eth_getCode', [NATIVE_STAKING_ADDRESS, tag])).toBe(stakingCode);
        expect(await result('eth_getCode', [MULTICALL3_ADDRESS, tag])).toBe(multicallCode);
      }
      expect(await result('eth_getCode', [MULTICALL3_ADDRESS, '0x0'])).toBe(multicallCode); // "0x0" is latest on v2.4
      // Inside the jumped range Hardhat itself has no state; the endpoint reads the range's end.
      expect(await result('eth_getCode', [MULTICALL3_ADDRESS, hex(25_000_000)])).toBe(multicallCode);
    });

    it('forwards what iotex-core does not change, single or batched, ids and order kept', async () => {
      const before = await head();
      const res = await post([
        { jsonrpc: '2.0', id: 'a', method: 'eth_chainId', params: [] },
        { jsonrpc: '2.0', id: 7, method: 'evm_mine', params: [] },
        { jsonrpc: '2.0', id: 8, method: 'eth_blockNumber', params: [] },
        { jsonrpc: '2.0', id: 9, method: 'hardhat_setBalance', params: [addr(90), '0x64'] },
        { jsonrpc: '2.0', id: 10, method: 'eth_getBalance', params: [addr(90), 'latest'] },
        { jsonrpc: '2.0', id: 11, method: 'net_version', params: [] },
        { jsonrpc: '2.0', id: null, method: 'eth_chainId', params: [] },
      ]);
      expect(res.status).toBe(200);
      expect(res.json).toEqual([
        { jsonrpc: '2.0', id: 'a', result: '0x7a69' },
        { jsonrpc: '2.0', id: 7, result: '0' }, // Hardhat's answer, passed on
        { jsonrpc: '2.0', id: 8, result: hex(before + 1) },
        { jsonrpc: '2.0', id: 9, result: true },
        { jsonrpc: '2.0', id: 10, result: '0x64' },
        { jsonrpc: '2.0', id: 11, result: '31337' },
        // api/web3server.go:290-300: any other id type is answered with id 0, after the call ran.
        { jsonrpc: '2.0', id: 0, error: { code: -32603, message: 'invalid id type' } },
      ]);
      const single = await rpc('eth_getBlockByNumber', [hex(before + 1), false], 42);
      expect(single).toMatchObject({ id: 42, result: { number: hex(before + 1) } });
    });
  });

  describe('envelope (api/web3server.go)', () => {
    it('accepts a batch of 100, refuses 101 as one error object without running any of it', async () => {
      const calls = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          jsonrpc: '2.0',
          id: i,
          method: i === 0 ? 'evm_mine' : 'eth_chainId',
          params: [],
        }));
      const before = await head();
      const ok = await post(calls(100));
      expect(ok.status).toBe(200);
      expect((ok.json as Answer[]).map((a) => a.id)).toEqual(Array.from({ length: 100 }, (_, i) => i));
      expect(await head()).toBe(before + 1);

      const refused = await post(calls(101));
      expect(refused.status).toBe(200);
      expect(refused.json).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32603, message: 'batch size 101 exceeds the limit 100: batch too large' },
      });
      expect(await head()).toBe(before + 1); // the evm_mine in it did not run
      expect((await post([])).json).toEqual([]);
    });

    it('answers malformed requests as iotex-core does', async () => {
      expect((await post('{not json')).json).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32603, message: 'failed to parse web3 requests.: request json format is not valid' },
      });
      expect(
        (
          await post([
            { jsonrpc: '2.0', id: 1, method: 'eth_chainId' },
            { jsonrpc: '2.0', id: 2 },
          ])
        ).json,
      ).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32603, message: 'failed to parse web3 requests.: request field is incomplete' },
      });
      // A null block parameter panics in blockNumberOrHashToHeight: HTTP 500, empty body, whole batch.
      const panic = await post([
        { jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] },
        { jsonrpc: '2.0', id: 2, method: 'eth_getBalance', params: [fundee, null] },
      ]);
      expect([panic.status, panic.text]).toEqual([500, '']);
      const get = await fetch(chain.url);
      expect(await get.text()).toBe('IoTeX RPC endpoint is ready.');
    });

    it('names the release in web3_clientVersion, per profile', async () => {
      const versions: Record<NodeProfileName, string> = {
        archive: 'v2.4.4/go version go1.24.6 linux/amd64',
        'non-archive': 'v2.4.4/go version go1.24.6 linux/amd64',
        'non-archive-v2.4.3': 'v2.4.3/go version go1.24.6 linux/amd64',
        'archive-v2.3': 'v2.3.8/go version go1.23.7 linux/amd64',
        'legacy-v2.3.2': 'v2.3.2/go version go1.23.7 linux/amd64',
        'staking-indexer': 'v2.4.4/go version go1.24.6 linux/amd64',
        pruned: 'v2.4.4/go version go1.24.6 linux/amd64',
      };
      for (const [profile, version] of Object.entries(versions)) {
        use(profile as NodeProfileName);
        expect(chain.node.profile).toBe(profile);
        expect([profile, await result('web3_clientVersion')]).toEqual([profile, version]);
      }
      expect(await result('net_version')).toBe('31337');
    });
  });

  describe('block parameters (rpc.BlockNumberOrHash, blockNumberOrHashToHeight)', () => {
    it('accepts hex only, with iotex-core’s messages', async () => {
      const err = async (method: string, params: unknown[]) => (await rpc(method, params)).error;
      const callErr = async (tag: unknown) => (await stakingCall('candidatesV3', [0, 10], tag)).error;
      expect(await callErr('100')).toEqual({
        code: -32603,
        message: 'failed to unmarshal height 100: hex string without 0x prefix',
      });
      expect(await callErr(100)).toEqual({
        code: -32603,
        message: 'failed to unmarshal height 100: json: cannot unmarshal number into Go value of type string',
      });
      expect(await callErr('0x064')).toEqual({
        code: -32603,
        message: 'failed to unmarshal height 0x064: hex number with leading zero digits',
      });
      expect(await callErr('foo')).toEqual({
        code: -32603,
        message: 'failed to unmarshal height foo: hex string without 0x prefix',
      });
      expect(await callErr({ blockNumber: hex(v100), blockHash: `0x${'1'.repeat(64)}` })).toMatchObject({
        message: expect.stringContaining('cannot specify both BlockHash and BlockNumber'),
      });
      // eth_getBalance does not wrap the error; eth_getTransactionCount does.
      expect(await err('eth_getBalance', [fundee, '100'])).toEqual({
        code: -32603,
        message: 'hex string without 0x prefix',
      });
      expect(await err('eth_getTransactionCount', [fundee, '100'])).toEqual({
        code: -32603,
        message: 'failed to unmarshal height 100: hex string without 0x prefix',
      });
      const unknown = `0x${'ab'.repeat(32)}`;
      for (const tag of [unknown, { blockHash: unknown }]) {
        expect(await callErr(tag)).toEqual({
          code: -32603,
          message: `failed to get block height by hash ${unknown}: not exist in DB: not found`,
        });
      }
    });

    it('reads latest for the tags and no tag, height 1 for earliest, a block for its hash', async () => {
      const latest = await moverVotes();
      expect(latest).toBe(200n);
      for (const tag of ['latest', 'pending', 'safe', 'finalized', '0x0'])
        expect([tag, await moverVotes(tag)]).toEqual([tag, 200n]);
      expect(await candidates('earliest')).toEqual([]); // block 1: the stand-in, no candidate yet
      expect(await result('eth_getBalance', [fundee, 'earliest'])).toBe('0x0');
      const block = await result<{ hash: string }>('eth_getBlockByNumber', [hex(v100), false]);
      expect(await moverVotes(block.hash)).toBe(100n);
      expect(await moverVotes({ blockHash: block.hash })).toBe(100n);
      expect(await moverVotes({ blockNumber: hex(v100) })).toBe(100n);
    });

    it('answers a staking read above the tip with the latest state, no error', async () => {
      const tip = await head();
      for (const profile of ['archive', 'non-archive'] as const) {
        use(profile);
        expect([profile, await moverVotes(hex(tip + 1000))]).toEqual([profile, 200n]);
      }
      // Other reads above the tip fail where ContextAtHeight finds no block.
      expect((await rpc('eth_getBalance', [fundee, hex(tip + 1000)])).error).toEqual({
        code: 13,
        message: `failed to get block at height ${tip + 1000}: not exist in DB`,
      });
    });
  });

  describe('history by profile', () => {
    it('archive: the state at the height, for staking, EVM and account reads', async () => {
      expect(await moverVotes(hex(v100))).toBe(100n);
      expect(await moverVotes(hex(v100 - 1))).toBe(0n);
      expect(await moverVotes(hex(v200))).toBe(200n);
      expect(await moverById(hex(v100))).toBe(100n);
      expect(await executedOn(hex(v100))).toBe(v100 + 1); // the next block on v100's state
      expect(await result('eth_getBalance', [fundee, hex(funded - 1)])).toBe('0x0');
      expect(await result('eth_getBalance', [fundee, hex(funded)])).toBe(hex(12345));
      expect(await result('eth_getCode', [NATIVE_STAKING_ADDRESS, '0x0'])).not.toBe('0x');
    });

    it('runs EVM calls as the next block on the state of the height (evm.SimulateExecution)', async () => {
      await mine(); // a block with no transaction: same state as the one before
      const quiet = (await head()) - 1;
      await mine();
      const tip = await head();
      expect(await executedOn('latest')).toBe(tip + 1);
      expect(await executedOn(hex(tip))).toBe(tip + 1);
      expect(await executedOn(hex(quiet))).toBe(quiet + 1);
      expect(await executedOn(hex(funded - 1))).toBe(funded); // block `funded` changed the state
      const balanceAt = (tag: string) =>
        rpc('eth_call', [
          {
            to: MULTICALL3_ADDRESS,
            data: new Interface(['function getEthBalance(address) view returns (uint256)']).encodeFunctionData(
              'getEthBalance',
              [fundee],
            ),
          },
          tag,
        ]);
      expect(BigInt((await balanceAt(hex(funded - 1))).result as string)).toBe(0n);
      expect(BigInt((await balanceAt(hex(funded))).result as string)).toBe(12345n);
    });

    it('non-archive (v2.4.4): refuses past heights, except EVM calls, which it answers at the tip', async () => {
      use('non-archive');
      const tip = await head();
      const message = (h: number) =>
        `historical state at height ${h} is not available on a non-archive node (current tip ${tip}); use an archive node: not supported`;
      expect((await stakingCall('candidatesV3', [0, 10], hex(v100))).error).toEqual({
        code: 5,
        message: message(v100),
      });
      expect((await stakingCall('candidateByIDV3', [mover.owner], hex(v100))).error).toEqual({
        code: 5,
        message: message(v100),
      });
      expect((await stakingCall('candidatesV3', [0, 10], 'earliest')).error).toEqual({ code: 5, message: message(1) });
      for (const [method, params] of [
        ['eth_getBalance', [fundee, hex(funded - 1)]],
        ['eth_getCode', [NATIVE_STAKING_ADDRESS, hex(funded - 1)]],
        ['eth_getStorageAt', [NATIVE_STAKING_ADDRESS, '0x0', hex(funded - 1)]],
        ['eth_getTransactionCount', [fundee, hex(funded - 1)]],
      ] as const) {
        expect([method, (await rpc(method, [...params])).error]).toEqual([
          method,
          { code: 13, message: message(funded - 1) },
        ]);
      }
      expect(await executedOn(hex(v100))).toBe(tip + 1);
      expect(await moverVotes(hex(tip))).toBe(200n); // the tip itself is not history
      expect(await moverVotes()).toBe(200n);
      expect(await result('eth_getBalance', [fundee, hex(tip)])).toBe(hex(12345));
    });

    it('non-archive v2.4.3: answers past heights with today’s state, silently', async () => {
      use('non-archive-v2.4.3');
      const tip = await head();
      expect(await moverVotes(hex(v100))).toBe(200n);
      expect(await moverById(hex(v100))).toBe(200n);
      expect(await result('eth_getBalance', [fundee, hex(funded - 1)])).toBe(hex(12345));
      expect(await executedOn(hex(v100))).toBe(tip + 1);
    });

    it('archive v2.3: the state at the height, but "0x0" is earliest, i.e. height 1', async () => {
      use('archive-v2.3');
      expect(await moverVotes(hex(v100))).toBe(100n);
      expect(await candidates('0x0')).toEqual([]);
      expect(await result('eth_getBalance', [fundee, '0x0'])).toBe('0x0');
      expect(await executedOn('0x0')).toBe(2);
      use('archive');
      expect(await moverVotes('0x0')).toBe(200n);
    });

    it('legacy v2.3.2: staking reads are always the latest state, whatever the tag', async () => {
      use('legacy-v2.3.2');
      expect(await moverVotes(hex(v100))).toBe(200n);
      expect(await moverVotes(hex(v100 - 1))).toBe(200n);
      expect(await moverVotes('earliest')).toBe(200n);
      expect(await moverVotes(`0x${'ab'.repeat(32)}`)).toBe(200n); // an unknown hash is not even looked up
      expect((await stakingCall('candidatesV3', [0, 10], '100')).error).toEqual({
        code: -32603,
        message: 'failed to unmarshal height 100: hex string without 0x prefix',
      });
      // The EVM and account reads of an archive node are historical.
      expect(await executedOn(hex(v100))).toBe(v100 + 1);
      expect(await result('eth_getBalance', [fundee, hex(funded - 1)])).toBe('0x0');
    });

    it('pruned: refuses heights below tip − retention', async () => {
      use('pruned');
      const tip = await head();
      const old = tip - RETENTION - 1;
      const message = `history is pruned, only supported for latest ${RETENTION} blocks, but requested height ${old}: not supported`;
      expect((await stakingCall('candidatesV3', [0, 10], hex(old))).error).toEqual({ code: 5, message });
      expect((await rpc('eth_getBalance', [fundee, hex(old)])).error).toEqual({ code: 13, message });
      // simulateExecution's Internal status wrapped again by readContract.
      expect((await blockNumberCall(hex(old))).error).toEqual({
        code: 13,
        message: `rpc error: code = Internal desc = ${message}`,
      });
      expect((await stakingCall('candidatesV3', [0, 10], hex(tip - RETENTION))).error).toBeUndefined();
      expect(await executedOn(hex(tip - RETENTION))).toBe(tip - RETENTION + 1);
    });
  });

  describe('staking protocol answers', () => {
    it('orders candidates at random per computation, the same bytes for identical calls in a block', async () => {
      const orders = new Set<string>();
      const batch = Array.from({ length: 20 }, (_, i) => ({
        jsonrpc: '2.0',
        id: i,
        method: 'eth_call',
        params: [stakingTx('candidatesV3', [0, 100 + i]), 'latest'],
      }));
      const tipBefore = await head();
      for (const a of (await post(batch)).json as Answer[]) {
        const list = staking.decodeFunctionResult('candidatesV3', a.result as string)[0] as Result;
        expect(list).toHaveLength(crowd.length + 1);
        orders.add([...list].map((c) => (c as unknown as { name: string }).name).join(','));
      }
      expect(orders.size).toBeGreaterThan(1);

      const same = Array.from({ length: 5 }, (_, i) => ({ ...batch[0], id: i }));
      const answers = ((await post(same)).json as Answer[]).map((a) => a.result);
      answers.push((await stakingCall('candidatesV3', [0, 100])).result);
      answers.push((await stakingCall('candidatesV3', [0, 100], hex(await head()))).result); // the tip's key
      expect(await head()).toBe(tipBefore);
      expect(new Set(answers).size).toBe(1);
      // Every new block clears the read cache: the same call is computed, and shuffled, again.
      const later = new Set([answers[0]]);
      for (let i = 0; i < 3; i++) {
        await mine();
        later.add((await stakingCall('candidatesV3', [0, 100])).result);
      }
      expect(later.size).toBeGreaterThan(1);
    });

    it('pages as getPageOfArray does, so offset paging can repeat or miss candidates', async () => {
      expect(await decoded('candidatesV3', [crowd.length + 1, 10])).toHaveLength(0);
      expect(await decoded('candidatesV3', [0, 0])).toHaveLength(0);
      expect(await decoded('candidatesV3', [3, UINT32_MAX])).toHaveLength(crowd.length + 1 - 3);
      let seenEveryOnce = true;
      for (let round = 0; round < 5 && seenEveryOnce; round++) {
        const names: string[] = [];
        for (let offset = 0; offset < crowd.length + 1; offset += 3) {
          names.push(
            ...[...(await decoded('candidatesV3', [offset, 3]))].map((c) => (c as unknown as { name: string }).name),
          );
        }
        seenEveryOnce = new Set(names).size === crowd.length + 1;
        await mine(); // a new block: new orders (the read cache is per block)
      }
      expect(seenEveryOnce).toBe(false);
    });

    it('answers an unknown candidate with iotex-core’s address error', async () => {
      const expected = { code: -32603, message: 'address length = 0, expecting 41: invalid address' };
      for (const [fn, arg] of [
        ['candidateByIDV3', addr(999)],
        ['candidateByIDV4', addr(999)],
        ['candidateByAddress', addr(999)],
        ['candidateByAddressV3', addr(999)],
        ['candidateByAddressV4', addr(999)],
        ['candidateByName', 'nobody'],
        ['candidateByNameV3', 'nobody'],
        ['candidateByNameV4', 'nobody'],
      ] as const) {
        expect([fn, (await stakingCall(fn, [arg], 'latest')).error]).toEqual([fn, expected]);
      }
      expect((await decoded('candidateByNameV3', ['mover'])).getValue('ownerAddress')).toBe(mover.owner);
      expect((await stakingCall('candidatesV3', [0, 1])).error).toBeUndefined();
      expect((await rpc('eth_call', [{ to: NATIVE_STAKING_ADDRESS, data: '0x12345678' }])).error).toEqual({
        code: -32603,
        message: 'invalid call sig',
      });
      expect((await rpc('eth_call', [{ to: NATIVE_STAKING_ADDRESS, data: '0x12' }])).error).toEqual({
        code: -32603,
        message: 'invalid call binary data',
      });
    });

    it('turns a reverted EVM call into iotex-core’s execution-reverted error', async () => {
      const data = multicall.encodeFunctionData('aggregate3', [
        [{ target: NATIVE_STAKING_ADDRESS, allowFailure: false, callData: '0x12345678' }],
      ]);
      const answer = await rpc('eth_call', [{ to: MULTICALL3_ADDRESS, data }, 'latest']);
      expect(answer.error).toMatchObject({ code: 3, message: 'execution reverted: Multicall3: call failed' });
      expect(answer.error?.data).toMatch(/^0x08c379a0/);
    });

    it('staking indexer: candidate lists from the epoch snapshot, lookups at the height', async () => {
      use('staking-indexer');
      // Epoch E1: votes 111 then 112; E2: 222; E3 (current): 333.
      await mineToEpochEnd();
      const e1Start = (await head()) + 1;
      const at111 = (await admin.setCandidateVotes(mover.owner, 111n)).blockNumber;
      await admin.setCandidateVotes(mover.owner, 112n);
      expect(at111).toBe(e1Start);
      await mineToEpochEnd();
      const at222 = (await admin.setCandidateVotes(mover.owner, 222n)).blockNumber;
      await mineToEpochEnd();
      const at333 = (await admin.setCandidateVotes(mover.owner, 333n)).blockNumber;
      await mine(2);
      expect(Math.ceil(at222 / EPOCH)).toBe(Math.ceil(at111 / EPOCH) + 1);
      expect(Math.ceil(at333 / EPOCH)).toBe(Math.ceil(at222 / EPOCH) + 1);

      expect(await moverVotes(hex(at111))).toBe(112n); // the end of E1
      expect(await moverById(hex(at111))).toBe(111n); // the state at the height
      expect(await moverVotes(hex(at222))).toBe(222n);
      expect(await moverVotes(hex(at333))).toBe(222n); // current epoch: the previous one's end
      expect(await moverVotes()).toBe(222n);
      expect(await moverById()).toBe(333n);
      expect(await moverVotes(hex((await head()) + 100))).toBe(222n);

      // The stored order is stable across calls and limits.
      const names = async (limit: number) =>
        [...(await decoded('candidatesV3', [0, limit]))].map((c) => (c as unknown as { name: string }).name).join(',');
      const first = await names(100);
      for (let limit = 101; limit < 106; limit++) expect(await names(limit)).toBe(first);
      expect(first).toBe([...crowd.map((c) => c.name), mover.name].join(','));
      // uint32 offset+limit wraps in the indexer's paging: a panic, HTTP 500.
      const panic = await post({
        jsonrpc: '2.0',
        id: 1,
        method: 'eth_call',
        params: [stakingTx('candidatesV3', [1, UINT32_MAX])],
      });
      expect([panic.status, panic.text]).toEqual([500, '']);

      use('archive');
      expect(await moverVotes()).toBe(333n);
      expect(await moverVotes(hex(at111))).toBe(111n);
    });
  });
});
