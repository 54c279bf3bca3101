import { TypedDataEncoder, verifyTypedData, type TypedDataField } from 'ethers';
import {
  EIP712_DOMAIN_TYPE,
  governanceDomain,
  MESSAGE_TYPES,
  RECEIPT_TYPES,
  type GovernanceDomain,
  type PrimaryType,
  type TypedField,
} from '../../server/messages/types.js';
import type { Receipt, ServiceInfo } from './api.js';

// What a wallet signs: the protocol's types, from their one definition in server/messages/types.ts.

export type MessageValue = string | number | string[] | MessageValue[] | { [key: string]: MessageValue };
export type Message = Record<string, MessageValue>;

export interface TypedData {
  domain: GovernanceDomain;
  types: Record<string, TypedField[]>;
  primaryType: PrimaryType;
  message: Message;
}

const copyTypes = (types: Record<string, readonly TypedField[]>): Record<string, TypedField[]> =>
  Object.fromEntries(Object.entries(types).map(([name, fields]) => [name, fields.map((field) => ({ ...field }))]));

/** The eth_signTypedData_v4 payload, EIP712Domain included as wallets expect. */
export function typedData(chainId: number, primaryType: PrimaryType, message: Message): TypedData {
  return {
    domain: governanceDomain(chainId),
    types: { EIP712Domain: [...EIP712_DOMAIN_TYPE], ...copyTypes(MESSAGE_TYPES[primaryType]) },
    primaryType,
    message,
  };
}

const withoutDomain = (types: Record<string, TypedField[]>): Record<string, TypedDataField[]> =>
  Object.fromEntries(Object.entries(types).filter(([name]) => name !== 'EIP712Domain'));

/** The message's id: its EIP-712 digest, as the service computes it. */
export function messageId(data: TypedData): string {
  return TypedDataEncoder.hash(data.domain, withoutDomain(data.types), data.message).toLowerCase();
}

/** Whether the service publishes the same types this app was built with (an older app would be refused). */
export function sameTypesAsService(service: ServiceInfo): boolean {
  return JSON.stringify(service.types) === JSON.stringify(MESSAGE_TYPES);
}

/** Who signed a receipt; the service publishes its signer at GET /api/service. */
export function receiptSignedBy(receipt: Receipt, chainId: number): string | undefined {
  const { signer: _signer, signature, ...fields } = receipt;
  try {
    return verifyTypedData(governanceDomain(chainId), copyTypes(RECEIPT_TYPES), fields, signature);
  } catch {
    return undefined;
  }
}
