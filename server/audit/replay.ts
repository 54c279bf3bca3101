import {
  admit,
  checkProposalPower,
  checkSnapshotAge,
  checkStakingState,
  checkTimestamp,
  recordArrival,
  receivedTime,
  type ProposalLedger,
} from '../lifecycle/admission.js';
import type { Choice, LifecycleRules } from '../lifecycle/index.js';
import { MessageError } from '../messages/errors.js';
import type { SignedMessage } from '../messages/schema.js';
import type { LogLink } from '../ingest/log.js';

// Replays a space's log through the rules ingest applies (server/lifecycle/admission.ts): every
// entry that ingest would have refused is named with its sequence and the rule's code. Pure: the
// audit passes in what it read from IPFS and the chain.

export type LoggedMessage = SignedMessage & { entry: LogLink };

/** A log entry that ingest would have refused. */
export interface Refusal {
  sequence: number;
  code: string;
  detail: string;
}

/** What the audit read of the chain for the proposal's rules. */
export interface ProposalChainFacts {
  /** The chain's weighted total at the snapshot. */
  totalPower: bigint;
  /** Power at the snapshot of the author, each supporter and each voter. */
  powerOf: (address: string) => bigint;
  /** The chain's head when the proposal was received, as closely as block times tell it. */
  headWhenProposed: { low: number; high: number };
}

export interface ProposalRules {
  lifecycle: LifecycleRules;
  admins: readonly string[];
  proposalThreshold: { wei: bigint; iotx: string };
  snapshotMaxAgeBlocks: number;
}

export interface Replay {
  refusals: Refusal[];
  /** The proposal's ledger after every admitted message of the log. */
  ledger: ProposalLedger;
  /** The admitted supports and votes, with their log entries. */
  supports: LoggedMessage[];
  votes: LoggedMessage[];
}

/** Rules that hold for every entry of a space's log, whatever its proposal: one refusal per entry at most. */
export function logRefusals(space: string, messages: LoggedMessage[]): Refusal[] {
  const refusals: Refusal[] = [];
  const seen = new Set<string>();
  let previous: number | undefined;
  for (const message of messages) {
    const { entry } = message;
    const refuse = (code: string, detail: string) => refusals.push({ sequence: entry.sequence, code, detail });
    if (seen.has(entry.id)) refuse('duplicate', `message ${entry.id} is in the log twice`);
    else if (message.message.space !== space)
      refuse('wrong_space', `a message of space "${message.message.space}" in the log of "${space}"`);
    else if (receivedTime(entry.receivedAt, previous) !== entry.receivedAt)
      refuse('received_out_of_order', `received at ${entry.receivedAt}, before the entry ahead of it (${previous})`);
    else {
      const refusal = refusalOf(() => checkTimestamp(message.message.timestamp, entry.receivedAt));
      if (refusal) refuse(refusal.code, refusal.detail);
    }
    seen.add(entry.id);
    previous = Math.max(previous ?? 0, entry.receivedAt);
  }
  return refusals;
}

/** Replays one proposal: its creation, then each message about it in log order, as ingest admitted them. */
export function replayProposal(
  proposal: LoggedMessage & { primaryType: 'Proposal' },
  messages: LoggedMessage[],
  rules: ProposalRules,
  chain: ProposalChainFacts,
): Replay {
  const refusals: Refusal[] = [];
  const { message, entry } = proposal;
  const created = refusalOf(() => {
    checkSnapshotAge(message.snapshot, chain.headWhenProposed, rules.snapshotMaxAgeBlocks);
    checkStakingState(chain.totalPower, message.snapshot);
    checkProposalPower(chain.powerOf(message.from), rules.proposalThreshold, message.from, message.snapshot);
  });
  if (created) refusals.push({ sequence: entry.sequence, ...created });

  let ledger: ProposalLedger = {
    space: message.space,
    snapshot: message.snapshot,
    facts: { kind: message.kind, createdAt: entry.receivedAt, totalPower: chain.totalPower },
    rules: rules.lifecycle,
    author: message.from,
    admins: rules.admins,
    supports: [],
    votes: [],
  };
  const supports: LoggedMessage[] = [];
  const votes: LoggedMessage[] = [];
  for (const logged of messages) {
    if (logged.primaryType === 'Proposal' || logged.message.proposal !== entry.id) continue;
    if (logged.entry.sequence <= entry.sequence) {
      refusals.push({
        sequence: logged.entry.sequence,
        code: 'unknown_proposal',
        detail: `a ${logged.primaryType} for proposal ${entry.id} before the proposal is in the log`,
      });
      continue;
    }
    const arrival = {
      primaryType: logged.primaryType,
      from: logged.message.from,
      space: logged.message.space,
      timestamp: logged.message.timestamp,
      receivedAt: logged.entry.receivedAt,
      power:
        logged.primaryType === 'Support' || logged.primaryType === 'Vote' ? chain.powerOf(logged.message.from) : 0n,
    };
    const refused = refusalOf(() => admit(ledger, arrival));
    if (refused) {
      refusals.push({ sequence: logged.entry.sequence, ...refused });
      continue;
    }
    ledger = recordArrival(ledger, {
      ...arrival,
      id: logged.entry.id,
      ...(logged.primaryType === 'Vote' ? { choice: logged.message.choice as Choice } : {}),
    });
    if (logged.primaryType === 'Support') supports.push(logged);
    if (logged.primaryType === 'Vote') votes.push(logged);
  }
  return { refusals, ledger, supports, votes };
}

function refusalOf(check: () => void): { code: string; detail: string } | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof MessageError) return { code: error.code, detail: error.message };
    throw error;
  }
}
