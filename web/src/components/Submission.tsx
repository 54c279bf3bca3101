import { useApp, type Submission } from '../context.js';
import { ApiError, ipfsPath, type Accepted } from '../api.js';
import { dateTime } from '../format.js';
import { receiptSignedBy } from '../typed-data.js';
import { sameAddress } from '../address.js';
import { downloadJson, Notice, Spinner } from './ui.js';

const WHAT: Record<string, string> = {
  Proposal: 'Your proposal',
  Support: 'Your support',
  Vote: 'Your vote',
  CancelProposal: 'Your cancellation',
  MarkActioned: 'Your mark',
};

/** The state of one submission: waiting for the wallet, sending, refused, or accepted with its receipt. */
export function SubmissionStatus({ submission }: { submission: Submission }) {
  switch (submission.phase) {
    case 'idle':
      return null;
    case 'signing':
      return (
        <div className="submission" aria-live="polite">
          <Spinner label="Waiting for your signature in the wallet…" />
        </div>
      );
    case 'sending':
      return (
        <div className="submission" aria-live="polite">
          <Spinner label="Sending the signed message…" />
        </div>
      );
    case 'rejected':
      return (
        <Notice tone="warning" title="Signature rejected" live>
          <p>You declined the signature request in your wallet. Nothing was signed or sent.</p>
        </Notice>
      );
    case 'failed': {
      const { error } = submission;
      const isApi = error instanceof ApiError;
      return (
        <Notice tone="error" title={isApi ? 'The service refused the message' : 'The wallet could not sign'}>
          <p>{error.message}</p>
          {isApi && (
            <p className="muted small">
              code <code>{error.code}</code>
              {error.field ? (
                <>
                  {' '}
                  · field <code>{error.field}</code>
                </>
              ) : null}
            </p>
          )}
        </Notice>
      );
    }
    case 'accepted':
      return <ReceiptPanel accepted={submission.accepted} what={WHAT[submission.primaryType] ?? 'Your message'} />;
  }
}

/** An accepted message's receipt: where it stands in the log, checked against the service's key, downloadable. */
export function ReceiptPanel({ accepted, what }: { accepted: Accepted; what: string }) {
  const { service } = useApp();
  const { receipt } = accepted;
  const signer = service ? receiptSignedBy(receipt, service.chainId) : undefined;
  const verified = Boolean(service && signer && sameAddress(signer, service.receipt.signer));
  return (
    <div className="notice notice-success receipt" role="status">
      <strong className="notice-title">
        {what} {accepted.duplicate ? 'was already accepted' : 'was accepted'}
      </strong>
      <dl className="facts facts-stacked">
        <dt>Log position</dt>
        <dd>
          #{receipt.sequence} · {dateTime(receipt.received)}
        </dd>
        <dt>Message</dt>
        <dd>
          <a href={ipfsPath(receipt.cid)} target="_blank" rel="noopener">
            IPFS {receipt.cid.slice(0, 14)}…
          </a>
        </dd>
        <dt>Receipt</dt>
        <dd>{verified ? 'signed by the service’s published key ✓' : 'signature not verified'}</dd>
      </dl>
      <button
        type="button"
        className="button button-secondary"
        onClick={() => downloadJson(receipt, `receipt-${receipt.id.slice(2, 10)}-${receipt.sequence}.json`)}
      >
        Download receipt
      </button>
    </div>
  );
}
