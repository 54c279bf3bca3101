import { keccak256 } from '../keccak.js';
import type { TypedField } from './types.js';

// EIP-712 hashStruct for the protocol's own types, on Buffers with fast keccak256 (server/keccak.ts).
// ethers computes the same digests (the tests compare both, and eth-sig-util) but spends most of its
// time converting between hex strings and bytes, and ingest hashes every message.

type Types = Record<string, readonly TypedField[]>;

/** `Name(type field,…)` followed by the referenced struct types, sorted by name (EIP-712 encodeType). */
export function encodeType(primary: string, types: Types): string {
  const referenced = new Set<string>();
  const visit = (name: string) => {
    for (const field of types[name] ?? []) {
      const base = field.type.replace(/\[\]$/, '');
      if (types[base] && !referenced.has(base) && base !== primary) {
        referenced.add(base);
        visit(base);
      }
    }
  };
  visit(primary);
  const one = (name: string) => `${name}(${types[name]!.map((field) => `${field.type} ${field.name}`).join(',')})`;
  return [primary, ...[...referenced].sort()].map(one).join('');
}

const word = (value: bigint) => Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
const hexBytes = (hex: string) => Buffer.from(hex.slice(2), 'hex');

export class StructHasher {
  private readonly typeHashes = new Map<string, Buffer>();

  constructor(private readonly types: Types) {
    for (const name of Object.keys(types)) this.typeHashes.set(name, keccak256(Buffer.from(encodeType(name, types))));
  }

  /** hashStruct(name, value) = keccak256(typeHash ‖ encodeData(value)). */
  hashStruct(name: string, value: Record<string, unknown>): Buffer {
    const fields = this.types[name]!;
    const parts = [
      this.typeHashes.get(name)!,
      ...fields.map((field) => this.encodeValue(field.type, value[field.name])),
    ];
    return keccak256(Buffer.concat(parts));
  }

  private encodeValue(type: string, value: unknown): Buffer {
    if (type.endsWith('[]')) {
      const item = type.slice(0, -2);
      return keccak256(Buffer.concat((value as unknown[]).map((element) => this.encodeValue(item, element))));
    }
    if (this.types[type]) return this.hashStruct(type, value as Record<string, unknown>);
    if (type === 'string') return keccak256(Buffer.from(value as string, 'utf8'));
    if (type === 'bytes') return keccak256(hexBytes(value as string));
    if (type === 'bytes32') return hexBytes(value as string);
    if (type === 'address') return Buffer.concat([Buffer.alloc(12), hexBytes(value as string)]);
    if (/^uint\d+$/.test(type)) return word(BigInt(value as string | number | bigint));
    throw new Error(`EIP-712 type ${type} is not used by this protocol`);
  }
}
