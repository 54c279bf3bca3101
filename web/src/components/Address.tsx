import { shorten, toIoAddress } from '../address.js';

/**
 * An address in both forms: io1… (IoTeX wallets) first, 0x… (EVM wallets) beside it. `compact` shows
 * the io1 form only, with both in its tooltip, where space is short.
 */
export function Address({
  address,
  full = false,
  compact = false,
  label,
}: {
  address: string;
  full?: boolean;
  compact?: boolean;
  label?: string;
}) {
  let io: string;
  try {
    io = toIoAddress(address);
  } catch {
    return <span className="address">{address}</span>;
  }
  return (
    <span
      className="address"
      title={`${io}\n${address}`}
      aria-label={label ? `${label}: ${io}, ${address}` : undefined}
    >
      <span className="address-io">{full ? io : shorten(io, 7, 5)}</span>
      {!compact && (
        <>
          {' '}
          <span className="address-evm">{full ? address : shorten(address, 6, 4)}</span>
        </>
      )}
    </span>
  );
}
