import { keccak256 } from './keccak.js';

// EIP-55 checksummed addresses with fast keccak256 (server/keccak.ts): the ingest path checksums every
// signer, and ethers' getAddress hashes in JS. Tests hold this to ethers' getAddress.

/** The EIP-55 form of a 0x address, or undefined if it is not one (a wrong mixed-case checksum included). */
export function checksumAddress(text: string): string | undefined {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return undefined;
  const lower = text.slice(2).toLowerCase();
  const hash = keccak256(Buffer.from(lower, 'latin1')).toString('hex');
  let result = '0x';
  for (let i = 0; i < 40; i++) result += parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  const mixedCase = text.slice(2) !== lower && text.slice(2) !== lower.toUpperCase();
  return mixedCase && text !== result ? undefined : result;
}
