import { FunctionFragment, Interface, dataLength, formatEther, id, isHexString, type ParamType } from 'ethers';
import { bothForms, parseAddress } from './address.js';
import type { Action } from './api.js';
import { parseIotx } from './format.js';

// Technical proposals carry actions {to, value, data, gas}. The builder turns a target, an IOTX value, a
// function signature such as `transfer(address,uint256)` and its arguments into calldata, and takes the
// gas floor as typed (empty: suggested by the service at review); the reader turns calldata back into a
// readable call when the function is one it knows.

export const MAX_ACTIONS = 20;
export const MAX_ACTION_DATA_BYTES = 24_576;

export interface ActionDraft {
  key: number;
  target: string;
  /** IOTX, as typed. */
  value: string;
  mode: 'call' | 'raw';
  /** `transfer(address,uint256)`, or empty for a plain transfer of value. */
  signature: string;
  args: string[];
  /** Used in raw mode. */
  calldata: string;
  /** The gas floor as typed; empty: the service suggests one at review. */
  gas: string;
}

/** An action as built from a draft: its gas is '' until a floor is typed or suggested. */
export type BuiltAction =
  | { ok: true; action: Action; fragment?: FunctionFragment }
  | { ok: false; field: 'target' | 'value' | 'signature' | 'args' | 'calldata' | 'gas'; error: string };

const UINT64_MAX = 2n ** 64n - 1n;

let nextKey = 1;
export const emptyAction = (): ActionDraft => ({
  key: nextKey++,
  target: '',
  value: '0',
  mode: 'call',
  signature: '',
  args: [],
  calldata: '0x',
  gas: '',
});

/** The function a signature names; accepts `transfer(address,uint256)` or `function transfer(address to, uint256 amount)`. */
export function parseSignature(signature: string): FunctionFragment {
  const text = signature.trim().replace(/;$/, '');
  return FunctionFragment.from(text.startsWith('function ') ? text : `function ${text}`);
}

/** One argument typed as text, as the ABI coder wants it (io1 addresses accepted). */
export function parseArgument(param: ParamType, text: string): unknown {
  const value = text.trim();
  if (param.isArray() || param.isTuple()) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw new Error(`${param.format()} is written as JSON, e.g. ${param.isArray() ? '["a", "b"]' : '["a", 1]'}`);
    }
    return convertJson(param, parsed);
  }
  return convertScalar(param, value);
}

function convertJson(param: ParamType, value: unknown): unknown {
  if (param.isArray() && Array.isArray(value)) return value.map((item) => convertJson(param.arrayChildren, item));
  if (param.isTuple() && Array.isArray(value)) return value.map((item, i) => convertJson(param.components[i]!, item));
  return typeof value === 'string' ? convertScalar(param, value) : value;
}

function convertScalar(param: ParamType, value: string): unknown {
  switch (param.baseType) {
    case 'address':
      return parseAddress(value);
    case 'bool':
      if (value === 'true' || value === 'false') return value === 'true';
      throw new Error('a bool is true or false');
    case 'string':
      return value;
    default:
      if (/^u?int\d*$/.test(param.baseType)) {
        if (!/^-?(\d+|0x[0-9a-fA-F]+)$/.test(value)) throw new Error(`${param.type} must be a whole number`);
        return BigInt(value);
      }
      return value; // bytes, bytesN: hex, checked by the coder
  }
}

export function buildAction(draft: ActionDraft): BuiltAction {
  let to: string;
  try {
    to = parseAddress(draft.target.trim());
  } catch {
    return { ok: false, field: 'target', error: 'the target must be an address (0x… or io1…)' };
  }
  let value: bigint;
  try {
    value = parseIotx(draft.value);
  } catch (error) {
    return { ok: false, field: 'value', error: `value ${(error as Error).message}` };
  }
  const gas = draft.gas.trim().replace(/[,_ ]/g, '');
  if (gas !== '' && (!/^\d+$/.test(gas) || BigInt(gas) < 1n || BigInt(gas) > UINT64_MAX))
    return { ok: false, field: 'gas', error: 'the gas floor must be a whole number of gas, at least 1' };
  if (draft.mode === 'raw') {
    const data = draft.calldata.trim() || '0x';
    if (!isHexString(data) || data.length % 2 !== 0)
      return { ok: false, field: 'calldata', error: 'calldata must be 0x followed by hex bytes' };
    if (dataLength(data) > MAX_ACTION_DATA_BYTES)
      return { ok: false, field: 'calldata', error: `calldata is limited to ${MAX_ACTION_DATA_BYTES} bytes` };
    return { ok: true, action: { to, value: value.toString(), data: data.toLowerCase(), gas } };
  }
  if (draft.signature.trim() === '') return { ok: true, action: { to, value: value.toString(), data: '0x', gas } };
  let fragment: FunctionFragment;
  try {
    fragment = parseSignature(draft.signature);
  } catch {
    return {
      ok: false,
      field: 'signature',
      error: 'not a function signature; write it like transfer(address,uint256)',
    };
  }
  const args: unknown[] = [];
  for (const [i, param] of fragment.inputs.entries()) {
    try {
      args.push(parseArgument(param, draft.args[i] ?? ''));
    } catch (error) {
      return { ok: false, field: 'args', error: `argument ${i + 1} (${param.format()}): ${(error as Error).message}` };
    }
  }
  let data: string;
  try {
    data = new Interface([fragment]).encodeFunctionData(fragment, args);
  } catch (error) {
    const reason = (error as { shortMessage?: string }).shortMessage ?? (error as Error).message;
    return { ok: false, field: 'args', error: `the arguments do not fit ${fragment.format('sighash')}: ${reason}` };
  }
  if (dataLength(data) > MAX_ACTION_DATA_BYTES)
    return { ok: false, field: 'args', error: `calldata is limited to ${MAX_ACTION_DATA_BYTES} bytes` };
  rememberSignature(fragment);
  return { ok: true, action: { to, value: value.toString(), data: data.toLowerCase(), gas }, fragment };
}

// Reading actions back: functions commonly called by governance, plus those built in this browser.

const COMMON_SIGNATURES = [
  'transfer(address,uint256)',
  'approve(address,uint256)',
  'transferFrom(address,address,uint256)',
  'safeTransferFrom(address,address,uint256)',
  'mint(address,uint256)',
  'burn(uint256)',
  'transferOwnership(address)',
  'renounceOwnership()',
  'grantRole(bytes32,address)',
  'revokeRole(bytes32,address)',
  'upgradeTo(address)',
  'upgradeToAndCall(address,bytes)',
  'pause()',
  'unpause()',
  'setAttestors(address[],uint256)',
  'setDelay(uint256)',
  'setGuardian(address)',
];
const STORAGE_KEY = 'iotex-governance:signatures';
/** The browser's localStorage; absent in tests and where storage is blocked. */
const storage = () =>
  (globalThis as { localStorage?: { getItem(key: string): string | null; setItem(key: string, value: string): void } })
    .localStorage;

function storedSignatures(): string[] {
  try {
    const parsed: unknown = JSON.parse(storage()?.getItem(STORAGE_KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
}

function rememberSignature(fragment: FunctionFragment) {
  try {
    const sighash = fragment.format('sighash');
    const known = storedSignatures();
    if (!known.includes(sighash)) storage()?.setItem(STORAGE_KEY, JSON.stringify([...known, sighash].slice(-200)));
  } catch {
    // storage unavailable (private mode): decoding falls back to the common list
  }
}

function knownFragment(selector: string): FunctionFragment | undefined {
  for (const signature of [...COMMON_SIGNATURES, ...storedSignatures()]) {
    if (id(signature).slice(0, 10) === selector) return parseSignature(signature);
  }
  return undefined;
}

export interface ReadableAction {
  to: { address: string; ioAddress: string };
  valueIotx: string;
  value: string;
  data: string;
  selector: string | null;
  call: { signature: string; args: { name: string; type: string; value: string }[] } | null;
}

function argumentText(value: unknown, param: ParamType): string {
  if (param.baseType === 'address' && typeof value === 'string') {
    const both = bothForms(value);
    return `${both.ioAddress} (${both.address})`;
  }
  if (Array.isArray(value))
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  return typeof value === 'bigint' ? value.toString() : String(value);
}

export function readAction(action: Pick<Action, 'to' | 'value' | 'data'>): ReadableAction {
  const data = action.data.toLowerCase();
  const selector = data.length >= 10 ? data.slice(0, 10) : null;
  let call: ReadableAction['call'] = null;
  const fragment = selector ? knownFragment(selector) : undefined;
  if (fragment) {
    try {
      const values = new Interface([fragment]).decodeFunctionData(fragment, data);
      call = {
        signature: fragment.format('sighash'),
        args: fragment.inputs.map((param, i) => ({
          name: param.name || `arg${i + 1}`,
          type: param.type,
          value: argumentText(values[i], param),
        })),
      };
    } catch {
      call = null; // same selector, other arguments: show the raw calldata
    }
  }
  return { to: bothForms(action.to), valueIotx: formatEther(action.value), value: action.value, data, selector, call };
}
