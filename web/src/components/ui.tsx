import { useState, type ReactNode } from 'react';
import type { ProposalState } from '../api.js';
import { dateTime, relativeTime } from '../format.js';
import { useNow } from '../hooks.js';

export function StateBadge({ state }: { state: ProposalState }) {
  return <span className={`badge state-${state.toLowerCase()}`}>{state}</span>;
}

export function KindTag({ kind }: { kind: 'policy' | 'technical' }) {
  return <span className="tag">{kind === 'technical' ? 'Technical' : 'Policy'}</span>;
}

/** A bar with an optional marker (a threshold) and a text label that says the same thing. */
export function Progress({
  value,
  marker,
  label,
  tone = 'primary',
}: {
  value: number;
  marker?: number;
  label: string;
  tone?: 'primary' | 'for' | 'against' | 'abstain' | 'muted';
}) {
  const percent = Math.round(Math.min(Math.max(value, 0), 1) * 1000) / 10;
  return (
    <div className="progress" role="img" aria-label={label}>
      <div className={`progress-fill tone-${tone}`} style={{ width: `${percent}%` }} />
      {marker !== undefined && (
        <div className="progress-marker" style={{ left: `${Math.min(Math.max(marker, 0), 1) * 100}%` }} />
      )}
    </div>
  );
}

/** A time in words relative to now, with the exact local time on hover and for screen readers. */
export function When({ time, prefix }: { time: number; prefix?: string }) {
  const now = useNow();
  return (
    <time dateTime={new Date(time * 1000).toISOString()} title={dateTime(time)}>
      {prefix ? `${prefix} ` : ''}
      {relativeTime(time, now)}
    </time>
  );
}

export function Notice({
  tone,
  title,
  children,
  live = false,
}: {
  tone: 'info' | 'warning' | 'error' | 'success';
  title: string;
  children?: ReactNode;
  live?: boolean;
}) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : live ? 'status' : undefined}>
      <strong className="notice-title">{title}</strong>
      {children && <div className="notice-body">{children}</div>}
    </div>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <span className="spinner-wrap" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </span>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(text).then(
      () => {
        setCopied(true);
        window.setTimeout(() => setCopied(false), 1500);
      },
      () => undefined,
    );
  };
  return (
    <button type="button" className="button-link small" onClick={copy} aria-label={`Copy ${label}`}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  );
}

/** Offers a JSON value as a file download. */
export function downloadJson(value: unknown, fileName: string) {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}
