// The kinds of iotex-core node the emulator can be. Each profile is a release (which decides the
// code paths) plus the node's configuration (archive or not, staking indexer, history retention).
// Versions and their behaviour, checked against the release tags of iotex-core (each field cites its source).
import type { GethRpc } from './block-tags.js';

export type NodeProfileName =
  'archive' | 'non-archive' | 'non-archive-v2.4.3' | 'archive-v2.3' | 'legacy-v2.3.2' | 'staking-indexer' | 'pruned';

export interface NodeProfile {
  name: NodeProfileName;
  /**
   * web3_clientVersion: PackageVersion + "/" + GoVersion (api/web3server.go:799-802), set by the
   * Makefile's ldflags from `git describe --tags` and `go version` (Makefile:43-63). Release
   * builds use the go.mod toolchain: go 1.24.6 at v2.4.3/v2.4.4, toolchain go1.23.7 at
   * v2.3.2/v2.3.8 (setup-go 1.22.12 in .github/workflows/release.yaml switches to it).
   */
  clientVersion: string;
  /** go-ethereum rpc package: v1.15.11 from v2.4.0 (commit a7c7ae0c5), v1.13-era before. */
  geth: GethRpc;
  /** chain.historyIndexPath is set: state at past heights exists (server/itx/server.go:130). */
  archive: boolean;
  /**
   * WorkingSetAtHeight refuses heights below the tip on a non-archive node: v2.4.4 and later
   * (PR #4917, state/factory/statedb.go:468-499). Before, it silently read the latest state
   * (state/factory/daoretrofitter.go:35-37 atHeight ignores the height).
   */
  refusesHistory: boolean;
  /**
   * eth_call to the staking address passes the block height to ReadState: v2.3.3 and later
   * (api/web3server.go:485-501); v2.3.2 and earlier pass "" (v2.3.2:api/web3server.go:482).
   */
  stakingAtHeight: boolean;
  /** chain.enableStakingIndexer (chainservice/builder.go:503-507): epoch snapshots of candidates and buckets. */
  stakingIndexer: boolean;
  /** chain.historyBlockRetention > 0 (state/factory/statedb.go:276-286): the retentionBlocks option. */
  pruned: boolean;
}

const V244 = 'v2.4.4/go version go1.24.6 linux/amd64';

export const NODE_PROFILES: Record<NodeProfileName, NodeProfile> = {
  archive: {
    name: 'archive',
    clientVersion: V244,
    geth: 'v1.15',
    archive: true,
    refusesHistory: true,
    stakingAtHeight: true,
    stakingIndexer: false,
    pruned: false,
  },
  'non-archive': {
    name: 'non-archive',
    clientVersion: V244,
    geth: 'v1.15',
    archive: false,
    refusesHistory: true,
    stakingAtHeight: true,
    stakingIndexer: false,
    pruned: false,
  },
  'non-archive-v2.4.3': {
    name: 'non-archive-v2.4.3',
    clientVersion: 'v2.4.3/go version go1.24.6 linux/amd64',
    geth: 'v1.15',
    archive: false,
    refusesHistory: false,
    stakingAtHeight: true,
    stakingIndexer: false,
    pruned: false,
  },
  'archive-v2.3': {
    name: 'archive-v2.3',
    clientVersion: 'v2.3.8/go version go1.23.7 linux/amd64',
    geth: 'v1.13',
    archive: true,
    refusesHistory: false,
    stakingAtHeight: true,
    stakingIndexer: false,
    pruned: false,
  },
  'legacy-v2.3.2': {
    name: 'legacy-v2.3.2',
    clientVersion: 'v2.3.2/go version go1.23.7 linux/amd64',
    geth: 'v1.13',
    archive: true,
    refusesHistory: false,
    stakingAtHeight: false,
    stakingIndexer: false,
    pruned: false,
  },
  'staking-indexer': {
    name: 'staking-indexer',
    clientVersion: V244,
    geth: 'v1.15',
    archive: true,
    refusesHistory: true,
    stakingAtHeight: true,
    stakingIndexer: true,
    pruned: false,
  },
  pruned: {
    name: 'pruned',
    clientVersion: V244,
    geth: 'v1.15',
    archive: true,
    refusesHistory: true,
    stakingAtHeight: true,
    stakingIndexer: false,
    pruned: true,
  },
};

export function nodeProfile(name: NodeProfileName): NodeProfile {
  const profile = NODE_PROFILES[name];
  if (!profile) throw new Error(`unknown iotex node profile "${String(name)}"`);
  return profile;
}

/**
 * Local epochs: epoch n covers blocks [(n-1)·L+1, n·L] (action/protocol/rolldpos/epoch.go:209-253
 * with one epoch length; mainnet's is 24 delegates × 60 sub-epochs = 1440 since Wake).
 */
export const DEFAULT_EPOCH_LENGTH = 1440;

/** Default chain.historyBlockRetention of the 'pruned' profile. */
export const DEFAULT_RETENTION_BLOCKS = 256;

export const epochNum = (height: number, length: number) => (height === 0 ? 0 : Math.floor((height - 1) / length) + 1);
export const epochStart = (epoch: number, length: number) => (epoch === 0 ? 0 : (epoch - 1) * length + 1);
