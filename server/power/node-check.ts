// Whether the RPC node can serve staking state at past blocks, decided from what can be proven,
// never from a read that every node answers. iotex-core answers a staking read at any height at or
// above its tip with the latest state and no error (api/coreservice.go readState:
// `inputHeight < tipHeight`), so "a read far above the head succeeds" proves nothing. What does:
//
// 1. The version it reports (web3_clientVersion = "<git tag>/<go version>", api/web3server.go).
//    Before v2.3.3 eth_call to the staking address ignores the block (api/web3server.go passes no
//    height); v2.4.0 is the mandatory release that follows the chain past the Yap hard fork
//    (48,985,561), so an older node's "latest" is not mainnet's.
// 2. An archive read whose answer names its block: Multicall3.getBlockNumber() at a past block h. An
//    archive node executes it on h's state (api/coreservice_with_height.go) as the block after it,
//    so it answers h + 1 (action/protocol/execution/evm/evm.go SimulateExecution: BlockHeight =
//    Tip.Height + 1); a node without history runs every EVM read on its tip, silently, at every
//    version (api/coreservice.go WithHeight returns the tip reader when archive is not supported),
//    and answers tip + 1.
// 3. A staking read at block 1 compared with the head, where they must differ once the chain has any
//    stake: bucketsCount's total counts every native bucket ever created, and no IoTeX network has
//    a bucket at block 1 (staking starts at the Fairbank height). A node that answers both alike
//    ignores the height; one that refuses block 1 keeps no full history (a pruned archive,
//    chain.historyBlockRetention, state/factory/statedb.go), while proposals need their snapshot's
//    state for as long as they can be audited.
// 4. The staking indexer (chain.enableStakingIndexer), whose candidate list is an epoch's snapshot:
//    its paging adds offset and limit in uint32 (candidate_buckets_indexer.go GetCandidates), so
//    candidatesV3(1, 2^32 - 1) panics there, and the recovered panic is an HTTP 500 for the whole
//    request (api/web3server.go HandlePOSTReq), where the state's paging returns all candidates
//    but one (read_state.go getPageOfArray). The list at the head is also compared with each
//    candidate read by id (candidates.ts), as every snapshot is when it is counted.
import { PowerError, type PowerErrorCode } from './errors.js';
import { fromEpoch, readCandidateSet } from './candidates.js';
import type { Multicall } from './multicall.js';
import { stakingInterface } from './abi.js';
import { RpcError, type JsonRpcBatcher } from './rpc-batch.js';
import { MAX_LIMIT, type StakingReader } from './staking-reader.js';

/** The first iotex-core release whose staking reads at a past block are served from that block on an archive node and that follows mainnet past Yap. */
export const MIN_IOTEX_CORE_VERSION = [2, 4, 0] as const;

export interface NodeFacts {
  /** What web3_clientVersion answered. */
  clientVersion: string;
  /** iotex-core's release, when the answer names one ("2.4.4"). */
  version: string | null;
  head: number;
  /** Block the archive probe read at, and the block number the EVM saw (the block after it, on an archive node). */
  archiveProbe?: { block: number; executedAt: number };
  /** Native buckets ever created, at block 1 and at the head. */
  bucketsAtBlock1?: string;
  bucketsAtHead?: string;
}

export type HistoricState =
  | { ok: true; node: NodeFacts }
  | {
      ok: false;
      /** 'historic_state_unavailable', or 'candidates_from_epoch' for a node with the staking indexer. */
      code: PowerErrorCode;
      /** What is wrong and which kind of node is needed. */
      reason: string;
      node: NodeFacts;
    };

/**
 * How far below the head the archive read is made: deep enough that every node behind a load
 * balancer that answered the head a moment ago has the block, shallow enough for any archive.
 */
const ARCHIVE_PROBE_DEPTH = 16;

const NEEDED = `an archive node (chain.historyIndexPath set, no chain.historyBlockRetention) of iotex-core v${MIN_IOTEX_CORE_VERSION.join('.')} or later, without chain.enableStakingIndexer`;

/** "v2.4.4/go version go1.24.6 linux/amd64" → [2, 4, 4]; anything else → null. */
export function parseIotexCoreVersion(clientVersion: string): [number, number, number] | null {
  const match = /^v(\d+)\.(\d+)\.(\d+)(?:[-+][^/]*)?\/go version /.exec(clientVersion);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

function atLeast(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    if (version[i]! !== min[i]!) return version[i]! > min[i]!;
  }
  return true;
}

export interface NodeCheckDeps {
  rpc: JsonRpcBatcher;
  staking: StakingReader;
  multicall: Multicall;
}

/** Runs the checks once; a node that does not answer at all throws (the caller may ask again). */
export async function checkNode({ rpc, staking, multicall }: NodeCheckDeps): Promise<HistoricState> {
  const [clientVersion, headHex] = await Promise.all([
    rpc.call<string>('web3_clientVersion', []),
    rpc.call<string>('eth_blockNumber', []),
  ]);
  const head = Number(headHex);
  const parsed = parseIotexCoreVersion(clientVersion);
  const node: NodeFacts = { clientVersion, version: parsed ? parsed.join('.') : null, head };
  const refuse = (why: string, code: PowerErrorCode = 'historic_state_unavailable'): HistoricState => ({
    ok: false,
    code,
    reason: `${why}; the service needs ${NEEDED}`,
    node,
  });

  if (!parsed) return refuse(`the RPC node reports "${clientVersion}", which is not an iotex-core release`);
  if (!atLeast(parsed, [2, 3, 3])) {
    return refuse(`iotex-core v${node.version} answers staking reads with today's state whatever the block`);
  }
  if (!atLeast(parsed, MIN_IOTEX_CORE_VERSION)) {
    return refuse(`iotex-core v${node.version} cannot follow the chain past the Yap hard fork (v2.4.0 is mandatory)`);
  }
  if (head < 2) return refuse(`the chain has ${head + 1} block(s): no past block to prove history with`);

  const probeBlock = Math.max(1, head - ARCHIVE_PROBE_DEPTH);
  const [executed, atBlock1, atHead] = await Promise.all([
    settle(multicall.blockNumberAt(probeBlock)),
    settle(staking.bucketsCount(1)),
    settle(staking.bucketsCount('latest')),
  ]);
  // A node that did not answer (down, rate limited, a gateway's error page) is asked again later;
  // only what the node itself answers decides what kind of node it is.
  for (const read of [executed, atBlock1, atHead]) if (!read.ok && !answeredWithError(read.error)) throw read.error;
  if (!executed.ok) {
    return refuse(
      `the node could not run Multicall3.getBlockNumber() at block ${probeBlock}: ${executed.error.message}`,
    );
  }
  node.archiveProbe = { block: probeBlock, executedAt: executed.value };
  if (executed.value !== probeBlock + 1) {
    return refuse(
      `the node ran a read at block ${probeBlock} as block ${executed.value}, not ${probeBlock + 1}: it keeps no history (not an archive node)`,
    );
  }
  if (!atHead.ok) throw atHead.error;
  if (!atBlock1.ok) {
    return refuse(
      `the node cannot read staking state at block 1 (${atBlock1.error.message}): it does not keep all history`,
    );
  }
  node.bucketsAtBlock1 = atBlock1.value.total.toString();
  node.bucketsAtHead = atHead.value.total.toString();
  if (atHead.value.total > 0n && atBlock1.value.total === atHead.value.total) {
    return refuse(
      `the node answers a staking read at block 1 with the head's ${atHead.value.total} buckets: it ignores the block of staking reads`,
    );
  }
  let candidates: number;
  try {
    candidates = (await readCandidateSet(staking, 'latest')).byId.size;
  } catch (error) {
    if (error instanceof PowerError) return refuse(error.message, error.code);
    throw error;
  }
  if (candidates >= 2 && (await indexerPanics(rpc, staking)) && (await indexerPanics(rpc, staking))) {
    const error = fromEpoch('latest', 'candidatesV3(1, 2^32 - 1) fails with HTTP 500, as the indexer’s paging does');
    return refuse(error.message, error.code);
  }
  return { ok: true, node };
}

/** The node itself answered the call with a JSON-RPC error, as opposed to not answering it. */
function answeredWithError(error: Error): boolean {
  return error instanceof RpcError && error.code !== undefined;
}

/**
 * Whether candidatesV3(1, 2^32 - 1) ends in the staking indexer's recovered panic: HTTP 500 with an
 * empty body (api/http.go). Sent alone, since the panic takes its whole request down.
 */
async function indexerPanics(rpc: JsonRpcBatcher, staking: StakingReader): Promise<boolean> {
  const data = stakingInterface.encodeFunctionData('candidatesV3', [1, MAX_LIMIT]);
  const paged = await settle(rpc.callAlone<string>('eth_call', [{ to: staking.address, data }, 'latest']));
  return (
    !paged.ok && paged.error instanceof RpcError && paged.error.http?.status === 500 && paged.error.http.body === ''
  );
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: Error };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: Error) => ({ ok: false as const, error }),
  );
}
