// Snapshot block rules: a block number of the chain (not 0), not ahead of the head, not older than
// the configured age, and readable: the node showed it serves past staking state (node-check.ts).
import { checkSnapshotAge } from '../lifecycle/admission.js';
import { MessageError } from '../messages/errors.js';
import { PowerError } from './errors.js';
import type { Blocks } from './blocks.js';
import { checkNode, type HistoricState, type NodeCheckDeps } from './node-check.js';

export type { HistoricState } from './node-check.js';

export class SnapshotRules {
  private probe: Promise<HistoricState> | undefined;

  constructor(
    private readonly blocks: Blocks,
    private readonly deps: NodeCheckDeps,
  ) {}

  /** Whether the node serves state at past blocks (asked once; a node that does not answer is asked again). */
  historicState(): Promise<HistoricState> {
    if (!this.probe) {
      this.probe = checkNode(this.deps).catch((error: Error) => {
        this.probe = undefined;
        throw unavailable(error);
      });
    }
    return this.probe;
  }

  /** Throws 'historic_state_unavailable' unless the node proved it serves past staking state. */
  async requireHistoricState(): Promise<void> {
    const historic = await this.historicState();
    if (!historic.ok) throw new PowerError(historic.code, historic.reason);
  }

  /** Throws a PowerError with a stable code unless `block` may be a proposal's snapshot block. */
  async check(block: number, maxAgeBlocks: number): Promise<void> {
    assertBlockNumber(block);
    const [head] = await Promise.all([
      this.blocks.head().catch((error: Error) => {
        throw unavailable(error);
      }),
      this.requireHistoricState(),
    ]);
    try {
      checkSnapshotAge(block, { low: head, high: head }, maxAgeBlocks);
    } catch (error) {
      // The same rule the audit applies (server/lifecycle/admission.ts), reported as the power errors are.
      if (error instanceof MessageError)
        throw new PowerError(error.code as 'snapshot_in_future' | 'snapshot_too_old', error.message);
      throw error;
    }
  }
}

/**
 * A snapshot is a block number from 1 on: iotex-core reads staking state at a height only when it
 * is above 0, and answers block 0 with the latest state (api/web3server.go, `if height > 0`).
 */
export function assertBlockNumber(block: number): void {
  if (!Number.isSafeInteger(block) || block < 1) {
    throw new PowerError(
      'snapshot_invalid',
      block === 0
        ? 'block 0 cannot be a snapshot: IoTeX nodes answer staking reads at block 0 with the latest state'
        : `not a block number: ${String(block)}`,
    );
  }
}

function unavailable(error: Error): PowerError {
  if (error instanceof PowerError) return error;
  return new PowerError('chain_unavailable', `the RPC node does not answer: ${error.message}`);
}
