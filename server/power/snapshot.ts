// Snapshot block rules: not ahead of the head, not older than the configured age, and readable.
//
// Readable is the subtle one. IoTeX honours a numeric block tag from iotex-core v2.4.0 on, and
// only on an archive node; a non-archive node refuses ("historical state … not available on a
// non-archive node", "archive-mode not supported"). Older nodes answered eth_call to the staking
// address with today's state whatever the block tag (api/web3server.go called ReadState with
// height ""): counting that would count the wrong stake. Two checks catch both:
// - once per process, a staking read at a block far above the head: a node that honours block
//   numbers refuses it; a node that answers it is ignoring the number, so it would answer any
//   historic read with today's state. Unlike "a read at an early block differs from the head's",
//   this needs no stake to have changed, so it also works on a fresh local chain.
// - at each snapshot block, the same staking read at that block must succeed where the same read
//   at the head does (a non-archive node refuses the first).
import { PowerError } from './errors.js';
import type { Blocks } from './blocks.js';
import type { StakingReader } from './staking-reader.js';

/** Far above any real head, and still a safe integer. */
export const FAR_FUTURE_BLOCK = Number.MAX_SAFE_INTEGER;

export type HistoricState = { ok: true } | { ok: false; reason: string };

export class SnapshotRules {
  private probe: Promise<HistoricState> | undefined;

  constructor(
    private readonly blocks: Blocks,
    private readonly staking: StakingReader,
    readonly maxAgeBlocks: number,
  ) {}

  /** Whether the node serves state at past blocks (asked once; a node that does not answer is asked again). */
  historicState(): Promise<HistoricState> {
    if (!this.probe) {
      this.probe = this.runProbe();
      this.probe.catch(() => (this.probe = undefined));
    }
    return this.probe;
  }

  /** Throws a PowerError with a stable code unless `block` may be a proposal's snapshot block. */
  async check(block: number): Promise<void> {
    assertBlockNumber(block);
    // All of these go out in one batch.
    const [head, atBlock, atHead, historic] = await Promise.all([
      this.blocks.head().catch((error: Error) => {
        throw unavailable(error);
      }),
      settle(this.staking.probe(block)),
      settle(this.staking.probe('latest')),
      this.historicState(),
    ]);
    if (block > head) {
      throw new PowerError('snapshot_in_future', `block ${block} is ahead of the chain's head (${head})`);
    }
    if (head - block > this.maxAgeBlocks) {
      throw new PowerError(
        'snapshot_too_old',
        `block ${block} is ${head - block} blocks below the head (${head}); at most ${this.maxAgeBlocks} are allowed`,
      );
    }
    if (!historic.ok) throw new PowerError('historic_state_unavailable', historic.reason);
    if (!atBlock.ok) {
      if (!atHead.ok) throw unavailable(atHead.error);
      throw new PowerError(
        'historic_state_unavailable',
        `the RPC node cannot read state at block ${block} (an archive node is needed): ${atBlock.error.message}`,
      );
    }
  }

  private async runProbe(): Promise<HistoricState> {
    const [atHead, future] = await Promise.all([
      settle(this.staking.probe('latest')),
      settle(this.staking.probe(FAR_FUTURE_BLOCK)),
    ]);
    if (!atHead.ok) throw unavailable(atHead.error);
    if (future.ok) {
      return {
        ok: false,
        reason:
          `the RPC node answered a read at block ${FAR_FUTURE_BLOCK}, far above its head: it ignores block ` +
          'numbers and would count today’s stake at any snapshot (use an archive node of iotex-core v2.4.0 or later)',
      };
    }
    return { ok: true };
  }
}

export function assertBlockNumber(block: number): void {
  if (!Number.isSafeInteger(block) || block < 0) {
    throw new PowerError('snapshot_invalid', `not a block number: ${String(block)}`);
  }
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  );
}

function unavailable(error: Error): PowerError {
  return new PowerError('chain_unavailable', `the RPC node does not answer: ${error.message}`);
}
