// The protocol's EIP-712 types: the one definition used by the server, the web app and the scripts.
// docs/protocol.md describes them for other clients; the set accepted is exactly this one.

export const DOMAIN_NAME = 'IoTeX Governance';
/** Version 2: a proposal signs the digest of the rules document that decides it, and each action its gas floor. */
export const DOMAIN_VERSION = '2';

export interface GovernanceDomain {
  name: typeof DOMAIN_NAME;
  version: typeof DOMAIN_VERSION;
  chainId: number;
}

export function governanceDomain(chainId: number): GovernanceDomain {
  return { name: DOMAIN_NAME, version: DOMAIN_VERSION, chainId };
}

export type TypedField = { name: string; type: string };

export const EIP712_DOMAIN_TYPE: TypedField[] = [
  { name: 'name', type: 'string' },
  { name: 'version', type: 'string' },
  { name: 'chainId', type: 'uint256' },
];

const ACTION: TypedField[] = [
  { name: 'to', type: 'address' },
  { name: 'value', type: 'uint256' },
  { name: 'data', type: 'bytes' },
  /** The least gas the action's call must receive when it is executed. */
  { name: 'gas', type: 'uint64' },
];

/** Each primary type with the types it needs (beyond EIP712Domain), exactly as signed. */
export const MESSAGE_TYPES = {
  Proposal: {
    Proposal: [
      { name: 'from', type: 'address' },
      { name: 'space', type: 'string' },
      { name: 'timestamp', type: 'uint64' },
      { name: 'kind', type: 'string' },
      { name: 'title', type: 'string' },
      { name: 'body', type: 'string' },
      { name: 'discussion', type: 'string' },
      { name: 'choices', type: 'string[]' },
      { name: 'snapshot', type: 'uint64' },
      /** sha2-256 of the space's rules document (DAG-JSON): the rules that decide this proposal. */
      { name: 'rules', type: 'bytes32' },
      { name: 'actions', type: 'Action[]' },
    ],
    Action: ACTION,
  },
  Support: {
    Support: [
      { name: 'from', type: 'address' },
      { name: 'space', type: 'string' },
      { name: 'timestamp', type: 'uint64' },
      { name: 'proposal', type: 'bytes32' },
    ],
  },
  Vote: {
    Vote: [
      { name: 'from', type: 'address' },
      { name: 'space', type: 'string' },
      { name: 'timestamp', type: 'uint64' },
      { name: 'proposal', type: 'bytes32' },
      { name: 'choice', type: 'uint32' },
      { name: 'reason', type: 'string' },
    ],
  },
  CancelProposal: {
    CancelProposal: [
      { name: 'from', type: 'address' },
      { name: 'space', type: 'string' },
      { name: 'timestamp', type: 'uint64' },
      { name: 'proposal', type: 'bytes32' },
    ],
  },
  MarkActioned: {
    MarkActioned: [
      { name: 'from', type: 'address' },
      { name: 'space', type: 'string' },
      { name: 'timestamp', type: 'uint64' },
      { name: 'proposal', type: 'bytes32' },
      { name: 'note', type: 'string' },
    ],
  },
} as const satisfies Record<string, Record<string, readonly TypedField[]>>;

export type PrimaryType = keyof typeof MESSAGE_TYPES;
export const PRIMARY_TYPES = Object.keys(MESSAGE_TYPES) as PrimaryType[];

/** The receipt the service signs for each accepted message, under the same domain. */
export const RECEIPT_TYPES = {
  Receipt: [
    { name: 'id', type: 'bytes32' },
    { name: 'cid', type: 'string' },
    { name: 'received', type: 'uint64' },
    { name: 'sequence', type: 'uint64' },
    { name: 'head', type: 'bytes32' },
  ],
} as const;

/** Choices of this protocol version, in signed order (choice 1, 2, 3). */
export const PROTOCOL_CHOICES = ['For', 'Against', 'Abstain'] as const;
