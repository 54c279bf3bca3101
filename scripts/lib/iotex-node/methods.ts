// The methods that take a block parameter, as api/web3server.go handles them: parse the block
// parameter (block-tags.ts), turn it into a height (blockNumberOrHashToHeight), then read the
// state the way coreService does on this kind of node.
import { MULTICALL3_CANONICAL_ADDRESS } from '../../../server/power/abi.js';

import {
  gjsonString,
  numberToHeight,
  unmarshalBlockNumber,
  unmarshalBlockNumberOrHash,
  type BlockNumberOrHash,
  type ResolvedHeight,
} from './block-tags.js';
import { hex, noBlockAtHeight, workingSetAtHeight, type NodeContext } from './context.js';
import { GRPC, HandlerPanic, UpstreamError, Web3Error, plainError, rewrappedInternal, statusError } from './errors.js';
import { STAKING_ADDRESS, stakingCall, stakingProtocolBalance } from './staking.js';

/** errInvalidFormat (api/web3server.go:83). */
const invalidFormat = () => plainError('invalid format of request');

/** params[i] as gjson's in.Get("params.i") sees it: undefined when it does not exist. */
function param(params: unknown, i: number): unknown {
  return Array.isArray(params) && i < params.length ? params[i] : undefined;
}

/**
 * ethAddrToIoAddr (api/web3server_utils.go:59-64): common.IsHexAddress, optional 0x, 40 hex
 * digits; else "ethAddr: <x>: wrong type of params" (errUnkownType, api/web3server.go:81).
 */
function checkEthAddress(value: unknown): void {
  const s = gjsonString(value);
  const digits = s.startsWith('0x') || s.startsWith('0X') ? s.slice(2) : s;
  if (!/^[0-9a-fA-F]{40}$/.test(digits)) throw plainError(`ethAddr: ${s}: wrong type of params`);
}

/**
 * blockNumberOrHashToHeight (api/web3server_utils.go:448-466). A hash is looked up (coreService
 * BlockByHash, api/coreservice.go:1352-1364); neither field set dereferences a nil pointer: a
 * panic, HTTP 500 for the whole request.
 */
async function toHeight(ctx: NodeContext, bn: BlockNumberOrHash): Promise<ResolvedHeight> {
  if (bn.blockHash !== undefined) {
    const block = await ctx.upstream.call<{ number: string } | null>('eth_getBlockByHash', [bn.blockHash, false]);
    if (!block) {
      // BlockByHash wraps the DAO's error around ErrNotFound (api/coreservice.go:1360-1362,
      // :284); a node with v2 block files only answers db.ErrNotExist from
      // FileV2Manager.GetBlock (blockchain/filedao/filedao_v2_manager.go:110-117).
      throw plainError(`failed to get block height by hash ${bn.blockHash}: not exist in DB: not found`);
    }
    return { height: Number(BigInt(block.number)), explicit: true };
  }
  if (bn.blockNumber === undefined) {
    throw new HandlerPanic('runtime error: invalid memory address or nil pointer dereference');
  }
  return numberToHeight(bn.blockNumber, ctx.profile.geth);
}

/** parseBlockNumberOrHash (api/web3server_utils.go:437-446): absent means latest. */
function parseBlockParam(ctx: NodeContext, value: unknown): BlockNumberOrHash {
  if (value === undefined) return { blockNumber: -2n }; // rpc.LatestBlockNumber
  const parsed = unmarshalBlockNumberOrHash(value, ctx.profile.geth);
  if (!parsed.ok) throw plainError(parsed.error);
  return parsed.value;
}

/**
 * eth_getBalance, eth_getCode, eth_getStorageAt, eth_getTransactionCount at a height: coreService
 * BalanceAt (:379-415), CodeAt (:417-444) and ReadContractStorageAt (:2052-2069) through
 * workingSetAt (:2334-2352), PendingNonceAt (:670-692). Height 0 is the tip (the pending nonce
 * for eth_getTransactionCount); above the tip ContextAtHeight fails; below it the working set
 * decides. Every failure there is status Internal (13).
 */
async function accountStateTag(ctx: NodeContext, resolved: ResolvedHeight, latest: string): Promise<string> {
  if (resolved.height === 0) return latest;
  const tip = await ctx.tip();
  if (resolved.height > tip) throw statusError(GRPC.Internal, noBlockAtHeight(resolved.height));
  const ws = workingSetAtHeight(ctx, resolved.height, tip);
  if ('refused' in ws) throw statusError(GRPC.Internal, ws.refused);
  return ctx.stateTag(ws.readAt);
}

/** A Hardhat call whose error object is passed on unchanged. */
async function forward(ctx: NodeContext, method: string, params: unknown[]): Promise<unknown> {
  return ctx.upstream.call(method, params);
}

export async function ethGetBalance(ctx: NodeContext, params: unknown): Promise<unknown> {
  // api/web3server.go:424-447
  const addr = param(params, 0);
  if (addr === undefined) throw invalidFormat();
  checkEthAddress(addr);
  const resolved = await toHeight(ctx, parseBlockParam(ctx, param(params, 1)));
  if (gjsonString(addr).toLowerCase().replace(/^0x/, '') === STAKING_ADDRESS.slice(2).toLowerCase()) {
    // The protocol account ignores the height once ContextAtHeight passed (api/coreservice.go:396-403).
    if (resolved.height > (await ctx.tip())) throw statusError(GRPC.Internal, noBlockAtHeight(resolved.height));
    return stakingProtocolBalance(ctx);
  }
  return forward(ctx, 'eth_getBalance', [addr, await accountStateTag(ctx, resolved, 'latest')]);
}

export async function ethGetCode(ctx: NodeContext, params: unknown): Promise<unknown> {
  // api/web3server.go:774-797
  const addr = param(params, 0);
  if (addr === undefined) throw invalidFormat();
  checkEthAddress(addr);
  const resolved = await toHeight(ctx, parseBlockParam(ctx, param(params, 1)));
  return forward(ctx, 'eth_getCode', [addr, await accountStateTag(ctx, resolved, 'latest')]);
}

export async function ethGetStorageAt(ctx: NodeContext, params: unknown): Promise<unknown> {
  // api/web3server.go:1141-1167: the block parameter is the third.
  const addr = param(params, 0);
  const pos = param(params, 1);
  if (addr === undefined || pos === undefined) throw invalidFormat();
  const resolved = await toHeight(ctx, parseBlockParam(ctx, param(params, 2)));
  return forward(ctx, 'eth_getStorageAt', [addr, pos, await accountStateTag(ctx, resolved, 'latest')]);
}

export async function ethGetTransactionCount(ctx: NodeContext, params: unknown): Promise<unknown> {
  // api/web3server.go:450-475: rpc.BlockNumber (no hash) unmarshalled from gjson's String() of
  // the parameter, i.e. the string WITHOUT its quotes.
  const addr = param(params, 0);
  if (addr === undefined) throw invalidFormat();
  let bn = -2n; // rpc.LatestBlockNumber
  const tag = param(params, 1);
  if (tag !== undefined) {
    const parsed = unmarshalBlockNumber(gjsonString(tag), ctx.profile.geth);
    if (!parsed.ok) throw plainError(`failed to unmarshal height ${gjsonString(tag)}: ${parsed.error}`);
    bn = parsed.value;
  }
  checkEthAddress(addr);
  const resolved = numberToHeight(bn, ctx.profile.geth);
  // Height 0: the actpool's pending nonce (api/coreservice.go:670-673).
  return forward(ctx, 'eth_getTransactionCount', [addr, await accountStateTag(ctx, resolved, 'pending')]);
}

/** api/web3server.go:478-578 call. */
export async function ethCall(ctx: NodeContext, params: unknown): Promise<unknown> {
  // parseCallObject (api/web3server_utils.go:330-435): from and to must be hex addresses, the
  // block parameter is rpc.BlockNumberOrHash with its error wrapped.
  const callObject = param(params, 0);
  const field = (name: string): unknown =>
    callObject !== null && typeof callObject === 'object' ? (callObject as Record<string, unknown>)[name] : undefined;
  const from = gjsonString(field('from'));
  checkEthAddress(from === '' ? '0x0000000000000000000000000000000000000000' : from);
  const to = gjsonString(field('to'));
  if (to !== '') checkEthAddress(to);
  const data = gjsonString(field('input') !== undefined ? field('input') : field('data'));
  let bn: BlockNumberOrHash = { blockNumber: -2n };
  const tag = param(params, 1);
  if (tag !== undefined) {
    const parsed = unmarshalBlockNumberOrHash(tag, ctx.profile.geth);
    if (!parsed.ok) throw plainError(`failed to unmarshal height ${gjsonString(tag)}: ${parsed.error}`);
    bn = parsed.value;
  }
  const toStaking = to.toLowerCase().replace(/^0x/, '') === STAKING_ADDRESS.slice(2).toLowerCase();

  if (!ctx.profile.stakingAtHeight) {
    // v2.3.2 and earlier: the staking branch comes before blockNumberOrHashToHeight and passes ""
    // (v2.3.2:api/web3server.go:476-492): whatever the tag, even an unknown hash, the latest state.
    if (toStaking) return stakingCall(ctx, normaliseData(data), '');
    return evmCall(ctx, params, await toHeight(ctx, bn));
  }
  const resolved = await toHeight(ctx, bn);
  if (toStaking) {
    // api/web3server.go:485-504: heightStr is "" unless height > 0.
    return stakingCall(ctx, normaliseData(data), resolved.height > 0 ? String(resolved.height) : '');
  }
  return evmCall(ctx, params, resolved);
}

/** common.FromHex: optional 0x, an odd length gets a leading 0. */
function normaliseData(data: string): string {
  let digits = data.startsWith('0x') || data.startsWith('0X') ? data.slice(2) : data;
  if (digits.length % 2 === 1) digits = `0${digits}`;
  return `0x${/^[0-9a-fA-F]*$/.test(digits) ? digits.toLowerCase() : ''}`;
}

/**
 * An EVM eth_call. Without an explicit height, ReadContract at the tip. With one, WithHeight(h):
 * on a non-archive node that is the core service itself, so the tip again, silently
 * (api/coreservice.go:348-355); on an archive node readContract → simulateExecution at h
 * (:2287-2297), whose status errors readContract wraps once more as Internal (:741-744).
 *
 * Either way the call runs as the NEXT block on top of the state after block h (or the tip):
 * evm.SimulateExecution sets BlockHeight = Tip.Height + 1 (action/protocol/execution/evm/evm.go:
 * 913-922; the same at v2.3.8 and v2.4.4), so block.number is h + 1. Hardhat runs a call at block h
 * with block.number = h. The emulator runs calls at the tip with the "pending" tag (the tip's state,
 * number tip + 1), and a call at a past h at h + 1 when that block left the state unchanged (same
 * stateRoot). Otherwise (h + 1 changed the state, or h lies in a hardhat_mine range) it runs at h,
 * where only Multicall3's getBlockNumber() is corrected to h + 1.
 */
async function evmCall(ctx: NodeContext, params: unknown, resolved: ResolvedHeight): Promise<unknown> {
  const tip = await ctx.tip();
  let executedOn = tip;
  let tag = 'pending';
  if (resolved.explicit && ctx.profile.archive && resolved.height !== 0) {
    if (resolved.height > tip) throw rewrappedInternal(noBlockAtHeight(resolved.height));
    const ws = workingSetAtHeight(ctx, resolved.height, tip);
    if ('refused' in ws) throw rewrappedInternal(ws.refused);
    executedOn = ws.readAt;
    if (ws.readAt < tip) tag = await nextBlockTag(ctx, ws.readAt);
  }
  if (tag === 'pending') tag = await tipTag(ctx);
  const callObject = param(params, 0);
  let answer: unknown;
  try {
    answer = await ctx.upstream.call('eth_call', [callObject, tag]);
  } catch (error) {
    throw revertAsIotex(error);
  }
  const field = (name: string) => gjsonString((callObject as Record<string, unknown> | null)?.[name]).toLowerCase();
  if (
    field('to') === MULTICALL3.toLowerCase() &&
    (field('input') || field('data')) === GET_BLOCK_NUMBER &&
    typeof answer === 'string' &&
    answer.length === 66
  ) {
    return `0x${(executedOn + 1).toString(16).padStart(64, '0')}`;
  }
  return answer;
}

/**
 * The upstream tag for work "at the tip": "pending" (the tip's state, numbered tip + 1, as iotex-core
 * simulates the next block), unless Hardhat's pool holds transactions (mining paused in a test), which
 * its "pending" block would include: iotex-core never runs a call or an estimate on its action pool, so
 * then "latest".
 */
async function tipTag(ctx: NodeContext): Promise<string> {
  const pooled = await ctx.upstream.call<unknown[]>('eth_pendingTransactions');
  return pooled.length > 0 ? 'latest' : 'pending';
}

/**
 * eth_estimateGas (api/web3server.go estimateGas): at the tip unless a height is given, on the mined
 * state. Only the state is emulated: the figure is Hardhat's least gas that does not revert, where
 * iotex-core answers the gas used at the block's gas limit when that does not revert
 * (api/coreservice.go estimateExecutionGasConsumptionAt); the relayer relies on neither.
 */
export async function ethEstimateGas(ctx: NodeContext, params: unknown): Promise<unknown> {
  const block = param(params, 1);
  const atTip = block === undefined || block === 'latest' || block === 'pending';
  try {
    return await ctx.upstream.call('eth_estimateGas', [param(params, 0), atTip ? await tipTag(ctx) : block]);
  } catch (error) {
    throw revertAsIotex(error);
  }
}

/** Multicall3's canonical address and its getBlockNumber() selector (`return block.number`). */
const MULTICALL3 = MULTICALL3_CANONICAL_ADDRESS;
const GET_BLOCK_NUMBER = '0x42cbb15c';

/** Block h + 1 when it has the state of block h (no transaction, no hardhat_set*), else h. */
async function nextBlockTag(ctx: NodeContext, height: number): Promise<string> {
  const tag = ctx.stateTag(height);
  if (tag !== hex(height)) return tag; // inside a hardhat_mine range
  const [block, next] = await Promise.all([
    ctx.upstream.call<{ stateRoot: string } | null>('eth_getBlockByNumber', [hex(height), false]),
    ctx.upstream.call<{ stateRoot: string } | null>('eth_getBlockByNumber', [hex(height + 1), false]),
  ]);
  return block && next && block.stateRoot === next.stateRoot ? hex(height + 1) : tag;
}

/**
 * A reverted execution: status InvalidArgument "execution reverted[: reason]" with the return
 * data as `data` (api/web3server.go:570-575); the reason is set only for Error(string)
 * (action/protocol/execution/evm/evm.go:384-392).
 */
function revertAsIotex(error: unknown): unknown {
  if (!(error instanceof UpstreamError)) return error;
  const raw = error.error.data;
  const returned =
    typeof raw === 'string'
      ? raw
      : typeof (raw as { data?: unknown })?.data === 'string'
        ? (raw as { data: string }).data
        : undefined;
  if (returned === undefined || !/^0x[0-9a-fA-F]*$/.test(returned) || !/revert/i.test(error.error.message))
    return error;
  const reason = errorStringReason(returned);
  return new Web3Error(GRPC.InvalidArgument, reason ? `execution reverted: ${reason}` : 'execution reverted', returned);
}

/** ExtractRevertMessage of Error(string) return data (selector 0x08c379a0). */
function errorStringReason(data: string): string | undefined {
  if (!data.toLowerCase().startsWith('0x08c379a0') || data.length < 10 + 128) return undefined;
  try {
    const body = data.slice(10);
    const length = Number(BigInt(`0x${body.slice(64, 128)}`));
    return Buffer.from(body.slice(128, 128 + length * 2), 'hex').toString('utf8');
  } catch {
    return undefined;
  }
}
