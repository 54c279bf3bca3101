// What every handler sees: the profile, the upstream node, the tip, and the state factory's
// rules for reading the state at a height.
import type { NodeProfile } from './profiles.js';
import type { Upstream } from './upstream.js';

/** A block range mined by one hardhat_mine call (see scripts/lib/local-chain.ts). */
export interface MinedRange {
  first: number;
  last: number;
}

export interface NodeContext {
  readonly profile: NodeProfile;
  readonly epochLength: number;
  readonly retentionBlocks: number;
  readonly upstream: Upstream;
  /** iotex-core's TipHeight, read once per group of calls. */
  tip(): Promise<number>;
  /** Upstream block tag to read the state at `height` with. */
  stateTag(height: number): string;
  /** Runs `task` after every earlier task given to serially (in call order). */
  serially<T>(task: () => Promise<T>): Promise<T>;
  /** iotex-core's read cache (api/read_cache.go), cleared on every new block. */
  readonly readCache: Map<string, string>;
  random(): number;
}

export const hex = (n: number) => `0x${n.toString(16)}`;

/**
 * Hardhat's EDR answers state reads inside a hardhat_mine range with an EMPTY state (balances 0,
 * no code) except for the range's first two and last blocks. Every block of such a range is empty,
 * so the state anywhere in it is the state at its last block: reads go there.
 */
export function aliasMinedRanges(ranges: readonly MinedRange[]): (height: number) => string {
  return (height) => {
    for (const r of ranges) if (height >= r.first && height < r.last) return hex(r.last);
    return hex(height);
  };
}

/** Why a working set at `height` cannot be built; undefined when it can. */
export type WorkingSet = { readAt: number } | { refused: string };

/**
 * state/factory/statedb.go WorkingSetAtHeight (:468-499) and newReadOnlyWorkingSet (:276-292):
 * where the state "at height" comes from on this node, for height ≤ tip.
 */
export function workingSetAtHeight(ctx: NodeContext, height: number, tip: number): WorkingSet {
  const { profile } = ctx;
  if (!profile.archive) {
    // v2.4.4+ (PR #4917): refuse below the tip. Before: daoRTF.atHeight ignores the height
    // (state/factory/daoretrofitter.go:35-37), so the latest state answers, silently.
    if (profile.refusesHistory && height < tip) {
      return {
        refused: `historical state at height ${height} is not available on a non-archive node (current tip ${tip}); use an archive node: not supported`,
      };
    }
    return { readAt: tip };
  }
  // chain.historyBlockRetention: `height < tip - retention`, unsigned (statedb.go:276-286); with
  // a retention above the tip the subtraction wraps and every height is refused.
  if (profile.pruned && (tip < ctx.retentionBlocks || height < tip - ctx.retentionBlocks)) {
    return {
      refused: `history is pruned, only supported for latest ${ctx.retentionBlocks} blocks, but requested height ${height}: not supported`,
    };
  }
  return { readAt: height };
}

/**
 * The error of blockchain.ContextAtHeight for a height above the tip: the block DAO has no header
 * there (blockchain/blockchain.go:402-425 tipInfo → blockdao HeaderByHeight → filedao v2
 * GetBlockByHeight "failed to get block at height %d" around db.ErrNotExist "not exist in DB":
 * blockchain/filedao/filedao_v2.go:184-193, filedao_v2_util.go:171-174, db/kvstore_impl.go:22).
 */
export const noBlockAtHeight = (height: number) => `failed to get block at height ${height}: not exist in DB`;
