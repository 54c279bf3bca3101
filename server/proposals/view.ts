import { rulesCid } from '../spaces/rules.js';
import { bothForms } from '../address.js';
import { countedVotes, proposalStatus, type ProposalStatus, type Tally } from '../lifecycle/index.js';
import type { MessageDocument } from '../messages/normalize.js';
import { proposalFacts, type StoredProposal } from './repository.js';
import type { proposalRecords } from './repository.js';

// The JSON the API serves for proposals: wei as decimal text, addresses in both forms.

type Records = Awaited<ReturnType<typeof proposalRecords>>;

const tallyJson = (tally: Tally) => ({
  for: tally.for.toString(),
  against: tally.against.toString(),
  abstain: tally.abstain.toString(),
  turnout: tally.turnout.toString(),
  quorum: tally.quorum.toString(),
  quorumReached: tally.quorumReached,
  majorityReached: tally.majorityReached,
  passed: tally.passed,
});

export function statusOf(proposal: StoredProposal, records: Records, now: number): ProposalStatus {
  return proposalStatus(proposalFacts(proposal), proposal.rules, records.supports, records.votes, now);
}

export function proposalSummary(proposal: StoredProposal, status: ProposalStatus) {
  return {
    id: proposal.id,
    space: proposal.spaceId,
    author: bothForms(proposal.author),
    kind: proposal.kind,
    title: proposal.title,
    snapshot: proposal.snapshot,
    createdAt: proposal.createdAt,
    state: status.state,
    supportThreshold: status.supportThreshold.toString(),
    supportPower: status.supportPower.toString(),
    supportedAt: status.supportedAt ?? null,
    supportWindow: status.supportWindow,
    votingWindow: status.votingWindow ?? null,
    totalPower: proposal.totalPower.toString(),
    tally: status.tally ? tallyJson(status.tally) : null,
    canceledAt: proposal.canceledAt ?? null,
    actioned: proposal.actioned
      ? { at: proposal.actionedAt, by: bothForms(proposal.actioned.by), note: proposal.actioned.note }
      : null,
    execution: proposal.execution ?? null,
    result: proposal.result
      ? { cid: proposal.result.cid, state: proposal.result.state, recordedAt: proposal.result.recordedAt }
      : null,
  };
}

export function proposalDetail(
  proposal: StoredProposal,
  status: ProposalStatus,
  message: { cid: string; sequence: number; document: string },
) {
  const { message: signed } = (JSON.parse(message.document) as MessageDocument).data;
  return {
    ...proposalSummary(proposal, status),
    body: signed.body,
    discussion: signed.discussion,
    choices: signed.choices,
    actions: signed.actions,
    actionsHash: proposal.actionsHash,
    rules: proposal.rules,
    // The rules document the proposal signed (protocol v2): fetchable by this CID from any IPFS gateway.
    signedRules: signed.rules ? { digest: signed.rules, cid: rulesCid(String(signed.rules)).toString() } : null,
    cid: message.cid,
    sequence: message.sequence,
  };
}

export function votesJson(records: Records) {
  const counted = new Set(countedVotes(records.votes).map((vote) => vote.id));
  return records.votes.map((vote) => ({
    id: vote.id,
    voter: bothForms(vote.voter),
    choice: vote.choice,
    reason: vote.reason,
    power: vote.power.toString(),
    timestamp: vote.timestamp,
    receivedAt: vote.receivedAt,
    sequence: vote.sequence,
    counted: counted.has(vote.id),
  }));
}

export function supportsJson(records: Records) {
  return records.supports.map((support) => ({
    id: support.messageId,
    supporter: bothForms(support.voter),
    power: support.power.toString(),
    timestamp: support.timestamp,
    receivedAt: support.receivedAt,
    sequence: support.sequence,
  }));
}
