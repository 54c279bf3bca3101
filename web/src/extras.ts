// Fields of GET /api/proposals/:id that came or come later than the rest: the result document
// (`result: {cid, state, recordedAt}`, issue #5), an audit state and the execution transactions (issue
// #6). They are read defensively, under the names those issues use or are likely to use, so the page
// shows them as soon as the API serves them and "not available yet" until then.

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
const time = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value)
    ? value
    : typeof value === 'string' && /^\d+$/.test(value)
      ? Number(value)
      : undefined;

function pick(source: Json, ...keys: string[]): unknown {
  for (const key of keys) if (source[key] !== undefined && source[key] !== null) return source[key];
  return undefined;
}

export interface ResultInfo {
  cid: string;
  /** The outcome the result document records (Passed, Rejected). */
  state?: string;
  merkleRoot?: string;
  recordedAt?: number;
}

export interface AuditInfo {
  state: string;
  ok?: boolean;
  detail?: string;
  checkedAt?: number;
}

export interface TransactionInfo {
  label: string;
  hash: string;
  block?: number;
}

export interface Extras {
  result: ResultInfo | null;
  /** The relayer's progress on a technical proposal (queued, executed, failed…) and its last error. */
  executionStatus?: string;
  executionError?: string;
  audit: AuditInfo | null;
  transactions: TransactionInfo[];
  queuedAt?: number;
  executedAt?: number;
  confirmedAt?: number;
  /** When a queued proposal may be executed (end of the timelock). */
  eta?: number;
}

function readResult(detail: Json): ResultInfo | null {
  const raw = pick(detail, 'result', 'resultCid', 'resultDocument');
  if (text(raw)) return { cid: raw as string };
  if (!isObject(raw)) return null;
  const cid = text(pick(raw, 'cid', 'resultCid', 'documentCid'));
  if (!cid) return null;
  return {
    cid,
    state: text(pick(raw, 'state', 'outcome')),
    merkleRoot: text(pick(raw, 'merkleRoot', 'votesRoot')),
    recordedAt: time(pick(raw, 'recordedAt', 'computedAt', 'createdAt')),
  };
}

function readAudit(detail: Json): AuditInfo | null {
  const raw = pick(detail, 'audit', 'auditState', 'auditStatus');
  if (text(raw)) return { state: raw as string };
  if (!isObject(raw)) return null;
  const ok = typeof raw.ok === 'boolean' ? raw.ok : typeof raw.matches === 'boolean' ? raw.matches : undefined;
  const state = text(pick(raw, 'state', 'status')) ?? (ok === undefined ? undefined : ok ? 'matches' : 'mismatch');
  if (!state) return null;
  return {
    state,
    ok,
    detail: text(pick(raw, 'detail', 'message', 'reason')),
    checkedAt: time(pick(raw, 'checkedAt', 'at')),
  };
}

function readTransaction(raw: unknown, fallbackLabel: string): TransactionInfo | null {
  if (text(raw) && /^0x[0-9a-fA-F]{64}$/.test(raw as string)) return { label: fallbackLabel, hash: raw as string };
  if (!isObject(raw)) return null;
  const hash = text(pick(raw, 'hash', 'txHash', 'transactionHash'));
  if (!hash) return null;
  return {
    label: text(pick(raw, 'label', 'kind', 'type', 'step', 'action')) ?? fallbackLabel,
    hash,
    block: time(pick(raw, 'block', 'blockNumber')),
  };
}

function readTransactions(detail: Json): TransactionInfo[] {
  const execution = isObject(detail.execution) ? detail.execution : {};
  const list = pick(execution, 'transactions', 'txs') ?? pick(detail, 'transactions', 'executionTransactions');
  const found: TransactionInfo[] = [];
  if (Array.isArray(list))
    for (const item of list) {
      const tx = readTransaction(item, 'transaction');
      if (tx) found.push(tx);
    }
  for (const [key, label] of [
    ['queueTx', 'queue'],
    ['queueTransaction', 'queue'],
    ['executeTx', 'execute'],
    ['executionTx', 'execute'],
    ['executeTransaction', 'execute'],
  ] as const) {
    const tx = readTransaction(execution[key] ?? detail[key], label);
    if (tx && !found.some((f) => f.hash === tx.hash)) found.push(tx);
  }
  return found;
}

export function readExtras(detail: Json): Extras {
  const execution = isObject(detail.execution) ? detail.execution : {};
  return {
    result: readResult(detail),
    audit: readAudit(detail),
    transactions: readTransactions(detail),
    executionStatus: text(pick(execution, 'status', 'state')),
    executionError: text(pick(execution, 'lastError', 'error')),
    queuedAt: time(pick(execution, 'queuedAt') ?? detail.queuedAt),
    executedAt: time(pick(execution, 'executedAt') ?? detail.executedAt),
    confirmedAt: time(detail.confirmedAt),
    eta: time(pick(execution, 'eta', 'executableAt') ?? detail.eta),
  };
}
