import { HDNodeWallet, Mnemonic, Wallet, type TypedDataField } from 'ethers';
import { SignTypedDataVersion, signTypedData, type MessageTypes, type TypedMessage } from '@metamask/eth-sig-util';
import { EIP712_DOMAIN_TYPE, governanceDomain, MESSAGE_TYPES, type PrimaryType } from '../../server/messages/types.js';
import { DEMO_MNEMONIC } from '../../scripts/lib/demo-stake.js';
import { rulesDigest } from './spaces.js';

// Real keys and real signatures, made the two ways clients make them: ethers (libraries, scripts) and
// eth-sig-util's signTypedData v4 (what wallets implement, with EIP712Domain in the types).

export function devWallet(index: number): HDNodeWallet {
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEMO_MNEMONIC), `m/44'/60'/0'/0/${index}`);
}

export type Json = Record<string, unknown>;

export interface Envelope {
  address: string;
  sig: string;
  data: { domain: Json; types: Record<string, { name: string; type: string }[]>; primaryType: string; message: Json };
}

const typesOf = (primaryType: PrimaryType) =>
  Object.fromEntries(Object.entries(MESSAGE_TYPES[primaryType]).map(([name, fields]) => [name, [...fields]])) as Record<
    string,
    TypedDataField[]
  >;

export async function signWithEthers(
  wallet: Wallet | HDNodeWallet,
  chainId: number,
  primaryType: PrimaryType,
  message: Json,
): Promise<Envelope> {
  const domain = governanceDomain(chainId);
  const types = typesOf(primaryType);
  const sig = await wallet.signTypedData(domain, types, message);
  return { address: wallet.address, sig, data: { domain: { ...domain }, types, primaryType, message } };
}

export function signLikeWallet(
  wallet: Wallet | HDNodeWallet,
  chainId: number,
  primaryType: PrimaryType,
  message: Json,
): Envelope {
  const domain = governanceDomain(chainId);
  const types = { EIP712Domain: [...EIP712_DOMAIN_TYPE], ...typesOf(primaryType) };
  const sig = signTypedData({
    privateKey: Buffer.from(wallet.privateKey.slice(2), 'hex'),
    data: { domain, types, primaryType, message } as TypedMessage<MessageTypes>,
    version: SignTypedDataVersion.V4,
  });
  return { address: wallet.address.toLowerCase(), sig, data: { domain: { ...domain }, types, primaryType, message } };
}

export function proposalMessage(from: string, overrides: Json = {}): Json {
  return {
    from,
    space: 'test',
    timestamp: Math.floor(Date.now() / 1000),
    kind: 'policy',
    title: 'Fund the community explorer',
    body: '## Why\nA public explorer for governance.',
    discussion: 'https://community.iotex.io/t/explorer',
    choices: ['For', 'Against', 'Abstain'],
    snapshot: 1,
    rules: rulesDigest(),
    actions: [],
    ...overrides,
  };
}
