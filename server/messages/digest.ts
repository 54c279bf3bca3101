import { TypedDataEncoder } from 'ethers';
import { keccak256 } from '../keccak.js';
import { StructHasher } from './eip712.js';
import { governanceDomain, MESSAGE_TYPES, RECEIPT_TYPES, type PrimaryType } from './types.js';

// A message's id is its EIP-712 digest. Hashers and domain separators are built once: hashing is on
// the ingest hot path (see scripts/bench/signatures.ts).

const hashers = Object.fromEntries(
  Object.entries(MESSAGE_TYPES).map(([primaryType, types]) => [primaryType, new StructHasher(types)]),
) as Record<PrimaryType, StructHasher>;
const receiptHasher = new StructHasher(RECEIPT_TYPES);
const domainSeparators = new Map<number, Buffer>();

export function domainSeparator(chainId: number): Buffer {
  let separator = domainSeparators.get(chainId);
  if (!separator) {
    separator = Buffer.from(TypedDataEncoder.hashDomain(governanceDomain(chainId)).slice(2), 'hex');
    domainSeparators.set(chainId, separator);
  }
  return separator;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), lowercase hex. */
export function messageDigest(chainId: number, primaryType: PrimaryType, message: Record<string, unknown>): string {
  return typedDigest(chainId, hashers[primaryType].hashStruct(primaryType, message));
}

/** The EIP-712 digest of a receipt (type Receipt, the governance domain), lowercase hex. */
export function receiptDigest(chainId: number, fields: Record<string, unknown>): string {
  return typedDigest(chainId, receiptHasher.hashStruct('Receipt', fields));
}

function typedDigest(chainId: number, structHash: Buffer): string {
  return `0x${keccak256(Buffer.concat([Buffer.from([0x19, 0x01]), domainSeparator(chainId), structHash])).toString('hex')}`;
}

/** EIP-712 hash of a proposal's actions: keccak256 of the concatenated hashStruct of each Action. */
export function actionsHash(actions: Record<string, unknown>[]): string {
  return `0x${keccak256(Buffer.concat(actions.map((action) => hashers.Proposal.hashStruct('Action', action)))).toString('hex')}`;
}
