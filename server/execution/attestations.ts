import { Contract, Signature, ZeroHash, verifyTypedData, type JsonRpcProvider } from 'ethers';
import type { Database } from '../db/index.js';
import { MessageError } from '../messages/errors.js';
import { findProposal } from '../proposals/repository.js';
import type { ResultDocument } from '../results/document.js';
import { executorDomain, EXECUTOR_ABI, OUTCOME_TYPES, type Outcome } from './executor.js';

// Attestations: signatures of a passed technical proposal's Outcome by the executor's attestors.
// The service keeps them for the relayer; the executor contract is what finally counts them.

/** The Outcome of a proposal whose result passed, or a refusal saying why there is none. */
export async function outcomeOf(db: Database, proposalId: string): Promise<{ outcome: Outcome; executor: string }> {
  const proposal = await findProposal(db.client, proposalId);
  if (!proposal) throw new MessageError(404, 'unknown_proposal', `no proposal ${proposalId}`, 'proposalId');
  if (proposal.kind !== 'technical' || !proposal.actionsHash) {
    throw new MessageError(409, 'not_technical', 'only technical proposals are executed', 'proposalId');
  }
  if (proposal.result?.state !== 'Passed')
    throw new MessageError(409, 'not_passed', 'the proposal has no passed result', 'proposalId');
  // The executor the proposal's signed rules name, whatever the space's settings are now.
  const { executor } = proposal;
  if (!executor)
    throw new MessageError(
      409,
      'no_executor',
      `the rules proposal ${proposal.id} signed name no executor`,
      'proposalId',
    );
  // The rules the proposal signed (the executor accepts only its own), and the counted votes' root.
  const { rulesDigest } = await db.client.proposal.findUniqueOrThrow({
    where: { id: proposal.id },
    select: { rulesDigest: true },
  });
  if (!rulesDigest)
    throw new MessageError(
      409,
      'no_rules_digest',
      `proposal ${proposal.id} signed no rules digest (before protocol v2): no executor accepts it`,
      'proposalId',
    );
  const result = await db.client.result.findUniqueOrThrow({
    where: { proposalId: proposal.id },
    select: { cid: true, document: true },
  });
  const document = JSON.parse(result.document) as ResultDocument;
  return {
    outcome: {
      proposalId: proposal.id,
      actionsHash: proposal.actionsHash,
      resultCid: result.cid,
      rulesDigest,
      votesRoot: document.merkle.root ?? ZeroHash,
    },
    executor,
  };
}

/**
 * Verifies an attestor's signature of the proposal's Outcome (domain: chain id and executor
 * address) and that the executor lists the signer as an attestor, then stores it (idempotently).
 */
export async function acceptAttestation(
  deps: { db: Database; provider: JsonRpcProvider; chainId: number; clock: () => number },
  proposalId: string,
  signature: string,
): Promise<{ attestor: string; outcome: Outcome }> {
  const { outcome, executor } = await outcomeOf(deps.db, proposalId);
  const attestor = attestationSigner(deps.chainId, executor, outcome, signature);
  const contract = new Contract(executor, EXECUTOR_ABI, deps.provider);
  if (!(await contract.getFunction('isAttestor')(attestor))) {
    throw new MessageError(
      403,
      'not_attestor',
      `${attestor} is not an attestor of the executor ${executor}`,
      'signature',
    );
  }
  await deps.db.client.attestation.upsert({
    where: { proposalId_attestor: { proposalId, attestor } },
    create: {
      proposalId,
      attestor,
      signature,
      actionsHash: outcome.actionsHash,
      resultCid: outcome.resultCid,
      receivedAt: BigInt(Math.floor(deps.clock() / 1000)),
    },
    // The latest valid signature of the attestor is the one kept (an earlier one may be of another result).
    update: {
      signature,
      actionsHash: outcome.actionsHash,
      resultCid: outcome.resultCid,
      receivedAt: BigInt(Math.floor(deps.clock() / 1000)),
    },
  });
  return { attestor, outcome };
}

/**
 * Rule: who signed `outcome` for this executor and chain, in an encoding the executor accepts; a
 * MessageError when the signature is not one (the executor's queue would revert on it).
 */
export function attestationSigner(chainId: number, executor: string, outcome: Outcome, signature: string): string {
  requireContractEncoding(signature);
  try {
    return verifyTypedData(executorDomain(chainId, executor), OUTCOME_TYPES, outcome, Signature.from(signature));
  } catch {
    throw new MessageError(400, 'invalid_signature', 'not a signature of this proposal’s Outcome', 'signature');
  }
}

/** secp256k1's group order halved: the contract (OpenZeppelin's ECDSA) refuses an s above it. */
const HALF_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

/**
 * Rule: an attestation is stored only in the encoding the executor accepts (OpenZeppelin's ECDSA.recover):
 * 65 bytes, v 27 or 28, s in the lower half. Any other would make the relayer's queue revert.
 */
function requireContractEncoding(signature: string): void {
  const v = Number.parseInt(signature.slice(130, 132), 16);
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  if ((v !== 27 && v !== 28) || s > HALF_ORDER) {
    throw new MessageError(
      400,
      'non_canonical_signature',
      `the executor accepts only v = 27 or 28 and s in the lower half (got v = ${v}${s > HALF_ORDER ? ', a high s' : ''}); sign again with a standard signer`,
      'signature',
    );
  }
}
