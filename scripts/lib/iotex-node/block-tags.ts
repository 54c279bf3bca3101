// Block parameters as iotex-core parses them: go-ethereum's rpc.BlockNumberOrHash /
// rpc.BlockNumber UnmarshalJSON (the iotexproject/go-ethereum fork pinned in go.mod; its rpc/types.go
// is upstream's: v1.15.11 for iotex-core v2.4.x, v1.13.14 for v2.3.x), then
// api/web3server_utils.go blockNumberOrHashToHeight (:448-466 at c6012964).
//
// Only hex is accepted: a decimal string, a JSON number or a hex number with leading zeros is an
// error, with go-ethereum's messages (common/hexutil/hexutil.go:44-52, v1.15.11).

/** Which go-ethereum rpc package the node was built with: it decides what "0x0" means. */
export type GethRpc = 'v1.13' | 'v1.15';

/** rpc.BlockNumber constants (rpc/types.go:65-71 at v1.15.11; :66-72 at v1.13.14). */
const BLOCK_NUMBERS: Record<GethRpc, Record<'earliest' | 'safe' | 'finalized' | 'latest' | 'pending', bigint>> = {
  // Upstream #31361 (v1.15.8) moved earliest from 0 to -5.
  'v1.15': { earliest: -5n, safe: -4n, finalized: -3n, latest: -2n, pending: -1n },
  'v1.13': { earliest: 0n, safe: -4n, finalized: -3n, latest: -2n, pending: -1n },
};
const TAGS = ['earliest', 'latest', 'pending', 'finalized', 'safe'] as const;
const MAX_INT64 = 2n ** 63n - 1n;

/** A parsed rpc.BlockNumberOrHash: neither field set is possible (JSON null or {}). */
export interface BlockNumberOrHash {
  blockNumber?: bigint;
  /** 0x + 64 lowercase hex digits, as common.Hash.String() prints it. */
  blockHash?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = <T>(error: string): Parsed<T> => ({ ok: false, error });

/** hexutil error messages (common/hexutil/hexutil.go:44-52, v1.15.11 = v1.13.14). */
const HEX = {
  empty: 'empty hex string',
  syntax: 'invalid hex string',
  missingPrefix: 'hex string without 0x prefix',
  emptyNumber: 'hex string "0x"',
  leadingZero: 'hex number with leading zero digits',
  uint64Range: 'hex number > 64 bits',
} as const;

/** hexutil.DecodeUint64 (hexutil.go:92-102, checkNumber :193-208, mapError :225-241). */
export function decodeUint64(input: string): Parsed<bigint> {
  if (input.length === 0) return fail(HEX.empty);
  if (!(input.length >= 2 && input[0] === '0' && (input[1] === 'x' || input[1] === 'X'))) {
    return fail(HEX.missingPrefix);
  }
  const raw = input.slice(2);
  if (raw.length === 0) return fail(HEX.emptyNumber);
  if (raw.length > 1 && raw[0] === '0') return fail(HEX.leadingZero);
  // strconv.ParseUint(raw, 16, 64): the first bad digit is a syntax error, the first digit that
  // would overflow is a range error, whichever comes first.
  let n = 0n;
  for (const c of raw.toLowerCase()) {
    const d = '0123456789abcdef'.indexOf(c);
    if (d < 0) return fail(HEX.syntax);
    n = n * 16n + BigInt(d);
    if (n > 2n ** 64n - 1n) return fail(HEX.uint64Range);
  }
  return { ok: true, value: n };
}

/** common.Hash.UnmarshalText: hexutil.UnmarshalFixedText("Hash", …) (common/hexutil/json.go:110-126). */
function unmarshalHashText(input: string): Parsed<string> {
  if (input.length === 0) return fail('hex string has length 0, want 64 for Hash');
  let raw = input;
  if (raw.length >= 2 && raw[0] === '0' && (raw[1] === 'x' || raw[1] === 'X')) raw = raw.slice(2);
  else return fail(HEX.missingPrefix);
  if (raw.length % 2 !== 0) return fail('hex string of odd length');
  if (raw.length !== 64) return fail(`hex string has length ${raw.length}, want 64 for Hash`);
  if (!/^[0-9a-fA-F]*$/.test(raw)) return fail(HEX.syntax);
  return { ok: true, value: `0x${raw.toLowerCase()}` };
}

/** What encoding/json says when a JSON value cannot go into a Go string. */
function goJsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  return 'string';
}

/**
 * rpc.BlockNumber.UnmarshalJSON on raw bytes (rpc/types.go:79-110 at v1.15.11): trims spaces,
 * strips one pair of quotes WITHOUT unescaping, then a tag or hexutil.DecodeUint64.
 */
export function unmarshalBlockNumber(data: string, geth: GethRpc): Parsed<bigint> {
  let input = data.trim();
  if (input.length >= 2 && input.startsWith('"') && input.endsWith('"')) input = input.slice(1, -1);
  if ((TAGS as readonly string[]).includes(input)) {
    return { ok: true, value: BLOCK_NUMBERS[geth][input as (typeof TAGS)[number]] };
  }
  const n = decodeUint64(input);
  if (!n.ok) return n;
  if (n.value > MAX_INT64) return fail('block number larger than int64');
  return n;
}

/**
 * rpc.BlockNumberOrHash.UnmarshalJSON (rpc/types.go:147-213 at v1.15.11) on a decoded JSON value.
 * The object form is tried first (case-insensitive keys, as encoding/json matches them; any
 * error in it falls through to the string form, whose error is then reported); a JSON null or an
 * object with neither field is accepted with both fields unset.
 */
export function unmarshalBlockNumberOrHash(value: unknown, geth: GethRpc): Parsed<BlockNumberOrHash> {
  if (value === null) return { ok: true, value: {} };
  if (typeof value === 'object' && !Array.isArray(value)) {
    const fromObject = objectForm(value as Record<string, unknown>, geth);
    if (fromObject) return fromObject;
  }
  if (typeof value !== 'string')
    return fail(`json: cannot unmarshal ${goJsonKind(value)} into Go value of type string`);
  if ((TAGS as readonly string[]).includes(value)) {
    return { ok: true, value: { blockNumber: BLOCK_NUMBERS[geth][value as (typeof TAGS)[number]] } };
  }
  if (value.length === 66) {
    const hash = unmarshalHashText(value);
    return hash.ok ? { ok: true, value: { blockHash: hash.value } } : hash;
  }
  const n = decodeUint64(value);
  if (!n.ok) return n;
  if (n.value > MAX_INT64) return fail('blocknumber too high');
  return { ok: true, value: { blockNumber: n.value } };
}

/** The struct decode of BlockNumberOrHash; undefined when encoding/json would fail. */
function objectForm(obj: Record<string, unknown>, geth: GethRpc): Parsed<BlockNumberOrHash> | undefined {
  const out: BlockNumberOrHash = {};
  for (const [key, v] of Object.entries(obj)) {
    switch (key.toLowerCase()) {
      case 'blocknumber': {
        if (v === null) {
          delete out.blockNumber;
          break;
        }
        // BlockNumber.UnmarshalJSON gets the raw value: a JSON string keeps its quotes.
        const n = unmarshalBlockNumber(JSON.stringify(v), geth);
        if (!n.ok) return undefined;
        out.blockNumber = n.value;
        break;
      }
      case 'blockhash': {
        if (v === null) {
          delete out.blockHash;
          break;
        }
        if (typeof v !== 'string') return undefined;
        const h = unmarshalHashText(v);
        if (!h.ok) return undefined;
        out.blockHash = h.value;
        break;
      }
      case 'requirecanonical':
        if (v !== null && typeof v !== 'boolean') return undefined;
        break;
      default: // unknown fields are ignored
    }
  }
  if (out.blockNumber !== undefined && out.blockHash !== undefined) {
    return fail('cannot specify both BlockHash and BlockNumber, choose one or the other');
  }
  return { ok: true, value: out };
}

/**
 * gjson's Result.String() of a JSON value, which iotex-core puts into error messages ("failed to
 * unmarshal height %s") and, for eth_getTransactionCount, hands to BlockNumber.UnmarshalJSON.
 */
export function gjsonString(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    // Integers print as their digits; others as strconv.FormatFloat(f, 'f', -1, 64).
    if (Number.isInteger(value)) return BigInt(value).toString();
    return value.toString().includes('e') ? value.toFixed(20).replace(/0+$/, '') : value.toString();
  }
  return JSON.stringify(value);
}

/** The result of blockNumberOrHashToHeight: height 0 means "the tip". */
export interface ResolvedHeight {
  height: number;
  /** The node was asked for an explicit height (iotex-core's `archive` return value). */
  explicit: boolean;
}

/**
 * api/web3server_utils.go:448-466 blockNumberOrHashToHeight, the number part: the tags give 0
 * (latest), earliest gives 1, anything else is the number itself. With go-ethereum v1.13 the
 * number 0 IS earliest, so "0x0" means height 1 there and the tip with v1.15.
 */
export function numberToHeight(blockNumber: bigint, geth: GethRpc): ResolvedHeight {
  const k = BLOCK_NUMBERS[geth];
  if (blockNumber === k.safe || blockNumber === k.finalized || blockNumber === k.latest || blockNumber === k.pending) {
    return { height: 0, explicit: false };
  }
  if (blockNumber === k.earliest) return { height: 1, explicit: true };
  return { height: Number(blockNumber), explicit: true };
}
