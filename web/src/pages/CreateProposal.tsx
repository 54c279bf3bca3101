import { useEffect, useRef, useState } from 'react';
import { PROTOCOL_CHOICES } from '../../../server/messages/types.js';
import {
  buildAction,
  emptyAction,
  MAX_ACTIONS,
  parseSignature,
  readAction,
  type ActionDraft,
  type BuiltAction,
} from '../actions.js';
import { isAddress, parseAddress, toIoAddress } from '../address.js';
import { api, ApiError, type Action, type Power } from '../api.js';
import { Address } from '../components/Address.js';
import { SubmissionStatus } from '../components/Submission.js';
import { Notice, Spinner } from '../components/ui.js';
import { WalletNotice } from '../components/Wallet.js';
import { useApp, type Submission } from '../context.js';
import { bpsText, formatDuration, formatIotx } from '../format.js';
import { nowSeconds, useAsync } from '../hooks.js';
import { renderMarkdown } from '../markdown.js';
import { keepSubmission } from '../recent.js';
import { navigate } from '../router.js';
import { messageId, typedData, type Message, type TypedData } from '../typed-data.js';

// Limits of the protocol (server/messages/schema.ts LIMITS): checked here to help, decided by the server.
const LIMITS = { title: 200, body: 20_000, discussion: 500 };

type Kind = 'policy' | 'technical';

interface Review {
  data: TypedData;
  id: string;
  power: Power;
  actions: Action[];
  /** Per action: how its gas floor was set, when the service suggested it. */
  gasNotes: (string | undefined)[];
}

/**
 * The actions with a gas floor each: the author's, or the service's suggestion (the gas the call used
 * with ample gas, made by the executor's measureGas after the earlier actions, plus a margin, checked
 * by making the call again with just that gas, and raised when it needs more than it uses:
 * server/execution/gas.ts). Every action is sent, even those with a floor typed, because they are
 * measured in order as execute runs them: an action can cost more after the earlier ones.
 */
async function withGasFloors(
  spaceId: string,
  actions: Action[],
): Promise<{ actions: Action[]; notes: (string | undefined)[] }> {
  const missing = actions.flatMap((a, i) => (a.gas === '' ? [i] : []));
  if (missing.length === 0) return { actions, notes: actions.map(() => undefined) };
  const suggestions = await api.actionGas(
    spaceId,
    actions.map((a) => ({ to: a.to, value: a.value, data: a.data })),
  );
  const filled = [...actions];
  const notes: (string | undefined)[] = actions.map(() => undefined);
  missing.forEach((i) => {
    const suggestion = suggestions[i]!;
    if (!suggestion.ok) {
      throw new ApiError(422, 'gas_unknown', `Action ${i + 1}: ${suggestion.error}; type its gas floor`);
    }
    filled[i] = { ...filled[i]!, gas: suggestion.gas };
    const used = Number(suggestion.gasUsed).toLocaleString('en-US');
    // The floor is the gas used plus a quarter (at least 10,000) unless the check at it raised it.
    const margin = BigInt(suggestion.gasUsed) / 4n > 10_000n ? BigInt(suggestion.gasUsed) / 4n : 10_000n;
    notes[i] =
      BigInt(suggestion.gas) === BigInt(suggestion.gasUsed) + margin
        ? `suggested: it used ${used} gas with ample gas, plus a quarter`
        : `suggested: it used ${used} gas with ample gas, but needs more to do the same: checked at this floor`;
  });
  return { actions: filled, notes };
}

export function CreateProposal() {
  const { spaces, wallet, ready, sign, service } = useApp();
  const account = wallet.account;
  const [spaceId, setSpaceId] = useState('');
  const space = spaces?.find((s) => s.id === spaceId) ?? spaces?.[0];
  const [kind, setKind] = useState<Kind>('policy');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [bodyTab, setBodyTab] = useState<'write' | 'preview'>('write');
  const [discussion, setDiscussion] = useState('');
  const [drafts, setDrafts] = useState<ActionDraft[]>(() => [emptyAction()]);
  const [problems, setProblems] = useState<string[]>([]);
  const [review, setReview] = useState<Review | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [reviewError, setReviewError] = useState<ApiError>();
  const [submission, setSubmission] = useState<Submission>({ phase: 'idle' });
  const problemsRef = useRef<HTMLDivElement>(null);
  const reviewRef = useRef<HTMLElement>(null);

  const power = useAsync(
    () => (ready && account && space ? api.power(space.id, account) : undefined),
    [ready, account, space?.id],
  );
  const built = drafts.map(buildAction);
  const threshold = space ? BigInt(space.proposalThreshold.wei) : 0n;
  const belowThreshold = power.data !== undefined && BigInt(power.data.total) < threshold;

  // Anything edited after a review makes that review stale.
  useEffect(() => setReview(null), [spaceId, kind, title, body, discussion, drafts, account]);
  useEffect(() => {
    if (problems.length > 0) problemsRef.current?.focus();
  }, [problems]);
  useEffect(() => {
    if (review) reviewRef.current?.focus();
  }, [review]);

  const validate = (): string[] => {
    const found: string[] = [];
    if (!space) found.push('Choose a space.');
    if (title.trim() === '') found.push('Give the proposal a title.');
    if (title.trim().length > LIMITS.title) found.push(`The title is limited to ${LIMITS.title} characters.`);
    if (body.length > LIMITS.body)
      found.push(`The description is limited to ${LIMITS.body.toLocaleString('en-US')} characters.`);
    const link = discussion.trim();
    if (link && !/^https?:\/\/\S+$/.test(link)) found.push('The discussion link must be an http(s) URL, or empty.');
    if (link.length > LIMITS.discussion)
      found.push(`The discussion link is limited to ${LIMITS.discussion} characters.`);
    if (kind === 'technical') {
      if (drafts.length === 0) found.push('A technical proposal needs at least one action.');
      built.forEach((b, i) => {
        if (!b.ok) found.push(`Action ${i + 1}: ${b.error}.`);
      });
    }
    return found;
  };

  const startReview = async () => {
    const found = validate();
    setProblems(found);
    setReviewError(undefined);
    if (found.length > 0 || !space || !account || !service) return;
    setReviewing(true);
    try {
      // The snapshot is the chain's head now; power is read there, as the service will.
      const head = await api.power(space.id, account);
      const { actions, notes } =
        kind === 'technical'
          ? await withGasFloors(
              space.id,
              built.flatMap((b) => (b.ok ? [b.action] : [])),
            )
          : { actions: [], notes: [] };
      const message: Message = {
        from: account,
        space: space.id,
        timestamp: nowSeconds(),
        kind,
        title: title.trim(),
        body,
        discussion: discussion.trim(),
        choices: [...PROTOCOL_CHOICES],
        snapshot: head.block,
        rules: space.rules.digest,
        actions: actions.map((a) => ({ ...a })),
      };
      const data = typedData(service.chainId, 'Proposal', message);
      setReview({ data, id: messageId(data), power: head, actions, gasNotes: notes });
    } catch (error) {
      setReviewError(error as ApiError);
    } finally {
      setReviewing(false);
    }
  };

  const signReview = () => {
    if (!review) return;
    void sign('Proposal', review.data.message, (next) => {
      setSubmission(next);
      if (next.phase === 'accepted') {
        keepSubmission(next.accepted.id, next);
        navigate(`/proposals/${next.accepted.id}`);
        window.scrollTo(0, 0);
      }
    });
  };

  const busy = submission.phase === 'signing' || submission.phase === 'sending';
  const reviewBelow = review ? BigInt(review.power.total) < threshold : false;

  return (
    <section aria-labelledby="new-title" className="create">
      <h1 id="new-title">New proposal</h1>
      <p className="muted">
        Your proposal is a message you sign with your wallet: no gas, no transaction. It goes to a vote once stakers
        support it with enough power.
      </p>
      <WalletNotice />
      {ready && space && (
        <div className="power-line">
          {power.data ? (
            <p className={belowThreshold ? 'error-text' : undefined} data-testid="proposer-power">
              Your power now: <strong>{formatIotx(power.data.total)} IOTX</strong> at block{' '}
              {power.data.block.toLocaleString('en-US')}. Proposing in {space.name} needs{' '}
              {formatIotx(space.proposalThreshold.wei)} IOTX{belowThreshold ? ': not enough to propose.' : ' ✓'}
            </p>
          ) : power.error ? (
            <p className="error-text">Could not read your voting power: {power.error.message}</p>
          ) : (
            <Spinner label="Reading your voting power…" />
          )}
        </div>
      )}

      <form
        className="card form"
        onSubmit={(event) => {
          event.preventDefault();
          void startReview();
        }}
        noValidate
      >
        {spaces && spaces.length > 1 && (
          <label className="field">
            <span>Space</span>
            <select value={space?.id ?? ''} onChange={(e) => setSpaceId(e.target.value)}>
              {spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {space && (
          <p className="small muted">
            In {space.name}: support of {bpsText(space.supportThresholdBps)} of the weighted total within{' '}
            {formatDuration(space.supportPeriodSeconds)} starts a vote {formatDuration(space.votingDelaySeconds)} later,
            lasting {formatDuration(space.votingPeriodSeconds)}; it passes with a turnout of {bpsText(space.quorumBps)}{' '}
            and For above {bpsText(space.passThresholdBps)} of{' '}
            {space.majorityOf === 'all-votes' ? 'all votes cast' : 'For + Against'}.
          </p>
        )}

        <fieldset>
          <legend>Kind</legend>
          <div className="kind-options">
            <label className={`kind-option${kind === 'policy' ? ' selected' : ''}`}>
              <input type="radio" name="kind" checked={kind === 'policy'} onChange={() => setKind('policy')} />
              <span>
                <strong>Policy</strong>
                <span className="small muted">A decision for the community and the foundation to act on.</span>
              </span>
            </label>
            <label className={`kind-option${kind === 'technical' ? ' selected' : ''}`}>
              <input type="radio" name="kind" checked={kind === 'technical'} onChange={() => setKind('technical')} />
              <span>
                <strong>Technical</strong>
                <span className="small muted">Carries on-chain actions the executor runs if it passes.</span>
              </span>
            </label>
          </div>
        </fieldset>

        <label className="field">
          <span>Title</span>
          <input value={title} maxLength={LIMITS.title} onChange={(e) => setTitle(e.target.value)} required />
          <span className="hint">
            {title.trim().length}/{LIMITS.title}
          </span>
        </label>

        <div className="field">
          <div className="tabs" role="tablist" aria-label="Description">
            <span id="body-label" className="field-label">
              Description (Markdown)
            </span>
            <button
              type="button"
              role="tab"
              aria-selected={bodyTab === 'write'}
              className="tab"
              onClick={() => setBodyTab('write')}
            >
              Write
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={bodyTab === 'preview'}
              className="tab"
              onClick={() => setBodyTab('preview')}
            >
              Preview
            </button>
          </div>
          {bodyTab === 'write' ? (
            <textarea
              aria-labelledby="body-label"
              value={body}
              rows={10}
              maxLength={LIMITS.body}
              onChange={(e) => setBody(e.target.value)}
              placeholder={'## Summary\nWhat should change, and why.'}
            />
          ) : (
            <div
              className="markdown preview-box"
              role="tabpanel"
              dangerouslySetInnerHTML={{ __html: body.trim() ? renderMarkdown(body) : '<p>Nothing to preview.</p>' }}
            />
          )}
          <span className="hint">
            {body.length.toLocaleString('en-US')}/{LIMITS.body.toLocaleString('en-US')} · raw HTML is shown as text;
            images are shown as links
          </span>
        </div>

        <label className="field">
          <span>Discussion link (optional)</span>
          <input
            type="url"
            value={discussion}
            placeholder="https://community.iotex.io/t/…"
            onChange={(e) => setDiscussion(e.target.value)}
          />
        </label>

        {kind === 'technical' && <ActionBuilder drafts={drafts} built={built} onChange={setDrafts} />}

        {problems.length > 0 && (
          <div className="notice notice-error" role="alert" tabIndex={-1} ref={problemsRef}>
            <strong className="notice-title">Before you sign</strong>
            <ul>
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        )}
        {reviewError && (
          <Notice tone="error" title="Could not prepare the proposal">
            <p>
              {reviewError.message} {reviewError.code && <code>{reviewError.code}</code>}
            </p>
          </Notice>
        )}
        <div className="actions-row">
          <button type="submit" className="button" disabled={!ready || reviewing || busy}>
            {reviewing ? 'Preparing…' : 'Review what you will sign'}
          </button>
          {!ready && <span className="small muted">Connect your wallet on the right network to continue.</span>}
        </div>
      </form>

      {review && (
        <section className="card review" aria-labelledby="review-title" tabIndex={-1} ref={reviewRef}>
          <h2 id="review-title">Review and sign</h2>
          <p>
            You sign a <strong>{kind}</strong> proposal in <strong>{space?.name}</strong> as{' '}
            <Address address={String(review.data.message.from)} />, with power read at block{' '}
            <strong>{review.power.block.toLocaleString('en-US')}</strong> (the snapshot).
          </p>
          {reviewBelow && (
            <Notice tone="warning" title="Not enough voting power to propose">
              <p>
                You have {formatIotx(review.power.total)} IOTX at block {review.power.block.toLocaleString('en-US')};
                proposing needs {formatIotx(threshold)} IOTX. Stake more, or ask someone with enough stake to propose.
              </p>
            </Notice>
          )}
          {review.actions.length > 0 && (
            <>
              <h3>Actions</h3>
              <ol className="action-list">
                {review.actions.map((action, i) => {
                  const a = readAction(action);
                  return (
                    <li key={i} className="action small">
                      {a.call ? (
                        <code>{a.call.signature}</code>
                      ) : a.data === '0x' ? (
                        'Transfer'
                      ) : (
                        <code>{a.selector}</code>
                      )}{' '}
                      on <Address address={a.to.address} /> with {formatIotx(a.value, 6)} IOTX, at least{' '}
                      <span data-testid={`review-gas-${i + 1}`}>{Number(action.gas).toLocaleString('en-US')}</span> gas
                      {review.gasNotes[i] && <span className="muted"> ({review.gasNotes[i]})</span>}
                      {a.call && a.call.args.length > 0 && (
                        <ul className="plain">
                          {a.call.args.map((arg) => (
                            <li key={arg.name}>
                              {arg.name}: <span className="break">{arg.value}</span>
                            </li>
                          ))}
                        </ul>
                      )}
                    </li>
                  );
                })}
              </ol>
            </>
          )}
          <h3>Exactly what your wallet will sign</h3>
          <p className="small muted">
            EIP-712 typed data for <code>eth_signTypedData_v4</code>. Its digest, which becomes the proposal&apos;s id:{' '}
            <code className="break" data-testid="review-id">
              {review.id}
            </code>
          </p>
          <pre className="typed-data" data-testid="typed-data" tabIndex={0} aria-label="Typed data to sign">
            {JSON.stringify(review.data, null, 2)}
          </pre>
          <div className="actions-row">
            <button type="button" className="button" onClick={signReview} disabled={busy || reviewBelow || !ready}>
              Sign and submit
            </button>
            <button type="button" className="button button-secondary" onClick={() => setReview(null)} disabled={busy}>
              Edit
            </button>
          </div>
          <SubmissionStatus submission={submission} />
        </section>
      )}
      {!review && submission.phase !== 'idle' && <SubmissionStatus submission={submission} />}
    </section>
  );
}

function ActionBuilder({
  drafts,
  built,
  onChange,
}: {
  drafts: ActionDraft[];
  built: BuiltAction[];
  onChange: (drafts: ActionDraft[]) => void;
}) {
  const update = (key: number, change: Partial<ActionDraft>) =>
    onChange(drafts.map((d) => (d.key === key ? { ...d, ...change } : d)));
  return (
    <fieldset className="action-builder">
      <legend>Actions</legend>
      <p className="small muted">
        Each action is a call the executor makes if the proposal passes, in this order: a target, an amount of IOTX to
        send, and a function with its arguments (leave the function empty to only send IOTX).
      </p>
      {drafts.map((draft, i) => {
        const result = built[i];
        let inputs: { name: string; type: string }[] = [];
        let signatureError = false;
        if (draft.mode === 'call' && draft.signature.trim()) {
          try {
            inputs = parseSignature(draft.signature).inputs.map((p) => ({ name: p.name, type: p.format() }));
          } catch {
            signatureError = true;
          }
        }
        return (
          <fieldset key={draft.key} className="action-draft">
            <legend>Action {i + 1}</legend>
            <div className="grid-2">
              <label className="field">
                <span>Target (0x… or io1…)</span>
                <input
                  value={draft.target}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(e) => update(draft.key, { target: e.target.value })}
                  aria-invalid={draft.target !== '' && !isAddress(draft.target.trim())}
                />
                {isAddress(draft.target.trim()) && (
                  <span className="hint break">
                    {draft.target.trim().toLowerCase().startsWith('io1')
                      ? parseAddress(draft.target.trim())
                      : toIoAddress(draft.target.trim())}
                  </span>
                )}
              </label>
              <label className="field">
                <span>Value (IOTX)</span>
                <input
                  value={draft.value}
                  inputMode="decimal"
                  onChange={(e) => update(draft.key, { value: e.target.value })}
                />
              </label>
            </div>
            <label className="field">
              <span>Gas floor (optional)</span>
              <input
                value={draft.gas}
                inputMode="numeric"
                placeholder="suggested at review"
                onChange={(e) => update(draft.key, { gas: e.target.value })}
              />
              <span className="hint">
                The least gas the call must receive when executed. Empty: the service runs the call from the executor
                after the earlier actions, as execution will, with ample gas and suggests what it used plus a quarter,
                checked by running it again with just that (more when it needs more than it uses).
              </span>
            </label>
            <div className="segmented" role="radiogroup" aria-label={`Action ${i + 1} data`}>
              <label>
                <input
                  type="radio"
                  name={`mode-${draft.key}`}
                  checked={draft.mode === 'call'}
                  onChange={() => update(draft.key, { mode: 'call' })}
                />
                Function call
              </label>
              <label>
                <input
                  type="radio"
                  name={`mode-${draft.key}`}
                  checked={draft.mode === 'raw'}
                  onChange={() => update(draft.key, { mode: 'raw' })}
                />
                Raw calldata
              </label>
            </div>
            {draft.mode === 'call' ? (
              <>
                <label className="field">
                  <span>Function signature</span>
                  <input
                    value={draft.signature}
                    spellCheck={false}
                    autoComplete="off"
                    placeholder="transfer(address,uint256)"
                    aria-invalid={signatureError}
                    onChange={(e) => update(draft.key, { signature: e.target.value })}
                  />
                </label>
                {inputs.map((input, n) => (
                  <label className="field" key={`${n}-${input.type}`}>
                    <span>
                      {input.name || `Argument ${n + 1}`} <span className="muted">({input.type})</span>
                    </span>
                    <input
                      value={draft.args[n] ?? ''}
                      spellCheck={false}
                      autoComplete="off"
                      placeholder={placeholderFor(input.type)}
                      onChange={(e) => {
                        const args = [...draft.args];
                        args[n] = e.target.value;
                        update(draft.key, { args });
                      }}
                    />
                  </label>
                ))}
              </>
            ) : (
              <label className="field">
                <span>Calldata (0x hex)</span>
                <textarea
                  value={draft.calldata}
                  rows={3}
                  spellCheck={false}
                  onChange={(e) => update(draft.key, { calldata: e.target.value })}
                />
              </label>
            )}
            <div className="action-result" aria-live="polite">
              {result?.ok ? (
                <span className="small">
                  Calldata{' '}
                  <code className="break" data-testid={`calldata-${i + 1}`}>
                    {result.action.data}
                  </code>
                </span>
              ) : draft.target || draft.signature ? (
                <span className="small error-text">{result?.error}</span>
              ) : null}
            </div>
            <button
              type="button"
              className="button-link small danger"
              onClick={() => onChange(drafts.filter((d) => d.key !== draft.key))}
            >
              Remove action {i + 1}
            </button>
          </fieldset>
        );
      })}
      {drafts.length < MAX_ACTIONS && (
        <button type="button" className="button button-secondary" onClick={() => onChange([...drafts, emptyAction()])}>
          Add an action
        </button>
      )}
    </fieldset>
  );
}

function placeholderFor(type: string): string {
  if (type === 'address') return '0x… or io1…';
  if (type === 'bool') return 'true or false';
  if (/^u?int/.test(type) && !type.endsWith(']')) return 'a whole number, e.g. 1000000000000000000';
  if (type.endsWith(']') || type.startsWith('(')) return 'JSON, e.g. ["0x…", "0x…"]';
  if (type.startsWith('bytes')) return '0x…';
  return '';
}
