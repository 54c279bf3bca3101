import type { SignedMessage } from './schema.js';
import { governanceDomain, MESSAGE_TYPES, type PrimaryType } from './types.js';

// The normalized form is what is hashed, stored and pinned: integers as decimal strings, addresses
// checksummed, hex lowercase. The same signed message always normalizes to the same document, and so
// to the same CID, whatever form the client sent.

export type NormalizedMessage = Record<string, string | string[] | Record<string, string>[]>;

export function normalizeMessage(signed: SignedMessage): NormalizedMessage {
  const { message } = signed;
  const common = { from: message.from, space: message.space, timestamp: String(message.timestamp) };
  switch (signed.primaryType) {
    case 'Proposal': {
      const proposal = signed.message;
      return {
        ...common,
        kind: proposal.kind,
        title: proposal.title,
        body: proposal.body,
        discussion: proposal.discussion,
        choices: [...proposal.choices],
        snapshot: String(proposal.snapshot),
        rules: proposal.rules,
        actions: proposal.actions.map((action) => ({
          to: action.to,
          value: action.value.toString(),
          data: action.data,
          gas: String(action.gas),
        })),
      };
    }
    case 'Support':
    case 'CancelProposal':
      return { ...common, proposal: signed.message.proposal };
    case 'MarkActioned':
      return { ...common, proposal: signed.message.proposal, note: signed.message.note };
    case 'Vote':
      return {
        ...common,
        proposal: signed.message.proposal,
        choice: String(signed.message.choice),
        reason: signed.message.reason,
      };
  }
}

/** The document pinned to IPFS for an accepted message: everything needed to verify the signature. */
export function messageDocument(
  address: string,
  sig: string,
  chainId: number,
  primaryType: PrimaryType,
  message: NormalizedMessage,
) {
  const domain = governanceDomain(chainId);
  return {
    address,
    sig: sig.toLowerCase(),
    data: {
      domain: { name: domain.name, version: domain.version, chainId: String(chainId) },
      types: MESSAGE_TYPES[primaryType],
      primaryType,
      message,
    },
  };
}

export type MessageDocument = ReturnType<typeof messageDocument>;
