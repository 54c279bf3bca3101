import { isHexString } from 'ethers';
import { checksumAddress } from '../checksum.js';
import { z } from 'zod';
import { MessageError } from './errors.js';
import {
  DOMAIN_NAME,
  DOMAIN_VERSION,
  EIP712_DOMAIN_TYPE,
  MESSAGE_TYPES,
  PRIMARY_TYPES,
  PROTOCOL_CHOICES,
  type PrimaryType,
} from './types.js';

// Zod schemas are the single source of the message shapes; the TypeScript types below come from them.

export const LIMITS = {
  title: 200,
  body: 20_000,
  discussion: 500,
  reason: 1_000,
  note: 2_000,
  actions: 20,
  actionDataBytes: 24_576,
  space: 64,
} as const;

const UINT64_MAX = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;

/** An unsigned integer given as a JSON number or a decimal string, within `max`. */
const uint = (max: bigint) =>
  z
    .union([
      z.number().int().nonnegative(),
      z.string().regex(/^(0|[1-9]\d*)$/, { message: 'must be a decimal integer' }),
    ])
    .transform((value) => BigInt(value))
    .refine((value) => value <= max, { message: `must be at most ${max}` });

/** uint64 values here are times and block numbers: they must also be exact JS numbers. */
const uint64Number = uint(UINT64_MAX)
  .refine((value) => value <= BigInt(Number.MAX_SAFE_INTEGER), { message: 'is too large' })
  .transform((value) => Number(value));

const address = z.string().transform((value, context) => {
  const checksummed = checksumAddress(value);
  if (!checksummed) context.addIssue({ code: 'custom', message: 'must be a 0x address' });
  return checksummed ?? value;
});

const bytes32 = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, { message: 'must be 32 bytes of 0x hex' })
  .transform((value) => value.toLowerCase());

const hexBytes = z
  .string()
  .refine((value) => isHexString(value) && value.length % 2 === 0, { message: 'must be 0x hex bytes' })
  .refine((value) => (value.length - 2) / 2 <= LIMITS.actionDataBytes, {
    message: `must be at most ${LIMITS.actionDataBytes} bytes`,
  })
  .transform((value) => value.toLowerCase());

/**
 * Signed text, taken exactly as signed: never trimmed or repaired, since the id is the digest of what
 * was signed. Text that is not well-formed Unicode (a lone surrogate) is refused: JSON and DAG-JSON
 * would turn it into U+FFFD, so two different signed messages would share one stored form.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((value) => !LONE_SURROGATE.test(value), { message: 'must be well-formed Unicode (no lone surrogates)' });

const common = {
  from: address,
  space: text(LIMITS.space).min(1),
  timestamp: uint64Number,
};

const discussionUrl = text(LIMITS.discussion).refine((value) => value === '' || /^https?:\/\/\S+$/.test(value), {
  message: 'must be empty or an http(s) URL',
});

export const actionSchema = z.strictObject({
  to: address,
  value: uint(UINT256_MAX),
  data: hexBytes,
  gas: uint64Number,
});

export const proposalSchema = z
  .strictObject({
    ...common,
    kind: z.enum(['policy', 'technical']),
    title: text(LIMITS.title)
      .min(1)
      .refine((title) => title.trim() === title, { message: 'must not start or end with white space' }),
    body: text(LIMITS.body),
    discussion: discussionUrl,
    choices: z.array(z.string()).refine((choices) => JSON.stringify(choices) === JSON.stringify(PROTOCOL_CHOICES), {
      message: `must be exactly ${JSON.stringify(PROTOCOL_CHOICES)} in this protocol version`,
    }),
    snapshot: uint64Number,
    rules: bytes32,
    actions: z.array(actionSchema).max(LIMITS.actions),
  })
  .superRefine((proposal, context) => {
    if (proposal.kind === 'technical' && proposal.actions.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['actions'],
        message: 'a technical proposal needs at least one action',
      });
    }
    if (proposal.kind === 'policy' && proposal.actions.length > 0) {
      context.addIssue({ code: 'custom', path: ['actions'], message: 'a policy proposal has no actions' });
    }
  });

const proposalRef = { ...common, proposal: bytes32 };
export const supportSchema = z.strictObject(proposalRef);
export const voteSchema = z.strictObject({
  ...proposalRef,
  choice: uint(2n ** 32n - 1n)
    .refine((choice) => choice >= 1n && choice <= 3n, { message: 'must be 1 (For), 2 (Against) or 3 (Abstain)' })
    .transform((choice) => Number(choice) as 1 | 2 | 3),
  reason: text(LIMITS.reason),
});
export const cancelProposalSchema = z.strictObject(proposalRef);
export const markActionedSchema = z.strictObject({ ...proposalRef, note: text(LIMITS.note) });

export const MESSAGE_SCHEMAS = {
  Proposal: proposalSchema,
  Support: supportSchema,
  Vote: voteSchema,
  CancelProposal: cancelProposalSchema,
  MarkActioned: markActionedSchema,
} as const satisfies Record<PrimaryType, z.ZodType>;

export type ProposalMessage = z.output<typeof proposalSchema>;
export type SupportMessage = z.output<typeof supportSchema>;
export type VoteMessage = z.output<typeof voteSchema>;
export type CancelProposalMessage = z.output<typeof cancelProposalSchema>;
export type MarkActionedMessage = z.output<typeof markActionedSchema>;
export type Action = z.output<typeof actionSchema>;

export type SignedMessage =
  | { primaryType: 'Proposal'; message: ProposalMessage }
  | { primaryType: 'Support'; message: SupportMessage }
  | { primaryType: 'Vote'; message: VoteMessage }
  | { primaryType: 'CancelProposal'; message: CancelProposalMessage }
  | { primaryType: 'MarkActioned'; message: MarkActionedMessage };

const typedField = z.strictObject({ name: z.string(), type: z.string() });

export const envelopeSchema = z.strictObject({
  address: z.string().min(1),
  sig: z.string().regex(/^0x([0-9a-fA-F]{2})+$/, { message: 'must be 0x hex bytes' }),
  data: z.strictObject({
    domain: z.strictObject({
      name: z.string(),
      version: z.string(),
      chainId: z.union([z.number().int(), z.string()]),
    }),
    types: z.record(z.string(), z.array(typedField)),
    primaryType: z.string(),
    message: z.record(z.string(), z.unknown()),
  }),
});

export type Envelope = z.input<typeof envelopeSchema>;

function fieldOf(prefix: string, issue: z.core.$ZodIssue): string {
  return [prefix, ...issue.path.map(String)].join('.');
}

function chainIdOf(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  if (/^0x[0-9a-fA-F]+$/.test(value) || /^\d+$/.test(value)) return Number(BigInt(value));
  return undefined;
}

const sameFields = (a: readonly { name: string; type: string }[], b: readonly { name: string; type: string }[]) =>
  a.length === b.length && a.every((field, index) => field.name === b[index]!.name && field.type === b[index]!.type);

/**
 * Checks an envelope's shape, domain, types and message, in that order, for the given chain.
 * Returns the typed message; throws a MessageError (400) naming the first field that failed.
 */
export function parseEnvelope(
  body: unknown,
  chainId: number,
): { envelope: z.output<typeof envelopeSchema> } & SignedMessage {
  const shape = envelopeSchema.safeParse(body);
  if (!shape.success) {
    const issue = shape.error.issues[0]!;
    throw new MessageError(
      400,
      'invalid_envelope',
      `${fieldOf('', issue).slice(1) || 'body'}: ${issue.message}`,
      fieldOf('', issue).slice(1) || undefined,
    );
  }
  const envelope = shape.data;
  const { domain, types, primaryType } = envelope.data;

  if (domain.name !== DOMAIN_NAME) {
    throw new MessageError(400, 'wrong_domain', `domain name must be "${DOMAIN_NAME}"`, 'data.domain.name');
  }
  if (domain.version !== DOMAIN_VERSION) {
    throw new MessageError(400, 'wrong_domain', `domain version must be "${DOMAIN_VERSION}"`, 'data.domain.version');
  }
  if (chainIdOf(domain.chainId) !== chainId) {
    throw new MessageError(
      400,
      'wrong_chain',
      `signed for chain ${domain.chainId}; this service runs on chain ${chainId}`,
      'data.domain.chainId',
    );
  }

  if (!(PRIMARY_TYPES as string[]).includes(primaryType)) {
    throw new MessageError(
      400,
      'unknown_type',
      `primaryType must be one of ${PRIMARY_TYPES.join(', ')}`,
      'data.primaryType',
    );
  }
  const kind = primaryType as PrimaryType;
  const expected: Record<string, readonly { name: string; type: string }[]> = MESSAGE_TYPES[kind];
  const { EIP712Domain: domainType, ...signedTypes } = types;
  // Wallets and libraries differ on whether they send EIP712Domain; when present it must match.
  if (domainType && !sameFields(domainType, EIP712_DOMAIN_TYPE)) {
    throw new MessageError(
      400,
      'wrong_types',
      'EIP712Domain must be (string name, string version, uint256 chainId)',
      'data.types.EIP712Domain',
    );
  }
  const names = Object.keys(signedTypes).sort();
  const expectedNames = Object.keys(expected).sort();
  const mismatch =
    JSON.stringify(names) !== JSON.stringify(expectedNames)
      ? 'data.types'
      : expectedNames
          .map((name) => `data.types.${name}`)
          .find((_, index) => !sameFields(signedTypes[expectedNames[index]!]!, expected[expectedNames[index]!]!));
  if (mismatch) {
    throw new MessageError(
      400,
      'wrong_types',
      `types must be exactly the protocol's ${kind} types (docs/protocol.md)`,
      mismatch,
    );
  }

  const parsed = MESSAGE_SCHEMAS[kind].safeParse(envelope.data.message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MessageError(
      400,
      'invalid_message',
      `${fieldOf('message', issue)}: ${issue.message}`,
      fieldOf('data.message', issue),
    );
  }
  return { envelope, primaryType: kind, message: parsed.data } as {
    envelope: z.output<typeof envelopeSchema>;
  } & SignedMessage;
}
