import { useEffect, useMemo, useRef, useState } from 'react';
import { PROTOCOL_CHOICES } from '../../../server/messages/types.js';
import type { BucketStatus } from '../../../server/power/types.js';
import { readAction } from '../actions.js';
import { sameAddress } from '../address.js';
import {
  api,
  ApiError,
  ipfsPath,
  type MessageEntry,
  type Power,
  type ProposalDetail,
  type Space,
  type SupportEntry,
  type VoteEntry,
} from '../api.js';
import { Address } from '../components/Address.js';
import { SubmissionStatus } from '../components/Submission.js';
import { CopyButton, downloadJson, KindTag, Notice, Progress, Spinner, StateBadge, When } from '../components/ui.js';
import { WalletNotice } from '../components/Wallet.js';
import { useApp, type Submission } from '../context.js';
import { readExtras, type Extras } from '../extras.js';
import { bpsText, dateTime, formatDuration, formatIotx, fraction, percent } from '../format.js';
import { nowSeconds, useAsync, useNow, type Async } from '../hooks.js';
import { renderMarkdown } from '../markdown.js';
import { takeSubmission } from '../recent.js';
import { Link } from '../router.js';

const OPEN_STATES = new Set(['Pending', 'Supported', 'Voting']);
const CHOICE_CLASS = ['', 'for', 'against', 'abstain'] as const;
const choiceName = (choice: number) => PROTOCOL_CHOICES[choice - 1] ?? `choice ${choice}`;
/** Why a bucket counts 0 (server/power/staking-rules.ts uncountedStatus). */
const UNCOUNTED: Record<Exclude<BucketStatus, 'staked'>, string> = {
  unstaked: 'unstaked: counts 0',
  muted: 'muted: counts 0',
  'not-a-candidate': 'delegate is no candidate: counts 0',
  'nft-before-xingu': 'NFT votes count from Xingu on',
};

export function ProposalPage({ id }: { id: string }) {
  const { spaces } = useApp();
  const detail = useAsync(() => api.proposal(id), [id]);
  const votes = useAsync(() => api.votes(id), [id]);
  const supports = useAsync(() => api.supports(id), [id]);
  const reloadAll = () => {
    detail.reload();
    votes.reload();
    supports.reload();
  };
  useAutoRefresh(detail.data, reloadAll);

  const p = detail.data;
  if (!p) {
    if (detail.error) {
      const missing = detail.error instanceof ApiError && (detail.error.status === 404 || detail.error.status === 400);
      return (
        <section>
          <h1>{missing ? 'No such proposal' : 'Could not load the proposal'}</h1>
          <Notice tone="error" title={missing ? 'Not found' : 'Server error'}>
            <p>{detail.error.message}</p>
          </Notice>
          <Link to="/">← All proposals</Link>
        </section>
      );
    }
    return <Spinner label="Loading the proposal…" />;
  }
  const space = spaces?.find((s) => s.id === p.space);
  const extras = readExtras(p);

  return (
    <article className="proposal" aria-labelledby="proposal-title">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/">← All proposals</Link>
      </nav>
      <header className="proposal-head">
        <div className="badges">
          <StateBadge state={p.state} />
          <KindTag kind={p.kind} />
          <span className="muted small">{space?.name ?? p.space}</span>
        </div>
        <h1 id="proposal-title">{p.title}</h1>
        <dl className="meta">
          <div>
            <dt>Author</dt>
            <dd>
              <Address address={p.author.address} />
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd>{dateTime(p.createdAt)}</dd>
          </div>
          <div>
            <dt>Snapshot</dt>
            <dd>block {p.snapshot.toLocaleString('en-US')}</dd>
          </div>
          <div>
            <dt>Signed proposal</dt>
            <dd>
              <a href={ipfsPath(p.cid)} target="_blank" rel="noopener" data-testid="proposal-ipfs">
                IPFS {p.cid.slice(0, 12)}…
              </a>
            </dd>
          </div>
        </dl>
        <p className="proposal-id small muted">
          id <code>{p.id}</code> <CopyButton text={p.id} label="proposal id" />
        </p>
      </header>

      <div className="proposal-grid">
        <aside className="proposal-side" aria-label="Status and participation">
          <StatusCard proposal={p} space={space} />
          <ParticipateCard proposal={p} votes={votes} supports={supports} onAccepted={reloadAll} />
        </aside>

        <div className="proposal-main">
          <section className="card" aria-labelledby="body-title">
            <h2 id="body-title">Proposal</h2>
            {p.body.trim() ? (
              <div className="markdown" dangerouslySetInnerHTML={{ __html: renderMarkdown(p.body) }} />
            ) : (
              <p className="muted">No description.</p>
            )}
            {p.discussion && (
              <p className="discussion">
                Discussion:{' '}
                <a href={p.discussion} target="_blank" rel="noopener noreferrer nofollow">
                  {p.discussion}
                </a>
              </p>
            )}
          </section>

          {p.kind === 'technical' && <ActionsSection proposal={p} />}
          <OutcomeSection proposal={p} extras={extras} />
          <VotesSection votes={votes} proposal={p} />
          <SupportsSection supports={supports} proposal={p} />
        </div>
      </div>
    </article>
  );
}

/** Reload when a phase boundary passes, and every 15 s while the proposal is open. */
function useAutoRefresh(p: ProposalDetail | undefined, reload: () => void) {
  const now = useNow();
  const reloadRef = useRef(reload);
  reloadRef.current = reload;
  const loadedAt = useRef(nowSeconds());
  useEffect(() => {
    loadedAt.current = nowSeconds();
  }, [p]);
  // Open, or the vote ended and the result document is still being written (the scheduler's next pass).
  const open = p ? OPEN_STATES.has(p.state) || (p.tally !== null && p.result === null) : false;
  useEffect(() => {
    if (!p || !open) return;
    const boundaries = [p.supportWindow.end, p.votingWindow?.start, p.votingWindow?.end];
    if (boundaries.some((b) => b !== undefined && loadedAt.current < b && b <= now)) {
      loadedAt.current = now;
      reloadRef.current();
    }
  }, [now, p, open]);
  useEffect(() => {
    if (!open) return;
    const timer = window.setInterval(() => reloadRef.current(), OPEN_STATES.has(p?.state ?? '') ? 15_000 : 5_000);
    return () => window.clearInterval(timer);
  }, [open, p?.state]);
}

function TimeLeft({ proposal: p }: { proposal: ProposalDetail }) {
  const now = useNow();
  const line = (label: string, end: number) => (
    <p className="time-left">
      <span className="time-left-value">{formatDuration(end - now)}</span> {label}
      <span className="muted small"> · {dateTime(end)}</span>
    </p>
  );
  if (p.state === 'Pending')
    return now < p.supportWindow.end ? line('left to reach the support threshold', p.supportWindow.end) : null;
  if (p.state === 'Supported' && p.votingWindow)
    return now < p.votingWindow.start ? line('until voting opens', p.votingWindow.start) : null;
  if (p.state === 'Voting' && p.votingWindow)
    return now < p.votingWindow.end ? line('left to vote', p.votingWindow.end) : null;
  const ended = p.votingWindow?.end ?? p.canceledAt ?? p.supportWindow.end;
  return (
    <p className="time-left muted">
      {p.state === 'Canceled' ? 'Canceled' : p.state === 'Expired' ? 'Support period ended' : 'Voting ended'}{' '}
      {dateTime(ended)}
    </p>
  );
}

function StatusCard({ proposal: p, space }: { proposal: ProposalDetail; space: Space | undefined }) {
  const tally = p.tally;
  const cast = tally ? BigInt(tally.for) + BigInt(tally.against) + BigInt(tally.abstain) : 0n;
  // What the pass threshold is a share of: For + Against, or every vote cast (majorityOf 'all-votes').
  const allVotes = p.rules.majorityOf === 'all-votes';
  const base = tally ? BigInt(tally.for) + BigInt(tally.against) + (allVotes ? BigInt(tally.abstain) : 0n) : 0n;
  const supportBps = p.rules.supportThresholdBps;
  return (
    <section className="card status-card" aria-labelledby="status-title">
      <h2 id="status-title">Status</h2>
      <TimeLeft proposal={p} />

      <h3>Support</h3>
      <Progress
        value={fraction(p.supportPower, p.supportThreshold)}
        label={`Support: ${percent(p.supportPower, p.supportThreshold)} of the threshold`}
      />
      <p className="small" data-testid="support-line">
        {formatIotx(p.supportPower, 0)} of {formatIotx(p.supportThreshold, 0)} IOTX needed ({bpsText(supportBps)} of the
        weighted total at the snapshot)
        {p.supportedAt ? <> · reached {dateTime(p.supportedAt)} ✓</> : null}
      </p>

      <h3>Votes</h3>
      {tally ? (
        <div className="tally" data-testid="tally">
          {(['for', 'against', 'abstain'] as const).map((key, i) => (
            <div className="tally-row" key={key}>
              <div className="tally-label">
                <span>{PROTOCOL_CHOICES[i]}</span>
                <span className="small">
                  {formatIotx(tally[key], 0)} IOTX · {percent(tally[key], cast)}
                </span>
              </div>
              <Progress
                value={fraction(tally[key], cast)}
                tone={key}
                label={`${PROTOCOL_CHOICES[i]}: ${percent(tally[key], cast)} of the votes cast`}
              />
            </div>
          ))}
          <div className="tally-row">
            <div className="tally-label">
              <span>Turnout</span>
              <span className="small">
                {percent(tally.turnout, p.totalPower)} of {bpsText(p.rules.quorumBps)} quorum{' '}
                {tally.quorumReached ? '✓' : '✗'}
              </span>
            </div>
            <Progress
              value={fraction(tally.turnout, tally.quorum === '0' ? '1' : tally.quorum)}
              label={`Turnout ${formatIotx(tally.turnout, 0)} of a quorum of ${formatIotx(tally.quorum, 0)} IOTX`}
            />
          </div>
          <p className="small">
            Majority: For has {percent(tally.for, base)} of {allVotes ? 'all votes cast' : 'For + Against'}; more than{' '}
            {bpsText(p.rules.passThresholdBps)} needed {tally.majorityReached ? '✓' : '✗'}
          </p>
          <p className="small muted">
            {p.state === 'Voting' ? 'If the vote ended now, the proposal would ' : 'The proposal '}
            {p.state === 'Voting' ? (tally.passed ? 'pass.' : 'not pass.') : tally.passed ? 'passed.' : 'did not pass.'}
          </p>
        </div>
      ) : (
        <p className="small muted">
          {p.votingWindow
            ? `Voting opens ${dateTime(p.votingWindow.start)} and lasts ${formatDuration(p.rules.votingPeriodSeconds)}.`
            : `Voting opens ${formatDuration(p.rules.votingDelaySeconds)} after support reaches the threshold, for ${formatDuration(p.rules.votingPeriodSeconds)}.`}
        </p>
      )}

      <dl className="facts facts-stacked small">
        <dt>Weighted total at the snapshot</dt>
        <dd>{formatIotx(p.totalPower, 0)} IOTX</dd>
        <dt>Support window</dt>
        <dd>
          {dateTime(p.supportWindow.start)} – {dateTime(p.supportWindow.end)}
        </dd>
        {p.votingWindow && (
          <>
            <dt>Voting window</dt>
            <dd>
              {dateTime(p.votingWindow.start)} – {dateTime(p.votingWindow.end)}
            </dd>
          </>
        )}
        {space && (
          <>
            <dt>Space</dt>
            <dd>{space.name}</dd>
          </>
        )}
        {p.signedRules && (
          <>
            <dt>Decided by the rules it signed</dt>
            <dd>
              <a href={ipfsPath(p.signedRules.cid)} target="_blank" rel="noopener" data-testid="proposal-rules">
                rules document
              </a>{' '}
              <code className="break small" title="sha2-256 of the rules document (DAG-JSON)">
                {p.signedRules.digest}
              </code>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function ParticipateCard({
  proposal: p,
  votes,
  supports,
  onAccepted,
}: {
  proposal: ProposalDetail;
  votes: Async<VoteEntry[]>;
  supports: Async<SupportEntry[]>;
  onAccepted: () => void;
}) {
  const { wallet, ready, sign, spaces } = useApp();
  const account = wallet.account;
  const power = useAsync(
    () => (ready && account ? api.power(p.space, account, p.snapshot) : undefined),
    [ready, account, p.space, p.snapshot],
  );
  const [submission, setSubmission] = useState<Submission>(() => takeSubmission(p.id) ?? { phase: 'idle' });
  // No choice until the voter makes one.
  const [choice, setChoice] = useState<number | null>(null);
  const [reason, setReason] = useState('');
  const now = useNow();
  // Another account: the last submission's outcome was not theirs.
  const shownFor = useRef(account);
  useEffect(() => {
    if (shownFor.current !== account) setSubmission({ phase: 'idle' });
    shownFor.current = account;
  }, [account]);

  const myVotes = (votes.data ?? []).filter((v) => sameAddress(v.voter.address, account ?? undefined));
  const counted = myVotes.find((v) => v.counted);
  // A choice and a reason belong to one account's next vote: another account, or a vote that just
  // counted, starts the form again (one account must never sign another's reason).
  useEffect(() => {
    setChoice(null);
    setReason('');
  }, [account, counted?.id]);
  const supported = (supports.data ?? []).some((s) => sameAddress(s.supporter.address, account ?? undefined));
  const isAuthor = sameAddress(p.author.address, account ?? undefined);
  const [note, setNote] = useState('');
  const space = spaces?.find((s) => s.id === p.space);
  const canMarkActioned =
    p.kind === 'policy' &&
    p.state === 'Confirmed' &&
    !p.actioned &&
    (space?.admins ?? []).some((admin) => sameAddress(admin, account ?? undefined));
  const busy = submission.phase === 'signing' || submission.phase === 'sending';
  const noPower = power.data !== undefined && BigInt(power.data.total) === 0n;
  const supportOpen = p.state === 'Pending' && now < p.supportWindow.end;
  const votingOpen = p.state === 'Voting' && p.votingWindow !== null && now < p.votingWindow.end;

  const submit = (
    primaryType: 'Support' | 'Vote' | 'CancelProposal' | 'MarkActioned',
    fields: Record<string, string | number>,
  ) => {
    if (!account) return;
    const timestamp =
      primaryType === 'Vote'
        ? // A changed vote must be signed later than the one it replaces (equal times go to the lower id).
          Math.max(nowSeconds(), ...myVotes.map((v) => v.timestamp + 1))
        : nowSeconds();
    void sign(primaryType, { from: account, space: p.space, timestamp, proposal: p.id, ...fields }, (next) => {
      setSubmission(next);
      if (next.phase === 'accepted') onAccepted();
    });
  };

  return (
    <section className="card participate-card" aria-labelledby="participate-title">
      <h2 id="participate-title">Take part</h2>
      <WalletNotice />
      {ready && (
        <>
          <YourPower power={power} snapshot={p.snapshot} />
          {noPower && OPEN_STATES.has(p.state) && (
            <Notice tone="warning" title="No voting power at the snapshot">
              <p>
                This account had no stake at block {p.snapshot.toLocaleString('en-US')}, so it cannot support or vote on
                this proposal. Power counts only if it was staked before a proposal&apos;s snapshot.
              </p>
            </Notice>
          )}

          {p.state === 'Pending' && (
            <div className="actions-row">
              {supported ? (
                <p className="done">✓ You support this proposal.</p>
              ) : (
                <button
                  type="button"
                  className="button"
                  disabled={busy || noPower || !power.data || !supportOpen}
                  onClick={() => submit('Support', {})}
                >
                  Support this proposal
                </button>
              )}
              {isAuthor && (
                <button
                  type="button"
                  className="button button-danger-outline"
                  disabled={busy}
                  onClick={() => {
                    if (window.confirm('Cancel this proposal? This cannot be undone.')) submit('CancelProposal', {});
                  }}
                >
                  Cancel proposal
                </button>
              )}
            </div>
          )}
          {p.state === 'Supported' && p.votingWindow && (
            <p className="small">
              Support reached the threshold. Voting <When time={p.votingWindow.start} prefix="opens" />.
            </p>
          )}
          {p.state === 'Voting' && (
            <form
              className="vote-form"
              onSubmit={(event) => {
                event.preventDefault();
                if (choice !== null) submit('Vote', { choice, reason: reason.trim() });
              }}
            >
              {counted && (
                <p className="your-vote">
                  Your vote:{' '}
                  <strong className={`choice-${CHOICE_CLASS[counted.choice]}`}>{choiceName(counted.choice)}</strong> (
                  {formatIotx(counted.power, 0)} IOTX). You can change it until voting ends.
                </p>
              )}
              <fieldset>
                <legend>{counted ? 'Change your vote' : 'Your vote'}</legend>
                <div className="choices">
                  {PROTOCOL_CHOICES.map((name, i) => (
                    <label key={name} className={`choice choice-${CHOICE_CLASS[i + 1]}`}>
                      <input
                        type="radio"
                        name="choice"
                        value={i + 1}
                        checked={choice === i + 1}
                        onChange={() => setChoice(i + 1)}
                      />
                      <span>{name}</span>
                    </label>
                  ))}
                </div>
              </fieldset>
              <label className="field">
                <span>Reason (optional)</span>
                <textarea value={reason} maxLength={1000} rows={2} onChange={(e) => setReason(e.target.value)} />
              </label>
              <button
                type="submit"
                className="button"
                disabled={busy || noPower || !power.data || !votingOpen || choice === null}
              >
                {choice === null
                  ? 'Choose For, Against or Abstain'
                  : counted
                    ? `Change vote to ${choiceName(choice)}`
                    : `Vote ${choiceName(choice)}`}
              </button>
            </form>
          )}
          {canMarkActioned ? (
            <form
              className="vote-form"
              onSubmit={(event) => {
                event.preventDefault();
                submit('MarkActioned', { note: note.trim() });
              }}
            >
              <p className="small">
                As an admin of this space, mark this confirmed proposal actioned once it was acted on.
              </p>
              <label className="field">
                <span>Note (what was done, with links)</span>
                <textarea value={note} maxLength={2000} rows={2} onChange={(e) => setNote(e.target.value)} />
              </label>
              <button type="submit" className="button" disabled={busy}>
                Mark actioned
              </button>
            </form>
          ) : (
            !OPEN_STATES.has(p.state) && <p className="small muted">This proposal is closed: nothing left to sign.</p>
          )}
        </>
      )}
      <SubmissionStatus submission={submission} />
    </section>
  );
}

function YourPower({ power, snapshot }: { power: Async<Power>; snapshot: number }) {
  if (power.error) {
    return (
      <Notice tone="error" title="Could not read your voting power">
        <p>
          {power.error.message} {power.error instanceof ApiError && <code>{power.error.code}</code>}
        </p>
      </Notice>
    );
  }
  if (!power.data) return <Spinner label="Reading your voting power…" />;
  const buckets = power.data.strategies.flatMap((s) => s.buckets ?? []);
  return (
    <div className="your-power">
      <p>
        Your power at block {snapshot.toLocaleString('en-US')}:{' '}
        <strong data-testid="your-power">{formatIotx(power.data.total)} IOTX</strong>
      </p>
      {power.data.strategies.length > 0 && (
        <details>
          <summary>
            Breakdown{buckets.length > 0 ? ` (${buckets.length} bucket${buckets.length === 1 ? '' : 's'})` : ''}
          </summary>
          {power.data.strategies.map((s) => (
            <div key={s.name} className="strategy">
              <p className="small">
                <strong>{s.name}</strong>: {formatIotx(s.power)} IOTX
                {s.token && (
                  <>
                    {' '}
                    (token <Address address={s.token.address} />)
                  </>
                )}
              </p>
              {s.buckets && s.buckets.length > 0 && (
                <div className="table-wrap">
                  <table className="buckets">
                    <thead>
                      <tr>
                        <th scope="col">Bucket</th>
                        <th scope="col">Staked</th>
                        <th scope="col">Duration</th>
                        <th scope="col">Power</th>
                      </tr>
                    </thead>
                    <tbody>
                      {s.buckets.map((b) => (
                        <tr key={`${b.kind}-${b.contract?.address ?? ''}-${b.index}`}>
                          <td>
                            #{b.index}
                            {b.kind === 'nft' ? ' NFT' : ''}
                            <div className="muted tiny">
                              to <Address address={b.candidate.address} compact />
                            </div>
                          </td>
                          <td>{formatIotx(b.amount, 0)}</td>
                          <td>
                            {b.durationBlocks !== null
                              ? `${Number(b.durationBlocks).toLocaleString('en-US')} blocks`
                              : `${Math.round(b.durationSeconds / 86_400)} d`}
                            <div className="muted tiny">
                              {[
                                b.autoStake ? 'auto-stake' : null,
                                b.selfStake ? 'self-stake' : null,
                                b.status !== 'staked' ? UNCOUNTED[b.status] : null,
                              ]
                                .filter(Boolean)
                                .join(' · ')}
                            </div>
                          </td>
                          <td>{formatIotx(b.power, 0)}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          ))}
        </details>
      )}
    </div>
  );
}

function ActionsSection({ proposal: p }: { proposal: ProposalDetail }) {
  const readable = useMemo(() => p.actions.map(readAction), [p.actions]);
  return (
    <section className="card" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      <p className="small muted">
        If the proposal passes, the executor contract makes these calls in this order, exactly as signed.
        {p.actionsHash && (
          <>
            {' '}
            Actions hash <code className="break">{p.actionsHash}</code>
          </>
        )}
      </p>
      <ol className="action-list">
        {readable.map((a, i) => (
          <li key={i} className="action">
            <p>
              {a.call ? (
                <>
                  Call <code>{a.call.signature}</code> on <Address address={a.to.address} />
                </>
              ) : a.data === '0x' ? (
                <>
                  Send to <Address address={a.to.address} />
                </>
              ) : (
                <>
                  Call function <code>{a.selector}</code> on <Address address={a.to.address} />
                </>
              )}
              {a.value !== '0' || a.data === '0x' ? <> with {formatIotx(a.value, 6)} IOTX</> : null}
            </p>
            {a.call && a.call.args.length > 0 && (
              <dl className="facts small">
                {a.call.args.map((arg) => (
                  <div key={arg.name} className="fact-pair">
                    <dt>
                      {arg.name} <span className="muted">({arg.type})</span>
                    </dt>
                    <dd className="break">{arg.value}</dd>
                  </div>
                ))}
              </dl>
            )}
            {a.data !== '0x' && (
              <details>
                <summary className="small">Calldata ({(a.data.length - 2) / 2} bytes)</summary>
                <code className="calldata">{a.data}</code>
              </details>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}

function OutcomeSection({ proposal: p, extras }: { proposal: ProposalDetail; extras: Extras }) {
  const notYet = <span className="muted">Not available yet</span>;
  const voteEnded = p.state !== 'Voting' && p.tally !== null;
  return (
    <section className="card" aria-labelledby="outcome-title">
      <h2 id="outcome-title">Result and audit</h2>
      <dl className="facts">
        <dt>Result document</dt>
        <dd data-testid="result">
          {extras.result ? (
            <>
              <a href={ipfsPath(extras.result.cid)} target="_blank" rel="noopener">
                IPFS {extras.result.cid.slice(0, 14)}…
              </a>
              {extras.result.state && <> · {extras.result.state}</>}
              {extras.result.recordedAt !== undefined && (
                <span className="small muted"> · recorded {dateTime(extras.result.recordedAt)}</span>
              )}
            </>
          ) : voteEnded ? (
            <span className="muted">Being written…</span>
          ) : OPEN_STATES.has(p.state) ? (
            <span className="muted">Written when the vote ends</span>
          ) : (
            notYet
          )}
          {extras.result?.merkleRoot && (
            <div className="small muted">
              votes root <code className="break">{extras.result.merkleRoot}</code>
            </div>
          )}
        </dd>
        <dt>Audit</dt>
        <dd data-testid="audit">
          {extras.audit ? (
            <>
              <span className={extras.audit.ok === false ? 'error-text' : undefined}>{extras.audit.state}</span>
              {extras.audit.detail && <div className="small muted">{extras.audit.detail}</div>}
            </>
          ) : (
            <>
              {notYet}
              {extras.result && (
                <div className="small muted">
                  Anyone can check the result from IPFS and the chain alone:{' '}
                  <code className="break">
                    npm run audit -- {p.id} --rules {p.signedRules?.digest ?? '<digest>'}
                  </code>{' '}
                  (first check that digest against the space&apos;s rules from a source you trust, or pass{' '}
                  <code>--executor</code> with the executor you trust instead)
                </div>
              )}
            </>
          )}
        </dd>
        {p.kind === 'technical' && (
          <>
            <dt>Execution</dt>
            <dd data-testid="execution">
              {extras.transactions.length > 0 ? (
                <ul className="plain">
                  {extras.transactions.map((tx) => (
                    <li key={tx.hash}>
                      {tx.label}: <code className="break">{tx.hash}</code>
                      {tx.block !== undefined && <span className="muted small"> (block {tx.block})</span>}
                    </li>
                  ))}
                </ul>
              ) : (
                notYet
              )}
              {extras.executionStatus && <div className="small">Relayer: {extras.executionStatus}</div>}
              {extras.executionError && <div className="small error-text">{extras.executionError}</div>}
              {extras.queuedAt !== undefined && <div className="small">Queued {dateTime(extras.queuedAt)}</div>}
              {extras.eta !== undefined && <div className="small">Executable from {dateTime(extras.eta)}</div>}
              {extras.executedAt !== undefined && <div className="small">Executed {dateTime(extras.executedAt)}</div>}
            </dd>
          </>
        )}
        {p.kind === 'policy' && (
          <>
            <dt>Actioned</dt>
            <dd data-testid="actioned">
              {p.actioned ? (
                <>
                  {dateTime(p.actioned.at)} by <Address address={p.actioned.by.address} />
                  {p.actioned.note && <div className="small">“{p.actioned.note}”</div>}
                </>
              ) : p.state === 'Confirmed' ? (
                <span className="muted">Not yet: a space admin marks it once the foundation acted on it</span>
              ) : (
                notYet
              )}
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

/** Messages by id (their CIDs and receipts), fetched a few at a time; messages never change. */
const messageCache = new Map<string, Promise<MessageEntry>>();
function useMessages(ids: string[]): Map<string, MessageEntry> {
  const [found, setFound] = useState(new Map<string, MessageEntry>());
  const key = ids.join(',');
  useEffect(() => {
    let live = true;
    const queue = [...ids];
    const worker = async () => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const id = next;
        if (!messageCache.has(id)) messageCache.set(id, api.message(id));
        try {
          const message = await messageCache.get(id)!;
          if (live) setFound((previous) => new Map(previous).set(id, message));
        } catch {
          messageCache.delete(id);
        }
      }
    };
    void Promise.all([worker(), worker(), worker(), worker()]);
    return () => {
      live = false;
    };
  }, [key]); // ids is named by key
  return found;
}

const MESSAGES_SHOWN = 100;

function MessageLinks({ message, label }: { message: MessageEntry | undefined; label: string }) {
  if (!message) return <span className="muted small">…</span>;
  return (
    <span className="message-links small">
      <a href={ipfsPath(message.cid)} target="_blank" rel="noopener" aria-label={`${label} on IPFS`}>
        IPFS
      </a>
      <button
        type="button"
        className="button-link small"
        aria-label={`Download the receipt of ${label}`}
        onClick={() => downloadJson(message.receipt, `receipt-${message.id.slice(2, 10)}-${message.sequence}.json`)}
      >
        Receipt
      </button>
    </span>
  );
}

function VotesSection({ votes, proposal: p }: { votes: Async<VoteEntry[]>; proposal: ProposalDetail }) {
  const sorted = useMemo(
    () =>
      [...(votes.data ?? [])].sort((a, b) =>
        a.counted !== b.counted
          ? a.counted
            ? -1
            : 1
          : BigInt(b.power) > BigInt(a.power)
            ? 1
            : BigInt(b.power) < BigInt(a.power)
              ? -1
              : a.sequence - b.sequence,
      ),
    [votes.data],
  );
  const shown = sorted.slice(0, MESSAGES_SHOWN);
  const messages = useMessages(shown.map((v) => v.id));
  const voters = new Set(sorted.filter((v) => v.counted).map((v) => v.voter.address)).size;
  return (
    <section className="card" aria-labelledby="votes-title">
      <h2 id="votes-title">
        Votes <span className="count">{voters}</span>
      </h2>
      {votes.error && <p className="error-text">{votes.error.message}</p>}
      {sorted.length === 0 ? (
        <p className="muted small">
          {p.state === 'Voting' ? 'No votes yet.' : p.votingWindow ? 'No votes.' : 'Voting has not started.'}
        </p>
      ) : (
        <ul className="entries" data-testid="votes">
          {shown.map((v) => (
            <li key={v.id} className={`entry${v.counted ? '' : ' entry-replaced'}`}>
              <div className="entry-main">
                <Address address={v.voter.address} />
                <span className={`choice-pill choice-${CHOICE_CLASS[v.choice]}`}>{choiceName(v.choice)}</span>
                {!v.counted && <span className="tag">replaced</span>}
              </div>
              <div className="entry-side">
                <span className="entry-power">{formatIotx(v.power, 0)} IOTX</span>
                <span className="muted small" title={dateTime(v.receivedAt)}>
                  #{v.sequence}
                </span>
                <MessageLinks message={messages.get(v.id)} label={`the vote #${v.sequence}`} />
              </div>
              {v.reason && <p className="entry-reason">“{v.reason}”</p>}
            </li>
          ))}
        </ul>
      )}
      {sorted.length > MESSAGES_SHOWN && (
        <p className="muted small">
          The {MESSAGES_SHOWN} largest of {sorted.length} votes are shown; GET /api/proposals/{p.id}/votes has them all.
        </p>
      )}
    </section>
  );
}

function SupportsSection({ supports, proposal: p }: { supports: Async<SupportEntry[]>; proposal: ProposalDetail }) {
  const list = supports.data ?? [];
  const shown = list.slice(0, MESSAGES_SHOWN);
  const messages = useMessages(shown.map((s) => s.id));
  return (
    <section className="card" aria-labelledby="supports-title">
      <h2 id="supports-title">
        Support <span className="count">{list.length}</span>
      </h2>
      {supports.error && <p className="error-text">{supports.error.message}</p>}
      {list.length === 0 ? (
        <p className="muted small">No support yet.</p>
      ) : (
        <ul className="entries" data-testid="supports">
          {shown.map((s) => (
            <li key={s.id} className="entry">
              <div className="entry-main">
                <Address address={s.supporter.address} />
              </div>
              <div className="entry-side">
                <span className="entry-power">{formatIotx(s.power, 0)} IOTX</span>
                <span className="muted small" title={dateTime(s.receivedAt)}>
                  #{s.sequence}
                </span>
                <MessageLinks message={messages.get(s.id)} label={`the support #${s.sequence}`} />
              </div>
            </li>
          ))}
        </ul>
      )}
      {list.length > MESSAGES_SHOWN && (
        <p className="muted small">
          The first {MESSAGES_SHOWN} of {list.length} are shown; GET /api/proposals/{p.id}/supports has them all.
        </p>
      )}
    </section>
  );
}
