/** Stable codes the ingest code and the API map to their answers. */
export type PowerErrorCode =
  /** Not a whole block number >= 1 (IoTeX answers block 0 with the latest state). */
  | 'snapshot_invalid'
  /** Not a 0x… or io1… address. */
  | 'invalid_address'
  /** The block is above the chain's head. */
  | 'snapshot_in_future'
  /** The block is further below the head than the space's snapshotMaxAgeBlocks. */
  | 'snapshot_too_old'
  /** The RPC node cannot prove it serves staking state at past blocks (non-archive, pruned, too old, ignores block numbers). */
  | 'historic_state_unavailable'
  /** The node answers candidatesV3 from an epoch snapshot (chain.enableStakingIndexer), not from the block. */
  | 'candidates_from_epoch'
  /** candidatesV3 listed one candidate twice. */
  | 'candidates_inconsistent'
  /** The chain has no staking state at the block (the staking protocol answers nothing there). */
  | 'no_staking_state'
  /** The RPC node does not answer, or refuses a read (its message says why). */
  | 'chain_unavailable';

export class PowerError extends Error {
  override name = 'PowerError';
  constructor(
    readonly code: PowerErrorCode,
    message: string,
  ) {
    super(message);
  }
}
