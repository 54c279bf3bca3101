// The head, and the hash of blocks deep enough to cache power at. Known answers are kept, so that a
// look-up at a block already known to be final makes no request at all.
import type { JsonRpcBatcher } from './rpc-batch.js';
import { blockTag } from './rpc-batch.js';

/**
 * Blocks below the head a block must be before power at it is cached. IoTeX finalises each block
 * when it is committed (roll-DPoS, BFT), so no reorganisation can change power at a block it has
 * returned; the margin covers chains that do reorganise and a node that is a block ahead of its
 * peers behind a load balancer. The block hash in the cache key covers the rest.
 */
export const CACHE_CONFIRMATIONS = 2;

/** Hashes remembered for final blocks (a bounded map: oldest first out). */
const MAX_HASHES = 1000;

export interface BlockInfo {
  head: number;
  /** Present when the block is final (at least CACHE_CONFIRMATIONS below the head). */
  hash?: string;
}

export class Blocks {
  private knownHead = -1;
  private readonly hashes = new Map<number, string>();

  constructor(private readonly rpc: JsonRpcBatcher) {}

  /** The head, read from the node now. */
  async head(): Promise<number> {
    const head = Number(await this.rpc.call<string>('eth_blockNumber', []));
    this.knownHead = Math.max(this.knownHead, head);
    return head;
  }

  /** The hash of `block` if it is already known to be final; never a request. */
  finalHash(block: number): string | undefined {
    return block <= this.knownHead - CACHE_CONFIRMATIONS ? this.hashes.get(block) : undefined;
  }

  /** The head, and the block's hash if it is final; no request when both are already known. */
  async info(block: number): Promise<BlockInfo> {
    const known = this.finalHash(block);
    if (known) return { head: this.knownHead, hash: known };
    // One round trip: the head and the block's header travel in the same batch.
    const [head, header] = await Promise.all([
      this.head(),
      this.rpc.call<{ hash: string } | null>('eth_getBlockByNumber', [blockTag(block), false]),
    ]);
    if (!header || block > head - CACHE_CONFIRMATIONS) return { head };
    this.hashes.set(block, header.hash);
    if (this.hashes.size > MAX_HASHES) this.hashes.delete(this.hashes.keys().next().value as number);
    return { head, hash: header.hash };
  }
}
