import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, PROPOSAL_STATES, type ProposalSummary } from '../api.js';
import { Address } from '../components/Address.js';
import { KindTag, Notice, Progress, Spinner, StateBadge, When } from '../components/ui.js';
import { useApp } from '../context.js';
import { formatIotx, fraction, percent } from '../format.js';
import { Link, navigate, useLocation } from '../router.js';

const PAGE_SIZE = 20;

/** All proposals, newest first: by state and space, searched by title, author or id. */
export function ProposalList() {
  const { spaces } = useApp();
  const { search } = useLocation();
  const state = search.get('state') ?? '';
  const space = search.get('space') ?? '';
  const [query, setQuery] = useState(search.get('q') ?? '');
  const [items, setItems] = useState<ProposalSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError>();

  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    const text = next.toString();
    navigate(text ? `/?${text}` : '/', { replace: true });
  };

  const load = (after: string | null) => {
    setLoading(true);
    setError(undefined);
    api
      .proposals({ state, space, cursor: after ?? undefined, limit: PAGE_SIZE })
      .then(
        (page) => {
          setItems((previous) => (after ? [...previous, ...page.proposals] : page.proposals));
          setCursor(page.nextCursor);
        },
        (e: unknown) => setError(e as ApiError),
      )
      .finally(() => setLoading(false));
  };
  // A new filter (load reads state and space) starts from the first page.
  useEffect(() => load(null), [state, space]);

  const shown = useMemo(() => {
    const words = query.trim().toLowerCase();
    if (!words) return items;
    return items.filter((p) =>
      [p.title, p.id, p.author.address, p.author.ioAddress].some((field) => field.toLowerCase().includes(words)),
    );
  }, [items, query]);

  return (
    <section aria-labelledby="list-title">
      <div className="page-head">
        <div>
          <h1 id="list-title">Proposals</h1>
          <p className="muted">
            Signed by stakers, weighted by stake at each proposal&apos;s snapshot block, every message on IPFS.
          </p>
        </div>
        <Link to="/new" className="button">
          New proposal
        </Link>
      </div>

      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="field">
          <span>Search</span>
          <input
            type="search"
            value={query}
            placeholder="Title, author (io1… or 0x…) or id"
            onChange={(e) => setQuery(e.target.value)}
          />
        </label>
        <label className="field">
          <span>State</span>
          <select value={state} onChange={(e) => setFilter('state', e.target.value)}>
            <option value="">All states</option>
            {PROPOSAL_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {spaces && spaces.length > 1 && (
          <label className="field">
            <span>Space</span>
            <select value={space} onChange={(e) => setFilter('space', e.target.value)}>
              <option value="">All spaces</option>
              {spaces.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>

      {error && (
        <Notice tone="error" title="Could not load proposals">
          <p>
            {error.message} <code>{error.code}</code>
          </p>
        </Notice>
      )}

      {query && items.length > 0 && (
        <p className="muted small" aria-live="polite">
          {shown.length} of the {items.length} proposals loaded match “{query}”
          {cursor ? ' (load more to search further)' : ''}.
        </p>
      )}

      <ul className="proposal-list" aria-busy={loading}>
        {shown.map((p) => (
          <ProposalCard key={p.id} proposal={p} spaceName={spaces?.find((s) => s.id === p.space)?.name ?? p.space} />
        ))}
      </ul>

      {loading && <Spinner label="Loading proposals…" />}
      {!loading && !error && items.length === 0 && (
        <div className="empty">
          <p>{state || space ? 'No proposals match these filters.' : 'No proposals yet.'}</p>
          <Link to="/new" className="button button-secondary">
            Create the first one
          </Link>
        </div>
      )}
      {!loading && cursor && (
        <button type="button" className="button button-secondary load-more" onClick={() => load(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}

function ProposalCard({ proposal: p, spaceName }: { proposal: ProposalSummary; spaceName: string }) {
  return (
    <li className="card proposal-card">
      <div className="proposal-card-head">
        <StateBadge state={p.state} />
        <KindTag kind={p.kind} />
        <span className="muted small">
          {spaceName} · <When time={p.createdAt} prefix="created" />
        </span>
      </div>
      <h2 className="proposal-card-title">
        <Link to={`/proposals/${p.id}`}>{p.title}</Link>
      </h2>
      <p className="muted small">
        by <Address address={p.author.address} />
      </p>
      <CardStatus proposal={p} />
    </li>
  );
}

function CardStatus({ proposal: p }: { proposal: ProposalSummary }) {
  if (p.state === 'Pending') {
    return (
      <div className="card-status">
        <Progress
          value={fraction(p.supportPower, p.supportThreshold)}
          label={`Support ${percent(p.supportPower, p.supportThreshold)} of the threshold`}
        />
        <span className="small">
          Support {formatIotx(p.supportPower, 0)} of {formatIotx(p.supportThreshold, 0)} IOTX ·{' '}
          <When time={p.supportWindow.end} prefix="ends" />
        </span>
      </div>
    );
  }
  if (p.state === 'Supported' && p.votingWindow) {
    return (
      <p className="small card-status">
        Reached the support threshold · voting <When time={p.votingWindow.start} prefix="opens" />
      </p>
    );
  }
  if (p.tally) {
    const total = BigInt(p.tally.for) + BigInt(p.tally.against) + BigInt(p.tally.abstain);
    return (
      <div className="card-status">
        <div
          className="tally-strip"
          role="img"
          aria-label={`For ${percent(p.tally.for, total)}, Against ${percent(p.tally.against, total)}, Abstain ${percent(p.tally.abstain, total)}`}
        >
          <span className="tone-for" style={{ flexGrow: fraction(p.tally.for, total) }} />
          <span className="tone-against" style={{ flexGrow: fraction(p.tally.against, total) }} />
          <span className="tone-abstain" style={{ flexGrow: fraction(p.tally.abstain, total) }} />
        </div>
        <span className="small">
          For {percent(p.tally.for, total)} · Against {percent(p.tally.against, total)} · turnout{' '}
          {percent(p.tally.turnout, p.totalPower)}
          {p.state === 'Voting' && p.votingWindow ? (
            <>
              {' '}
              · <When time={p.votingWindow.end} prefix="ends" />
            </>
          ) : null}
        </span>
      </div>
    );
  }
  return null;
}
