// A local JSON-RPC node that answers as an iotex-core node does, in front of a Hardhat node: the
// local chain's state (with the native-staking stand-in at the staking address) read through
// iotex-core's web3 rules, for the kind of node a profile names (profiles.ts). Everything iotex-core
// would not change (blocks, receipts, logs, transactions, hardhat_* and evm_* admin calls) is the
// upstream's answer, unchanged.
import type { AddressInfo } from 'node:net';

import { aliasMinedRanges, type MinedRange, type NodeContext } from './context.js';
import {
  DEFAULT_EPOCH_LENGTH,
  DEFAULT_RETENTION_BLOCKS,
  NODE_PROFILES,
  nodeProfile,
  type NodeProfile,
  type NodeProfileName,
} from './profiles.js';
import { createWeb3Server } from './server.js';
import { Upstream } from './upstream.js';

export { NODE_PROFILES, DEFAULT_EPOCH_LENGTH, DEFAULT_RETENTION_BLOCKS, type NodeProfile, type NodeProfileName };
export { BATCH_REQUEST_LIMIT } from './server.js';
export { STAKING_ADDRESS, stakingInterface } from './staking.js';
export type { MinedRange } from './context.js';

export interface IotexNodeOptions {
  /** The Hardhat node's JSON-RPC URL. */
  upstream: string;
  /** Default 'archive' (an archive node of iotex-core v2.4.4). */
  profile?: NodeProfileName;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default: a free port. */
  port?: number;
  /** Blocks per epoch for the staking indexer; default 1440 (mainnet since Wake). */
  epochLength?: number;
  /** chain.historyBlockRetention of the 'pruned' profile; default 256. */
  retentionBlocks?: number;
  /**
   * Ranges mined by one hardhat_mine call: Hardhat answers state reads inside them with an empty
   * state, so reads there go to the range's last block (same state: the blocks are empty).
   */
  minedRanges?: MinedRange[];
  /** Source of randomness for the candidate order; default Math.random. */
  random?: () => number;
}

export interface IotexNode {
  url: string;
  /** The profile in force. */
  readonly profile: NodeProfileName;
  /** Switches the node's behaviour from the next request on (the read cache is dropped). */
  setProfile(profile: NodeProfileName): void;
  close(): Promise<void>;
}

export async function startIotexNode(options: IotexNodeOptions): Promise<IotexNode> {
  const upstream = new Upstream(options.upstream);
  const epochLength = options.epochLength ?? DEFAULT_EPOCH_LENGTH;
  const retentionBlocks = options.retentionBlocks ?? DEFAULT_RETENTION_BLOCKS;
  if (!Number.isInteger(epochLength) || epochLength < 1) throw new Error(`epochLength must be ≥ 1: ${epochLength}`);
  if (!Number.isInteger(retentionBlocks) || retentionBlocks < 1) {
    throw new Error(`retentionBlocks must be ≥ 1: ${retentionBlocks}`);
  }
  const stateTag = aliasMinedRanges(options.minedRanges ?? []);
  const random = options.random ?? Math.random;
  let profile: NodeProfile = nodeProfile(options.profile ?? 'archive');

  // iotex-core's read cache: cleared whenever a new block arrives (api/coreservice.go:2071-2074).
  const readCache = new Map<string, string>();
  let cachedTip: string | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const newContext = (): NodeContext => {
    let tip: Promise<number> | undefined;
    const current = profile;
    return {
      profile: current,
      epochLength,
      retentionBlocks,
      upstream,
      stateTag,
      readCache,
      random,
      tip: () =>
        (tip ??= upstream
          .call<{ number: string; hash: string }>('eth_getBlockByNumber', ['latest', false])
          .then((b) => {
            if (b.hash !== cachedTip) {
              readCache.clear();
              cachedTip = b.hash;
            }
            return Number(BigInt(b.number));
          })),
      serially: <T>(task: () => Promise<T>): Promise<T> => {
        const run = queue.then(task, task);
        queue = run.catch(() => undefined);
        return run;
      },
    };
  };

  const server = createWeb3Server(newContext);
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    get profile() {
      return profile.name;
    },
    setProfile(name: NodeProfileName) {
      profile = nodeProfile(name);
      readCache.clear();
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
