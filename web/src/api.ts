import type { GovernanceDomain, TypedField } from '../../server/messages/types.js';
import type { BothForms } from './address.js';

// The service's JSON API (docs/protocol.md). Wei amounts are decimal strings, addresses come in both
// forms. Fields of later issues (results, audit, execution) are read defensively in `extras.ts`.

import type { ChainDetails } from '../../server/chain/details.js';
import type { ProposalState } from '../../server/lifecycle/types.js';
import type { BucketStatus } from '../../server/power/types.js';

export { PROPOSAL_STATES, type ProposalState } from '../../server/lifecycle/types.js';

export interface ServiceInfo {
  chainId: number;
  /** What to ask a wallet to add for the service's chain (server/chain/details.ts). */
  chain: ChainDetails;
  domain: GovernanceDomain;
  types: Record<string, Record<string, TypedField[]>>;
  receipt: { signer: string; types: Record<string, TypedField[]> };
}

export interface Space {
  id: string;
  name: string;
  about: string;
  chainId: number;
  strategies: { name: string; params?: { address: string } }[];
  proposalThreshold: { iotx: string; wei: string };
  supportThresholdBps: number;
  supportPeriodSeconds: number;
  votingDelaySeconds: number;
  votingPeriodSeconds: number;
  quorumBps: number;
  passThresholdBps: number;
  /** What the pass threshold is a share of (absent from older services: For + Against). */
  majorityOf?: MajorityOf;
  quorumChoices: string[];
  admins: string[];
  executor: string | null;
  /** The rules a proposal in this space signs: the document, its CID and its digest (`rules`). */
  rules: { digest: string; cid: string; document: Record<string, unknown> };
}

export type MajorityOf = 'for-against' | 'all-votes';

export interface Window {
  start: number;
  end: number;
}

export interface Tally {
  for: string;
  against: string;
  abstain: string;
  turnout: string;
  quorum: string;
  quorumReached: boolean;
  majorityReached: boolean;
  passed: boolean;
}

export interface ProposalSummary {
  id: string;
  space: string;
  author: BothForms;
  kind: 'policy' | 'technical';
  title: string;
  snapshot: number;
  createdAt: number;
  state: ProposalState;
  supportThreshold: string;
  supportPower: string;
  supportedAt: number | null;
  supportWindow: Window;
  votingWindow: Window | null;
  totalPower: string;
  tally: Tally | null;
  canceledAt: number | null;
  /** Policy proposals: when and by which admin it was marked actioned, with their note. */
  actioned?: { at: number; by: BothForms; note: string } | null;
  /** The result document, once the scheduler wrote it after the vote (absent from older services). */
  result?: { cid: string; state: string; recordedAt: number } | null;
}

export interface Action {
  to: string;
  value: string;
  data: string;
  /** The least gas the call must receive when executed (decimal). */
  gas: string;
}

/** The gas floor the service suggests for an action (or why it could not). */
export type GasSuggestion = { ok: true; gasUsed: string; gas: string } | { ok: false; error: string };

export interface ProposalDetail extends ProposalSummary {
  body: string;
  discussion: string;
  choices: string[];
  actions: Action[];
  actionsHash: string | null;
  rules: {
    supportThresholdBps: number;
    supportPeriodSeconds: number;
    votingDelaySeconds: number;
    votingPeriodSeconds: number;
    quorumBps: number;
    passThresholdBps: number;
    majorityOf?: MajorityOf;
    quorumChoices: string[];
  };
  /** The rules document the proposal signed (protocol v2), by its digest and CID. */
  signedRules: { digest: string; cid: string } | null;
  cid: string;
  sequence: number;
}

export interface VoteEntry {
  id: string;
  voter: BothForms;
  choice: 1 | 2 | 3;
  reason: string;
  power: string;
  timestamp: number;
  receivedAt: number;
  sequence: number;
  counted: boolean;
}

export interface SupportEntry {
  id: string;
  supporter: BothForms;
  power: string;
  timestamp: number;
  receivedAt: number;
  sequence: number;
}

export interface Receipt {
  id: string;
  cid: string;
  received: number;
  sequence: number;
  head: string;
  signer: string;
  signature: string;
}

export interface MessageEntry {
  id: string;
  type: string;
  space: string;
  from: BothForms;
  timestamp: number;
  receivedAt: number;
  sequence: number;
  head: string;
  cid: string;
  pinned: boolean;
  receipt: Receipt;
  document: unknown;
}

export interface Accepted {
  id: string;
  cid: string;
  duplicate: boolean;
  receipt: Receipt;
}

export interface Bucket {
  index: string;
  kind: 'native' | 'nft';
  contract: BothForms | null;
  candidate: BothForms;
  amount: string;
  durationSeconds: number;
  durationBlocks: string | null;
  autoStake: boolean;
  selfStake: boolean;
  status: BucketStatus;
  power: string;
}

export interface StrategyPower {
  name: string;
  power: string;
  buckets?: Bucket[];
  token?: BothForms;
}

export interface Power extends BothForms {
  space: string;
  block: number;
  blockIsHead: boolean;
  total: string;
  strategies: StrategyPower[];
}

/** A refusal from the API: `{error: {code, message, field}}`, or a transport failure. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

async function parse<T>(res: Response): Promise<T> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, 'bad_response', `the server answered ${res.status} with something that is not JSON`);
  }
  if (!res.ok) {
    const error = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | undefined)?.error;
    throw new ApiError(
      res.status,
      typeof error?.code === 'string' ? error.code : `http_${res.status}`,
      typeof error?.message === 'string' ? error.message : `the server answered ${res.status}`,
      typeof error?.field === 'string' ? error.field : undefined,
    );
  }
  return body as T;
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: { accept: 'application/json', ...init?.headers } });
  } catch (error) {
    throw new ApiError(0, 'network_error', `the service could not be reached (${(error as Error).message})`);
  }
  return parse<T>(res);
}

export const getJson = <T>(path: string): Promise<T> => request<T>(path);

const q = encodeURIComponent;

export const api = {
  service: () => getJson<ServiceInfo>('/api/service'),
  spaces: () => getJson<{ spaces: Space[] }>('/api/spaces').then((body) => body.spaces),
  proposals: (params: { space?: string; state?: string; cursor?: string; limit?: number }) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params))
      if (value !== undefined && value !== '') search.set(key, String(value));
    return getJson<{ proposals: ProposalSummary[]; nextCursor: string | null }>(`/api/proposals?${search}`);
  },
  proposal: (id: string) => getJson<ProposalDetail & Record<string, unknown>>(`/api/proposals/${q(id)}`),
  votes: (id: string) => getJson<{ votes: VoteEntry[] }>(`/api/proposals/${q(id)}/votes`).then((body) => body.votes),
  supports: (id: string) =>
    getJson<{ supports: SupportEntry[] }>(`/api/proposals/${q(id)}/supports`).then((body) => body.supports),
  message: (id: string) => getJson<MessageEntry>(`/api/messages/${q(id)}`),
  power: (space: string, address: string, block?: number) =>
    getJson<Power>(`/api/power/${q(space)}/${q(address)}${block === undefined ? '' : `?block=${block}`}`),
  actionGas: (space: string, actions: Omit<Action, 'gas'>[]) =>
    request<{ from: string; actions: GasSuggestion[] }>(`/api/spaces/${q(space)}/action-gas`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ actions }),
    }).then((body) => body.actions),
  submit: (envelope: unknown) =>
    request<Accepted>('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(envelope),
    }),
};

export const ipfsPath = (cid: string) => `/ipfs/${cid}`;
