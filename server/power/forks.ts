// The IoTeX hard-fork heights the power rules depend on. A rule that changed at a fork is applied as
// the chain applies it at the snapshot block being viewed.
//
// Mainnet: iotex-core blockchain/genesis/genesis.go (Default, commit c6012964). Testnet:
// iotex-bootstrap genesis_testnet.yaml (commit 8636d360). Any other chain id is a development chain
// that follows mainnet's schedule (the local chain starts past mainnet's latest fork).

export interface IotexForkHeights {
  /** Blocks of 2.5 s instead of 5 s (chainservice/builder.go blocksToDurationFn). */
  wake: number;
  /** NFT votes are stored in candidates' totals (context.go StoreVoteOfNFTBucketIntoView off). */
  xingu: number;
}

export const MAINNET_FORKS: IotexForkHeights = {
  wake: 36_893_881,
  xingu: 41_648_761,
};

export const TESTNET_FORKS: IotexForkHeights = {
  wake: 31_943_521,
  xingu: 36_619_201,
};

export const IOTEX_TESTNET_CHAIN_ID = 4690;

export function forkHeights(chainId: number): IotexForkHeights {
  return chainId === IOTEX_TESTNET_CHAIN_ID ? TESTNET_FORKS : MAINNET_FORKS;
}

/**
 * Seconds per block the chain uses to turn an NFT bucket's block count into a duration when the
 * state is viewed at `height` (chainservice/builder.go blocksToDurationFn: the interval in force at
 * the viewed height, not at the stake's start).
 */
export function blockIntervalSeconds(height: number, forks: IotexForkHeights): number {
  return height < forks.wake ? 5 : 2.5;
}
