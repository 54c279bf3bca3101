import { bech32 } from 'bech32';
import { checksumAddress } from './checksum.js';

// IoTeX shows the same 20 bytes as 0x… (EVM) or as bech32 with prefix "io" (io1…), the form IoTeX
// wallets show. The API accepts both and answers with both.

const IOTEX_PREFIX = 'io';

export class AddressError extends Error {
  override name = 'AddressError';
}

/** The checksummed 0x form of a 0x… or io1… address; throws AddressError otherwise. */
export function parseAddress(text: string): string {
  if (/^io1[02-9ac-hj-np-z]{38}$/i.test(text)) {
    try {
      const { prefix, words } = bech32.decode(text.toLowerCase());
      const bytes = bech32.fromWords(words);
      if (prefix === IOTEX_PREFIX && bytes.length === 20)
        return checksumAddress(`0x${Buffer.from(bytes).toString('hex')}`)!;
    } catch {
      // fall through to the error below
    }
  }
  const evm = checksumAddress(text);
  if (evm) return evm;
  throw new AddressError(`not an address: "${text}" (expected 0x… or io1…)`);
}

export function toIoAddress(address: string): string {
  return bech32.encode(IOTEX_PREFIX, bech32.toWords(Buffer.from(parseAddress(address).slice(2), 'hex')));
}

/** Both forms, for API answers. */
export function bothForms(address: string): { address: string; ioAddress: string } {
  const evm = parseAddress(address);
  return { address: evm, ioAddress: toIoAddress(evm) };
}
