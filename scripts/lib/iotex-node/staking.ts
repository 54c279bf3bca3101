// eth_call to the staking protocol's address, answered as iotex-core answers it. On IoTeX this is
// not a contract: api/web3server.go:485-504 decodes the call (action/protocol/staking/ethabi),
// reads the staking protocol's state (api/coreservice.go ReadState → readState → Protocol.ReadState)
// and encodes the answer. Locally the state lives in the native-staking stand-in at the same
// address; this module reads it at the height iotex-core would read, and reproduces what the
// node's code does to the answer (random candidate order, read cache, staking-indexer snapshots,
// the unknown-candidate error).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { Interface, ZeroAddress, type FunctionFragment, type Result } from 'ethers';

import { STAKING_PROTOCOL_ADDRESS } from '../../../server/power/abi.js';

import { hex, workingSetAtHeight, type NodeContext } from './context.js';
import { GRPC, HandlerPanic, plainError, statusError } from './errors.js';
import { epochNum } from './profiles.js';

const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** The staking protocol's address: last 20 bytes of keccak256("staking"). */
export const STAKING_ADDRESS = STAKING_PROTOCOL_ADDRESS;

/** Every function iotex-core answers at the staking address (ethabi v1–v4 at c6012964). */
export const stakingInterface = new Interface(
  (
    JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/iotex/iotex-staking.json'), 'utf8')) as {
      abi: ConstructorParameters<typeof Interface>[0];
    }
  ).abi,
);

const UINT32_MAX = 2 ** 32 - 1;

/** ReadStakingDataMethod_CANDIDATES (ethabi/v1/stake_candidates.go, v3/stake_candidates.go:86-88, v4). */
const CANDIDATE_LISTS = new Set(['candidates', 'candidatesV3', 'candidatesV4']);
/** ReadStakingDataMethod_COMPOSITE_BUCKETS (ethabi/v2/stake_composite_buckets.go, v3). */
const COMPOSITE_LISTS = new Set(['compositeBuckets', 'compositeBucketsV3']);
/** CANDIDATE_BY_NAME / CANDIDATE_BY_ADDRESS (ethabi/v1, v3/stake_candidatebyid.go:86, v4). */
const CANDIDATE_LOOKUPS = new Set([
  'candidateByName',
  'candidateByNameV3',
  'candidateByNameV4',
  'candidateByAddress',
  'candidateByAddressV3',
  'candidateByAddressV4',
  'candidateByIDV3',
  'candidateByIDV4',
]);

/**
 * One eth_call to the staking address. `heightStr` is what web3server passes to ReadState: ""
 * for the latest state, else the decimal height.
 */
export async function stakingCall(ctx: NodeContext, data: string, heightStr: string): Promise<string> {
  // ethabi/stake_base.go:13-35 BuildReadStateRequest: under 4 bytes, then v1…v4 in turn; a
  // selector none knows or arguments none can unpack give "invalid call sig".
  if (data.length < 10) throw plainError('invalid call binary data'); // ethabi/common/error.go:7
  let fn: FunctionFragment;
  let args: Result;
  try {
    const found = stakingInterface.getFunction(data.slice(0, 10));
    if (!found) throw new Error('unknown selector');
    fn = found;
    args = stakingInterface.decodeFunctionData(fn, data);
  } catch {
    throw plainError('invalid call sig'); // ethabi/common/error.go:8
  }

  const shuffled = CANDIDATE_LISTS.has(fn.name) && !ctx.profile.stakingIndexer;
  // Only the shuffled lists need the read cache to be visible: everything else is a function of
  // the state at a height, which does not change within a block.
  const read = () => readState(ctx, fn, args, data, heightStr, shuffled);
  return shuffled ? ctx.serially(read) : read();
}

/** api/coreservice.go:1102-1162 readState, then ReadState's error wrapping (:756-779). */
async function readState(
  ctx: NodeContext,
  fn: FunctionFragment,
  args: Result,
  data: string,
  heightStr: string,
  cached: boolean,
): Promise<string> {
  const tip = await ctx.tip();
  // ReadKey{Name, Height, Method, Args} with "" replaced by the decimal tip (:1103-1111).
  const key = (height: string) => `staking|${height}|${fn.name}|${data.toLowerCase()}`;
  if (cached) {
    const hit = ctx.readCache.get(key(heightStr || String(tip)));
    if (hit !== undefined) return hit;
  }
  let srHeight = tip;
  let readAt = tip;
  if (heightStr !== '') {
    const inputHeight = Number(heightStr);
    // Only a height below the tip gets a historical working set; the tip and anything above
    // read the latest state (:1134-1150).
    if (inputHeight < tip) {
      const ws = workingSetAtHeight(ctx, inputHeight, tip);
      // Every readState error becomes status NotFound (ReadState, :761-764).
      if ('refused' in ws) throw statusError(GRPC.NotFound, ws.refused);
      srHeight = inputHeight;
      readAt = ws.readAt;
    }
  }
  const { answer, height } = await protocolReadState(ctx, fn, args, data, { srHeight, readAt, tip });
  // The answer is cached under the height the protocol returned (:1143-1146, :1156-1159).
  if (cached) ctx.readCache.set(key(String(height)), answer);
  return answer;
}

interface ReadHeights {
  /** The state reader's Height(): the input height below the tip, else the tip. */
  srHeight: number;
  /** Where that state lives upstream (the tip on a non-archive node before v2.4.4). */
  readAt: number;
  tip: number;
}

/** action/protocol/staking/protocol.go:996-1078 ReadState, per method. */
async function protocolReadState(
  ctx: NodeContext,
  fn: FunctionFragment,
  args: Result,
  data: string,
  at: ReadHeights,
): Promise<{ answer: string; height: number }> {
  const indexed =
    ctx.profile.stakingIndexer &&
    (CANDIDATE_LISTS.has(fn.name) || COMPOSITE_LISTS.has(fn.name) || fn.name === 'buckets');
  if (indexed) return indexerRead(ctx, fn, args, at);

  if (CANDIDATE_LISTS.has(fn.name)) {
    // candidate_statereader.go:459-466 getPageOfCandidates(c.AllCandidates(), …): AllCandidates
    // ranges over a Go map (candidate_center.go:553-565 `for _, d := range cb.identifierMap`),
    // and nothing sorts it on the way out, so every computation has its own order.
    const all = await wholeList(ctx, fn, ctx.stateTag(at.readAt));
    shuffle(all, ctx.random);
    const page = pageOfArray(all, Number(args[0]), Number(args[1]));
    return { answer: stakingInterface.encodeFunctionResult(fn, [page]), height: at.srHeight };
  }

  const answer = await ctx.upstream.call<string>('eth_call', [{ to: STAKING_ADDRESS, data }, ctx.stateTag(at.readAt)]);
  if (CANDIDATE_LOOKUPS.has(fn.name)) {
    // An unknown candidate reads as an empty CandidateV2 (candidate_statereader.go:468-502);
    // EncodeCandidateToEth (ethabi/common/types.go:108-114) then converts its empty owner with
    // addrutil.IoAddrToEvmAddr("") → iotex-address FromString: "address length = 0, expecting 41".
    // The stand-in answers an all-zero struct instead.
    const [candidate] = stakingInterface.decodeFunctionResult(fn, answer) as unknown as [{ ownerAddress: string }];
    if (candidate.ownerAddress === ZeroAddress) throw plainError('address length = 0, expecting 41: invalid address');
  }
  return { answer, height: at.srHeight };
}

/**
 * chain.enableStakingIndexer: candidates and native buckets come from per-epoch snapshots
 * (action/protocol/staking/candidate_buckets_indexer.go). The snapshot under epochStart(E) is
 * written at the first block of epoch E+1 from that block's pre-state (protocol.go:601-617,
 * 662-688), i.e. it is the state at the last block of E. A read at H asks for epochStart(epoch(H))
 * (protocol.go:1024-1032, staking_statereader.go:45-72, 215-243); for the current epoch that
 * snapshot does not exist yet and GetCandidates/GetBuckets clamp to the newest one
 * (candidate_buckets_indexer.go:123-127, 169-173): the previous epoch's. The stored order is
 * stable. Composite buckets take their native part from the snapshot and their NFT part from the
 * state at H.
 */
async function indexerRead(
  ctx: NodeContext,
  fn: FunctionFragment,
  args: Result,
  at: ReadHeights,
): Promise<{ answer: string; height: number }> {
  const L = ctx.epochLength;
  const epoch = Math.min(epochNum(at.srHeight, L), epochNum(at.tip, L) - 1);
  const snapshotKey = epoch <= 0 ? 0 : (epoch - 1) * L + 1;
  const offset = Number(args[0]);
  const limit = Number(args[1]);
  // No snapshot yet: an empty list (candidate_buckets_indexer.go:129-132).
  const snapshot = async (name: string) =>
    epoch <= 0 ? [] : await wholeList(ctx, stakingInterface.getFunction(name)!, ctx.stateTag(epoch * L));

  if (COMPOSITE_LISTS.has(fn.name)) {
    const native = (await snapshot(fn.name)).filter((b) => !isNft(b));
    const nft = (await wholeList(ctx, fn, ctx.stateTag(at.readAt))).filter(isNft);
    // GetBuckets pages the native list, then the merged list is paged again
    // (staking_statereader.go:59-95).
    const merged = [...indexerPage(native, offset, limit), ...nft];
    return {
      answer: stakingInterface.encodeFunctionResult(fn, [pageOfArray(merged, offset, limit)]),
      height: snapshotKey,
    };
  }
  const list = indexerPage(await snapshot(fn.name), offset, limit);
  return { answer: stakingInterface.encodeFunctionResult(fn, [list]), height: snapshotKey };
}

const isNft = (bucket: Result) => (bucket as unknown as { contractAddress: string }).contractAddress !== ZeroAddress;

/** The whole list a paged method returns: offset 0, limit 2^32-1 (no upper bound on iotex-core). */
async function wholeList(ctx: NodeContext, fn: FunctionFragment, tag: string): Promise<Result[]> {
  const data = stakingInterface.encodeFunctionData(fn, [0, UINT32_MAX]);
  const answer = await ctx.upstream.call<string>('eth_call', [{ to: STAKING_ADDRESS, data }, tag]);
  return [...(stakingInterface.decodeFunctionResult(fn, answer)[0] as Result)] as Result[];
}

/** action/protocol/staking/read_state.go:45-59 getPageOfArray: no upper bound on limit. */
export function pageOfArray<T>(array: T[], offset: number, limit: number): T[] {
  if (offset >= array.length) return [];
  return array.slice(offset, offset + Math.min(limit, array.length - offset));
}

/**
 * candidate_buckets_indexer.go:140-145 (and :185-190): `end := min(offset+limit, len)` in uint32,
 * so offset ≥ 1 with offset+limit ≥ 2^32 wraps and `list[offset:end]` panics (HTTP 500).
 */
export function indexerPage<T>(array: T[], offset: number, limit: number): T[] {
  if (offset >= array.length) return [];
  const end = Math.min((offset + limit) % 2 ** 32, array.length);
  if (end < offset) throw new HandlerPanic(`runtime error: slice bounds out of range [${offset}:${end}]`);
  return array.slice(offset, end);
}

function shuffle<T>(array: T[], random: () => number): void {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [array[i], array[j]] = [array[j]!, array[i]!];
  }
}

/**
 * eth_getBalance of the staking protocol's address: coreService.getProtocolAccount answers the
 * total staked amount at the latest state, whatever the height (api/coreservice.go:396-403,
 * 1968-1988).
 */
export async function stakingProtocolBalance(ctx: NodeContext): Promise<string> {
  const fn = stakingInterface.getFunction('totalStakingAmount')!;
  const answer = await ctx.upstream.call<string>('eth_call', [
    { to: STAKING_ADDRESS, data: stakingInterface.encodeFunctionData(fn, []) },
    hex(await ctx.tip()),
  ]);
  return `0x${(stakingInterface.decodeFunctionResult(fn, answer)[0] as bigint).toString(16)}`;
}
