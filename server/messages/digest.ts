import { concat, keccak256, TypedDataEncoder, type TypedDataField } from 'ethers';
import { governanceDomain, MESSAGE_TYPES, type PrimaryType } from './types.js';

// A message's id is its EIP-712 digest. Encoders and domain separators are built once: hashing is on
// the ingest hot path (see scripts/bench/signatures.ts).

const encoders = new Map<PrimaryType, TypedDataEncoder>();
const domainSeparators = new Map<number, string>();

function encoderFor(primaryType: PrimaryType): TypedDataEncoder {
  let encoder = encoders.get(primaryType);
  if (!encoder) {
    const types = MESSAGE_TYPES[primaryType] as Record<string, readonly TypedDataField[]>;
    encoder = TypedDataEncoder.from(
      Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, [...fields]])),
    );
    encoders.set(primaryType, encoder);
  }
  return encoder;
}

export function domainSeparator(chainId: number): string {
  let separator = domainSeparators.get(chainId);
  if (!separator) {
    separator = TypedDataEncoder.hashDomain(governanceDomain(chainId));
    domainSeparators.set(chainId, separator);
  }
  return separator;
}

/** keccak256(0x1901 ‖ domainSeparator ‖ hashStruct(message)), lowercase hex. */
export function messageDigest(chainId: number, primaryType: PrimaryType, message: Record<string, unknown>): string {
  return keccak256(concat(['0x1901', domainSeparator(chainId), encoderFor(primaryType).hash(message)]));
}

/** EIP-712 hash of a proposal's actions: keccak256 of the concatenated hashStruct of each Action. */
export function actionsHash(actions: Record<string, unknown>[]): string {
  const encoder = encoderFor('Proposal');
  return keccak256(concat(actions.map((action) => encoder.hashStruct('Action', action))));
}
