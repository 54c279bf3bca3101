// The candidates at a block, and the chain's weighted total there (the sum of their
// totalWeightedVotes: the denominator of support and quorum shares).
//
// A node running with chain.enableStakingIndexer answers candidatesV3 from the candidate snapshot of
// an epoch, not from the state at the block (action/protocol/staking/staking_statereader.go
// readStateCandidates, candidate_buckets_indexer.go GetCandidates: up to an epoch behind), while
// candidateByIDV3 always reads the state at the block. So the list names the candidates and each one's
// figures are read again by id at the block; a list whose figures differ from the state at the block
// is the epoch's, and nothing is counted from it.
import type { Blocks } from './blocks.js';
import { PowerError } from './errors.js';
import type { StakingCandidate, StakingReader } from './staking-reader.js';

export interface CandidateSet {
  /** Candidate id → the candidate as the state at the block holds it. */
  byId: ReadonlyMap<string, StakingCandidate>;
  /** Sum of every candidate's totalWeightedVotes at the block. */
  total: bigint;
}

/** Candidate sets kept for final blocks (they never change); oldest first out. */
const KEPT = 64;

export class CandidateSets {
  private readonly pending = new Map<number, Promise<CandidateSet>>();
  private readonly kept = new Map<string, CandidateSet>();

  constructor(
    private readonly reader: StakingReader,
    private readonly blocks: Blocks,
  ) {}

  /** The candidates at `block`; once the block is final (its hash known), read only once. */
  at(block: number): Promise<CandidateSet> {
    const hash = this.blocks.finalHash(block);
    const known = hash ? this.kept.get(hash) : undefined;
    if (known) return Promise.resolve(known);
    let pending = this.pending.get(block);
    if (!pending) {
      pending = readCandidateSet(this.reader, block).finally(() => this.pending.delete(block));
      this.pending.set(block, pending);
    }
    if (hash) {
      void pending.then(
        (set) => {
          this.kept.set(hash, set);
          if (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value as string);
        },
        () => undefined,
      );
    }
    return pending;
  }
}

export async function readCandidateSet(reader: StakingReader, block: number | 'latest'): Promise<CandidateSet> {
  const listed = await reader.candidates(block);
  const ids = listed.map((c) => c.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) {
    throw new PowerError('candidates_inconsistent', `candidatesV3 at block ${block} lists candidate ${repeated} twice`);
  }
  const atBlock = await Promise.all(ids.map((id) => reader.candidateById(id, block)));
  const staleAt = listed.findIndex((c, i) => {
    const state = atBlock[i];
    return (
      !state || c.totalWeightedVotes !== state.totalWeightedVotes || c.selfStakeBucketIdx !== state.selfStakeBucketIdx
    );
  });
  if (staleAt >= 0) {
    const listedOne = listed[staleAt]!;
    const state = atBlock[staleAt];
    throw fromEpoch(
      block,
      `candidate ${listedOne.name} has ${listedOne.totalWeightedVotes} weighted votes in the list, ` +
        (state ? `${state.totalWeightedVotes} at the block` : 'and is no candidate at the block'),
    );
  }
  const present = atBlock as StakingCandidate[];
  return {
    byId: new Map(present.map((c) => [c.id, c])),
    total: present.reduce((sum, c) => sum + c.totalWeightedVotes, 0n),
  };
}

/**
 * Throws 'candidates_from_epoch' if any of `ids` (candidates some bucket names, missing from the
 * list at `block`) is a candidate at the block after all: the list is then not the block's.
 */
export async function assertNoCandidates(reader: StakingReader, ids: string[], block: number): Promise<void> {
  const found = await Promise.all(ids.map((id) => reader.candidateById(id, block)));
  const missing = found.find((c) => c !== null);
  if (missing) throw fromEpoch(block, `candidate ${missing.name} (${missing.id}) is not in the list`);
}

/** candidatesV3 answered from a staking-indexer snapshot instead of the block's state. */
export function fromEpoch(block: number | 'latest', what: string): PowerError {
  return new PowerError(
    'candidates_from_epoch',
    `the node's candidatesV3 at block ${block} is not the state at that block (${what}): it runs with ` +
      'chain.enableStakingIndexer, which answers the candidate list from an epoch snapshot ' +
      '(action/protocol/staking/staking_statereader.go); use a node without the staking indexer',
  );
}
