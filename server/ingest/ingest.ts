import { AddressError, parseAddress } from '../address.js';
import type { Chain } from '../chain/provider.js';
import { weiToText, type Database, type DbTx } from '../db/index.js';
import { encodeDocument } from '../ipfs/codec.js';
import {
  admit,
  checkProposalPower,
  checkSpace,
  checkStakingState,
  checkTimestamp,
  receivedTime,
} from '../lifecycle/admission.js';
import { actionsHash, messageDigest } from '../messages/digest.js';
import { MessageError } from '../messages/errors.js';
import { messageDocument, normalizeMessage } from '../messages/normalize.js';
import { parseEnvelope, type SignedMessage } from '../messages/schema.js';
import { canonicalSignature, verifySigner } from '../messages/signature.js';
import { PowerError } from '../power/errors.js';
import { spaceRules, type SpaceRules } from '../spaces/rules.js';
import { findProposal, proposalLedger, proposalRecords, type StoredProposal } from '../proposals/repository.js';
import type { Space } from '../spaces/schema.js';
import { GENESIS_HEAD, nextHead } from './log.js';
import { KeyedMutex } from './mutex.js';
import type { Receipt, ReceiptSigner } from './receipts.js';

/** What ingest needs of voting power (server/power). */
export interface PowerSource {
  powerAt(space: Space, addresses: string[], block: number): Promise<Map<string, { total: bigint }>>;
  totalPowerAt(space: Space, block: number): Promise<bigint>;
  checkSnapshotBlock(block: number, maxAgeBlocks: number): Promise<void>;
}

export interface IngestDeps {
  db: Database;
  chain: Chain;
  spaces: Map<string, Space>;
  power: PowerSource;
  receipts: ReceiptSigner;
  /** Unix milliseconds; a parameter so tests can move time. */
  clock: () => number;
  /**
   * The per-signer limit: taken once the signature is verified and the message is new, given back when
   * it is refused, so that replaying a signer's public messages (duplicates) or sending refused ones
   * costs the signer nothing.
   */
  signerLimiter?: SignerLimiter;
}

/** A rate limit that takes a place for a key (refusing one over its limit) and can give it back. */
export interface SignerLimiter {
  /** Throws the 429 when the key has used its limit; otherwise counts one and returns its refund. */
  reserve(key: string, what: string): () => void;
}

export interface Accepted {
  id: string;
  cid: string;
  receipt: Receipt;
  /** True when this exact message had been accepted before (nothing new was stored). */
  duplicate: boolean;
}

/** A verified message, before the checks of a new one. */
interface Identified {
  signed: SignedMessage;
  space: Space;
  id: string;
  sig: string;
  document: string;
  cid: string;
  received: number;
  /** Accepted before: answered with its receipt, nothing stored. */
  known: boolean;
}

/** What the checks before the transaction learned, for the rows written inside it. */
interface Prepared extends Omit<Identified, 'known'> {
  power: bigint;
  proposal?: StoredProposal;
  totalPower?: bigint;
  /** A proposal's rules: the space's current ones, which it signed. */
  rules?: SpaceRules;
}

/**
 * Accepts signed messages: every check, then one transaction that writes the message, its derived
 * rows, its pin-outbox row and its log entry, before the answer.
 */
export class Ingest {
  private readonly appends = new KeyedMutex();

  constructor(private readonly deps: IngestDeps) {}

  async submit(body: unknown): Promise<Accepted> {
    const identified = await this.identify(body);
    // A message accepted before is answered with its receipt and costs its signer nothing; a new one
    // takes a place in the signer's limit at once (so parallel sends cannot overshoot it), given back
    // if it is refused.
    const refund = identified.known
      ? undefined
      : this.deps.signerLimiter?.reserve(signerKey(identified.signed.message.from), 'signer');
    try {
      const prepared = identified.known ? { ...identified, power: 0n } : await this.checkNew(identified);
      // Appends to one space's log are serial: in this process by the mutex, across replicas by the
      // LogHead row lock taken first in the transaction.
      const accepted = await this.appends.run(prepared.space.id, () =>
        this.deps.db.client.$transaction((tx) => this.append(tx, prepared), { timeout: 30_000, maxWait: 30_000 }),
      );
      if (accepted.duplicate) refund?.();
      return accepted;
    } catch (error) {
      refund?.();
      throw error;
    }
  }

  /** Shape, domain, types, signature and space; whether the id was accepted before. */
  private async identify(body: unknown): Promise<Identified> {
    const { chain, spaces, db } = this.deps;
    const received = Math.floor(this.deps.clock() / 1000);
    const { envelope, ...signed } = parseEnvelope(body, chain.chainId);
    const { message } = signed;

    let address: string;
    try {
      address = parseAddress(envelope.address);
    } catch (error) {
      if (error instanceof AddressError)
        throw new MessageError(400, 'invalid_envelope', `address: ${error.message}`, 'address');
      throw error;
    }
    if (address !== message.from) {
      throw new MessageError(
        400,
        'address_mismatch',
        `address ${address} is not the message's from (${message.from})`,
        'address',
      );
    }

    const normalized = normalizeMessage(signed);
    const id = messageDigest(chain.chainId, signed.primaryType, normalized);
    const signer = await verifySigner(id, envelope.sig, message.from, chain.provider);
    // A contract wallet's signature bytes are its own business (EIP-1271): only accounts' are recast.
    const sig = signer === 'account' ? canonicalSignature(envelope.sig) : envelope.sig.toLowerCase();

    const space = spaces.get(message.space);
    if (!space) throw new MessageError(422, 'unknown_space', `no space "${message.space}"`, 'data.message.space');

    const document = messageDocument(address, sig, chain.chainId, signed.primaryType, normalized);
    const { cid } = await encodeDocument(document);
    const base = {
      signed,
      space,
      id,
      sig,
      document: JSON.stringify(document),
      cid: cid.toString(),
      received,
    };

    const known = (await db.client.message.findUnique({ where: { id }, select: { id: true } })) !== null;
    return { ...base, known };
  }

  /** Timestamp, snapshot, power and the proposal: the checks of a new message that need no lock. */
  private async checkNew(base: Identified): Promise<Prepared> {
    const { signed, space, received } = base;
    const { message } = signed;
    checkTimestamp(message.timestamp, received);

    if (signed.primaryType === 'Proposal') {
      const { snapshot } = signed.message;
      const rules = spaceRules(space);
      if (signed.message.rules !== rules.digest) {
        throw new MessageError(
          422,
          'wrong_rules',
          `the proposal signs rules ${signed.message.rules}, not the space's current rules ${rules.digest} (GET /api/spaces/${space.id}, document ${rules.cid})`,
          'data.message.rules',
        );
      }
      await this.withPowerErrors(
        () => this.deps.power.checkSnapshotBlock(snapshot, space.snapshotMaxAgeBlocks),
        'data.message.snapshot',
      );
      const totalPower = await this.withPowerErrors(() => this.deps.power.totalPowerAt(space, snapshot));
      checkStakingState(totalPower, snapshot);
      const power = await this.powerOf(space, message.from, snapshot);
      checkProposalPower(power, space.proposalThreshold, message.from, snapshot);
      return { ...base, power, totalPower, rules };
    }

    const proposal = await findProposal(this.deps.db.client, signed.message.proposal);
    if (!proposal)
      throw new MessageError(
        422,
        'unknown_proposal',
        `no proposal ${signed.message.proposal}`,
        'data.message.proposal',
      );
    checkSpace(proposal.spaceId, space.id);
    // Power is read for support and votes only; the rules that use it are applied under the log's lock.
    // By the strategies the proposal's rules name, whatever the space's settings are now.
    const power =
      signed.primaryType === 'Support' || signed.primaryType === 'Vote'
        ? await this.powerOf({ ...space, strategies: proposal.strategies }, message.from, proposal.snapshot)
        : 0n;
    return { ...base, power, proposal };
  }

  private async powerOf(space: Space, address: string, block: number): Promise<bigint> {
    const powers = await this.withPowerErrors(() => this.deps.power.powerAt(space, [address], block));
    return powers.get(address)?.total ?? 0n;
  }

  /** Snapshot rule errors carry a code of their own; anything else means the chain could not answer. */
  private async withPowerErrors<T>(read: () => Promise<T>, field?: string): Promise<T> {
    try {
      return await read();
    } catch (error) {
      if (error instanceof MessageError) throw error;
      if (error instanceof PowerError && error.code !== 'chain_unavailable') {
        throw new MessageError(422, error.code, error.message, field);
      }
      throw new MessageError(
        503,
        'power_unavailable',
        `voting power could not be read from the chain: ${(error as Error).message}`,
      );
    }
  }

  private async append(tx: DbTx, checked: Prepared): Promise<Accepted> {
    const { signed, space, id, sig, cid } = checked;
    // First statement: takes the space's log lock (a row lock on PostgreSQL, the write lock on SQLite).
    const log = await tx.logHead.upsert({
      where: { spaceId: space.id },
      create: { spaceId: space.id, sequence: 0, head: GENESIS_HEAD },
      update: { sequence: { increment: 0 } },
    });

    const existing = await tx.message.findUnique({ where: { id } });
    if (existing) {
      // The id is the digest of what `from` signed, and this signature was verified for it: another
      // valid encoding (a contract wallet may accept several) is the same message, answered as one.
      return { id, cid: existing.cid, receipt: JSON.parse(existing.receipt) as Receipt, duplicate: true };
    }

    // The time received is assigned here, under the log's lock: the later of this process's clock and
    // the previous entry's, so it never decreases along a log, whichever replica's clock is behind.
    const previous =
      log.sequence === 0
        ? null
        : await tx.message.findUnique({
            where: { spaceId_sequence: { spaceId: space.id, sequence: log.sequence } },
            select: { receivedAt: true },
          });
    const received = receivedTime(checked.received, previous ? Number(previous.receivedAt) : undefined);
    const prepared = { ...checked, received };

    if (prepared.proposal && signed.primaryType !== 'Proposal') {
      // Read again under the log lock: a cancel, a mark or another support may have landed since.
      const proposal = (await findProposal(tx, prepared.proposal.id))!;
      admit(proposalLedger(proposal, await proposalRecords(tx, proposal.id)), {
        primaryType: signed.primaryType,
        from: signed.message.from,
        space: signed.message.space,
        timestamp: signed.message.timestamp,
        receivedAt: received,
        power: prepared.power,
      });
    }

    const sequence = log.sequence + 1;
    const head = nextHead(log.head, { sequence, id, cid, receivedAt: received });
    const receipt = this.deps.receipts.sign({ id, cid, received, sequence, head });
    await tx.message.create({
      data: {
        id,
        spaceId: space.id,
        type: signed.primaryType,
        from: signed.message.from,
        timestamp: BigInt(signed.message.timestamp),
        receivedAt: BigInt(received),
        sig,
        document: prepared.document,
        cid,
        sequence,
        head,
        receipt: JSON.stringify(receipt),
      },
    });
    await this.writeDerivedRows(tx, prepared, sequence);
    await tx.pinOutbox.upsert({
      where: { cid },
      create: { cid, document: prepared.document, nextAttemptAt: BigInt(this.deps.clock()) },
      update: {},
    });
    await tx.logHead.update({ where: { spaceId: space.id }, data: { sequence, head } });
    return { id, cid, receipt, duplicate: false };
  }

  private async writeDerivedRows(tx: DbTx, prepared: Prepared, sequence: number): Promise<void> {
    const { signed, id, received, power, space } = prepared;
    const timing = { timestamp: BigInt(signed.message.timestamp), receivedAt: BigInt(received) };
    switch (signed.primaryType) {
      case 'Proposal': {
        const { message } = signed;
        const rules = prepared.rules!;
        await tx.proposal.create({
          data: {
            id,
            spaceId: space.id,
            author: message.from,
            kind: message.kind,
            title: message.title,
            snapshot: message.snapshot,
            createdAt: BigInt(received),
            totalPower: weiToText(prepared.totalPower ?? 0n),
            rules: JSON.stringify(rules.document),
            rulesDigest: rules.digest,
            actionsHash:
              message.kind === 'technical'
                ? actionsHash(message.actions.map((action) => ({ ...action, value: action.value.toString() })))
                : null,
          },
        });
        return;
      }
      case 'Support':
        await tx.support.create({
          data: {
            messageId: id,
            proposalId: signed.message.proposal,
            voter: signed.message.from,
            power: weiToText(power),
            sequence,
            ...timing,
          },
        });
        return;
      case 'Vote':
        await tx.vote.create({
          data: {
            messageId: id,
            proposalId: signed.message.proposal,
            voter: signed.message.from,
            choice: signed.message.choice,
            reason: signed.message.reason,
            power: weiToText(power),
            sequence,
            ...timing,
          },
        });
        return;
      case 'CancelProposal':
        await tx.proposal.update({ where: { id: signed.message.proposal }, data: { canceledAt: BigInt(received) } });
        return;
      case 'MarkActioned':
        await tx.proposal.update({
          where: { id: signed.message.proposal },
          data: { actionedAt: BigInt(received), actionedBy: signed.message.from, actionNote: signed.message.note },
        });
        return;
    }
  }
}

/** The per-signer rate-limit key. */
const signerKey = (address: string) => `address:${address}`;
