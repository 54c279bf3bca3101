// iotex-staking: every bucket a voter owns at the snapshot block (native and system-staking NFT
// buckets, one composite read), each weighted as the chain weighs it (../staking-rules.ts).
import { ZeroAddress } from 'ethers';
import type { IotexForkHeights } from '../forks.js';
import { assertNoCandidates, type CandidateSets } from '../candidates.js';
import type { StakingReader } from '../staking-reader.js';
import { weighBucket } from '../staking-rules.js';
import type { StrategyPower } from '../types.js';
import type { Strategy } from './types.js';

export class IotexStakingStrategy implements Strategy {
  readonly name = 'iotex-staking' as const;

  constructor(
    private readonly reader: StakingReader,
    private readonly candidateSets: CandidateSets,
    private readonly forks: IotexForkHeights,
  ) {}

  async powers(addresses: string[], block: number): Promise<Map<string, StrategyPower>> {
    // The candidates (self-stake buckets, who is a candidate) are read alongside the buckets, in the same batch.
    const [lists, candidates] = await Promise.all([
      Promise.all(addresses.map((address) => this.reader.bucketsOf(address, block))),
      this.candidateSets.at(block),
    ]);
    // A native bucket always names a candidate, and an NFT delegate may be anyone: whoever is missing
    // from the list is asked for by id, so a list that is not the block's is never counted from.
    const unknown = new Set(
      lists
        .flat()
        .flatMap((b) => (b.candidate !== ZeroAddress && !candidates.byId.has(b.candidate) ? [b.candidate] : [])),
    );
    if (unknown.size > 0) await assertNoCandidates(this.reader, [...unknown], block);
    const ctx = { block, forks: this.forks, candidates: candidates.byId };
    const result = new Map<string, StrategyPower>();
    addresses.forEach((address, i) => {
      const buckets = (lists[i] ?? []).map((b) => weighBucket(b, ctx));
      const power = buckets.reduce((sum, b) => sum + b.power, 0n);
      result.set(address, { name: 'iotex-staking', power, buckets });
    });
    return result;
  }
}
