// Voting power at a block: the space's strategies summed, read in JSON-RPC batches, cached in the
// database once the block is final, with concurrent look-ups of the same (block, address) sharing
// one read.
import { AddressError, parseAddress } from '../address.js';
import type { Chain } from '../chain/provider.js';
import type { Config } from '../config.js';
import type { Database } from '../db/index.js';
import type { Space } from '../spaces/schema.js';
import { MULTICALL3_CANONICAL_ADDRESS } from './abi.js';
import { Blocks } from './blocks.js';
import { PowerCache } from './cache.js';
import { CandidateSets } from './candidates.js';
import { PowerError } from './errors.js';
import { forkHeights } from './forks.js';
import { Multicall } from './multicall.js';
import { JsonRpcBatcher, RpcError, type BatcherStats } from './rpc-batch.js';
import { checkNode } from './node-check.js';
import { SnapshotRules, assertBlockNumber, type HistoricState } from './snapshot.js';
import { StakingReader } from './staking-reader.js';
import { createStrategy, strategySetKey, type StrategyContext } from './strategies/index.js';
import type { AddressPower, StrategyPower } from './types.js';

export { PowerError, type PowerErrorCode } from './errors.js';
export type { HistoricState, NodeFacts } from './node-check.js';
export type { AddressPower, BucketPower, StrategyPower } from './types.js';

/** Multicall3 per chain id where it is not at the canonical address. */
const MULTICALL_BY_CHAIN: Record<number, string> = {
  // IoTeX testnet (viem's chain definition `iotexTestnet`).
  4690: '0xb5cecD6894c6f473Ec726A176f1512399A2e355d',
};

export function defaultMulticallAddress(chainId: number): string {
  return MULTICALL_BY_CHAIN[chainId] ?? MULTICALL3_CANONICAL_ADDRESS;
}

export interface PowerServiceDeps {
  chain: Chain;
  db: Database;
  /** MULTICALL_ADDRESS; the option below wins over it. */
  config?: Partial<Pick<Config, 'multicallAddress'>>;
  /** Multicall3 (aggregate3, getEthBalance); default: per chain id, else the canonical address. */
  multicallAddress?: string;
  /** First read's limit for a voter's buckets; default 1000. */
  pageSize?: number;
  /** Calls per JSON-RPC batch; default 100 (iotex-core's limit). */
  batchSize?: number;
  /** How long a queued call waits for others to join its batch; default 5 ms. */
  batchStallMs?: number;
}

export interface PowerService {
  /** Power per address (checksummed 0x keys, in the order given, duplicates once) at `block`. */
  powerAt(space: Space, addresses: string[], block: number): Promise<Map<string, AddressPower>>;
  /**
   * The chain's own weighted total at `block`: the sum of every candidate's totalWeightedVotes at
   * the block (candidates.ts), the denominator of support and quorum shares. It is the same for every space:
   * the space settings define both thresholds as shares of the chain's weighted total, so a space
   * without iotex-staking (balances only) is measured against it too.
   */
  totalPowerAt(space: Space, block: number): Promise<bigint>;
  /**
   * Throws a PowerError ('snapshot_invalid', 'snapshot_in_future', 'snapshot_too_old',
   * 'historic_state_unavailable', 'chain_unavailable') unless `block` may be a snapshot block under a
   * space's rules: at most `maxAgeBlocks` below the head.
   */
  checkSnapshotBlock(block: number, maxAgeBlocks: number): Promise<void>;
  /**
   * Whether the RPC node proved it serves staking state at past blocks, with what it reported
   * (asked once per process; powerAt and totalPowerAt count nothing from a node that did not).
   */
  historicState(): Promise<HistoricState>;
  /** The chain's head, read now. */
  headBlock(): Promise<number>;
  /** HTTP requests and calls sent to the node so far. */
  readonly stats: BatcherStats;
  readonly multicallAddress: string;
}

/** Key of the chain's weighted total in the cache (one entry per block). */
const TOTAL_KEY = 'chain-weighted-total/v2';

export function createPowerService(deps: PowerServiceDeps): PowerService {
  const rpc = new JsonRpcBatcher(deps.chain.rpcUrl, { maxBatch: deps.batchSize, stallMs: deps.batchStallMs });
  const staking = new StakingReader(rpc, { pageSize: deps.pageSize });
  const multicallAddress =
    deps.multicallAddress ?? deps.config?.multicallAddress ?? defaultMulticallAddress(deps.chain.chainId);
  const multicall = new Multicall(rpc, multicallAddress);
  const blocks = new Blocks(rpc);
  const candidateSets = new CandidateSets(staking, blocks);
  const context: StrategyContext = { staking, multicall, candidateSets, forks: forkHeights(deps.chain.chainId) };
  const cache = new PowerCache(deps.db);
  const rules = new SnapshotRules(blocks, { rpc, staking, multicall });
  /** Look-ups under way, by strategy set, block (and hash) and address. */
  const inFlight = new Map<string, Promise<AddressPower>>();

  /** The head and, once final, the block's hash; refuses unless the node serves past staking state. */
  async function blockInfo(block: number) {
    assertBlockNumber(block);
    await rules.requireHistoricState();
    const info = await nodeRead(() => blocks.info(block));
    if (block > info.head) {
      throw new PowerError('snapshot_in_future', `block ${block} is ahead of the chain's head (${info.head})`);
    }
    return info;
  }

  async function compute(space: Space, addresses: string[], block: number): Promise<AddressPower[]> {
    const strategies = space.strategies.map((config) => createStrategy(config, context));
    // Every strategy's reads are queued before the batcher flushes: they share batches.
    const results = await Promise.all(strategies.map((strategy) => strategy.powers(addresses, block)));
    return addresses.map((address) => {
      const parts = results.map((result) => result.get(address) as StrategyPower);
      return { address, total: parts.reduce((sum, part) => sum + part.power, 0n), strategies: parts };
    });
  }

  async function powerAt(space: Space, addresses: string[], block: number): Promise<Map<string, AddressPower>> {
    const wanted = [...new Set(addresses.map(normalizeAddress))];
    const { hash } = await blockInfo(block);
    const setKey = strategySetKey(space.strategies);
    const cacheKey = hash ? PowerCache.key(setKey, hash) : undefined;
    const flightKey = (address: string) => `${cacheKey ?? `${setKey} @unconfirmed`}|${block}|${address}`;

    // Claim the addresses nobody is reading yet, synchronously, so concurrent callers join them.
    const mine = new Map<string, { resolve: (p: AddressPower) => void; reject: (e: unknown) => void }>();
    const promises = wanted.map((address) => {
      const key = flightKey(address);
      let promise = inFlight.get(key);
      if (!promise) {
        promise = new Promise<AddressPower>((resolve, reject) => mine.set(address, { resolve, reject }));
        promise.catch(() => undefined); // the caller that claimed it sees the error
        inFlight.set(key, promise);
      }
      return promise;
    });

    const claimed = [...mine.keys()];
    try {
      let missing = claimed;
      if (cacheKey && claimed.length > 0) {
        const hits = await cache.get(cacheKey, block, claimed);
        for (const [address, power] of hits) mine.get(address)?.resolve(power);
        missing = claimed.filter((address) => !hits.has(address));
      }
      if (missing.length > 0) {
        const computed = await nodeRead(() => compute(space, missing, block));
        if (cacheKey) await cache.put(cacheKey, block, computed);
        for (const power of computed) mine.get(power.address)?.resolve(power);
      }
    } catch (error) {
      for (const { reject } of mine.values()) reject(error);
    } finally {
      for (const address of claimed) inFlight.delete(flightKey(address));
    }
    const powers = await Promise.all(promises);
    return new Map(powers.map((power) => [power.address, power]));
  }

  async function totalPowerAt(_space: Space, block: number): Promise<bigint> {
    const { hash } = await blockInfo(block);
    const key = hash ? PowerCache.key(TOTAL_KEY, hash) : undefined;
    const cached = key ? await cache.getTotal(key, block) : undefined;
    if (cached !== undefined) return cached;
    const { total, byId } = await nodeRead(() => candidateSets.at(block));
    if (key) await cache.putTotal(key, block, total, byId.size);
    return total;
  }

  return {
    powerAt,
    totalPowerAt,
    checkSnapshotBlock: (block, maxAgeBlocks) => rules.check(block, maxAgeBlocks),
    historicState: () => rules.historicState(),
    headBlock: () => nodeRead(() => blocks.head()),
    stats: rpc.stats,
    multicallAddress,
  };
}

/**
 * Only the check of whether the node serves past staking state (what powerAt and totalPowerAt need
 * before they count anything), for `npm run check-node`: no database, nothing cached.
 */
export function checkRpcNode(
  chain: Pick<Chain, 'rpcUrl' | 'chainId'>,
  multicallAddress = defaultMulticallAddress(chain.chainId),
): Promise<HistoricState> {
  const rpc = new JsonRpcBatcher(chain.rpcUrl);
  return checkNode({ rpc, staking: new StakingReader(rpc), multicall: new Multicall(rpc, multicallAddress) });
}

/** A node that fails or refuses a read: 'chain_unavailable', with the node's own words. */
async function nodeRead<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof RpcError) {
      throw new PowerError('chain_unavailable', `the RPC node could not answer: ${error.message}`);
    }
    throw error;
  }
}

function normalizeAddress(address: string): string {
  try {
    return parseAddress(address);
  } catch (error) {
    if (error instanceof AddressError) throw new PowerError('invalid_address', error.message);
    throw error;
  }
}
