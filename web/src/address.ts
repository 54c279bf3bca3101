import { bech32 } from 'bech32';
import { getAddress } from 'ethers';

// The browser's twin of server/address.ts, which checksums with a native keccak module and cannot
// run here: the same 20 bytes shown as 0x… (EIP-55) or io1… (bech32 with prefix "io", the form IoTeX
// wallets show). tests/unit/web-address.test.ts holds the two to the same answers.

const IOTEX_PREFIX = 'io';

export class AddressError extends Error {
  override name = 'AddressError';
}

const toHex = (bytes: ArrayLike<number>) => Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');

function fromHex(hex: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 2) bytes.push(parseInt(hex.slice(i, i + 2), 16));
  return bytes;
}

/** The checksummed 0x form of a 0x… or io1… address; throws AddressError otherwise. */
export function parseAddress(text: string): string {
  if (/^io1[02-9ac-hj-np-z]{38}$/i.test(text)) {
    try {
      const { prefix, words } = bech32.decode(text.toLowerCase());
      const bytes = bech32.fromWords(words);
      if (prefix === IOTEX_PREFIX && bytes.length === 20) return getAddress(`0x${toHex(bytes)}`);
    } catch {
      // fall through to the error below
    }
  }
  if (/^0x[0-9a-fA-F]{40}$/.test(text)) {
    try {
      return getAddress(text); // refuses a mixed-case address with a wrong checksum
    } catch {
      // fall through
    }
  }
  throw new AddressError(`not an address: "${text}" (expected 0x… or io1…)`);
}

export function isAddress(text: string): boolean {
  try {
    parseAddress(text);
    return true;
  } catch {
    return false;
  }
}

export function toIoAddress(address: string): string {
  return bech32.encode(IOTEX_PREFIX, bech32.toWords(fromHex(parseAddress(address).slice(2))));
}

export interface BothForms {
  address: string;
  ioAddress: string;
}

/** Both forms, as the API gives them. */
export function bothForms(address: string): BothForms {
  const evm = parseAddress(address);
  return { address: evm, ioAddress: toIoAddress(evm) };
}

/** "io1abcd…wxyz": enough to recognise an address at a glance. */
export function shorten(text: string, head = 6, tail = 4): string {
  return text.length <= head + tail + 1 ? text : `${text.slice(0, head)}…${text.slice(-tail)}`;
}

export function sameAddress(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
}
