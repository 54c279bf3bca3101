// Voting power of one address at one block, per strategy and (for iotex-staking) per bucket, and its
// JSON form (wei as decimal strings: never a JS number), used by the cache and the API.

/**
 * Why a bucket carries the votes it does: 'staked' counts; the others count 0 (server/power/staking-rules.ts
 * uncountedStatus says why each does).
 */
export type BucketStatus = 'staked' | 'unstaked' | 'muted' | 'not-a-candidate' | 'nft-before-xingu';

export interface BucketPower {
  /** Native bucket index, or the NFT's token id. */
  index: bigint;
  /** null for a native bucket; the system-staking contract for an NFT bucket. */
  contractAddress: string | null;
  /** The candidate (delegate) id the bucket votes for; the zero address for a muted bucket. */
  candidate: string;
  /** Staked amount in wei. */
  amount: bigint;
  /** The duration the weight formula used, in seconds (NFT block counts converted at the snapshot block). */
  durationSeconds: number;
  /** An NFT bucket's duration in blocks; null for native (and timestamped NFT) buckets. */
  durationBlocks: bigint | null;
  autoStake: boolean;
  /** Its candidate's named self-stake bucket (native only): the bonus applies with auto-stake and 91 days or more. */
  selfStake: boolean;
  status: BucketStatus;
  /** The bucket's votes in wei: the chain's vote weight, 0 unless staked. */
  power: bigint;
}

export type StrategyPower =
  | { name: 'iotex-staking'; power: bigint; buckets: BucketPower[] }
  | { name: 'native-balance'; power: bigint }
  | { name: 'erc20-balance'; token: string; power: bigint };

export interface AddressPower {
  /** Checksummed 0x address. */
  address: string;
  /** Sum of the strategies' power, in wei. */
  total: bigint;
  strategies: StrategyPower[];
}

// ---------------------------------------------------------------------------------------- JSON

export interface BucketPowerJson {
  index: string;
  contractAddress: string | null;
  candidate: string;
  amount: string;
  durationSeconds: number;
  durationBlocks: string | null;
  autoStake: boolean;
  selfStake: boolean;
  status: BucketStatus;
  power: string;
}

export type StrategyPowerJson =
  | { name: 'iotex-staking'; power: string; buckets: BucketPowerJson[] }
  | { name: 'native-balance'; power: string }
  | { name: 'erc20-balance'; token: string; power: string };

export function bucketToJson(b: BucketPower): BucketPowerJson {
  return {
    ...b,
    index: b.index.toString(),
    amount: b.amount.toString(),
    durationBlocks: b.durationBlocks === null ? null : b.durationBlocks.toString(),
    power: b.power.toString(),
  };
}

export function bucketFromJson(b: BucketPowerJson): BucketPower {
  return {
    ...b,
    index: BigInt(b.index),
    amount: BigInt(b.amount),
    durationBlocks: b.durationBlocks === null ? null : BigInt(b.durationBlocks),
    power: BigInt(b.power),
  };
}

export function strategyToJson(s: StrategyPower): StrategyPowerJson {
  switch (s.name) {
    case 'iotex-staking':
      return { name: s.name, power: s.power.toString(), buckets: s.buckets.map(bucketToJson) };
    case 'native-balance':
      return { name: s.name, power: s.power.toString() };
    case 'erc20-balance':
      return { name: s.name, token: s.token, power: s.power.toString() };
  }
}

export function strategyFromJson(s: StrategyPowerJson): StrategyPower {
  switch (s.name) {
    case 'iotex-staking':
      return { name: s.name, power: BigInt(s.power), buckets: s.buckets.map(bucketFromJson) };
    case 'native-balance':
      return { name: s.name, power: BigInt(s.power) };
    case 'erc20-balance':
      return { name: s.name, token: s.token, power: BigInt(s.power) };
  }
}
