// Formatting of wei, shares and times. Wei stays bigint throughout: no amount passes through a JS number.

const WEI_PER_IOTX = 10n ** 18n;

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** wei (decimal text or bigint) as IOTX with thousands separators and at most `decimals` decimals. */
export function formatIotx(wei: string | bigint, decimals = 2): string {
  const value = typeof wei === 'bigint' ? wei : BigInt(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(18 - decimals);
  // Round half up at the shown precision.
  const rounded = (abs + scale / 2n) / scale;
  const unit = 10n ** BigInt(decimals);
  const whole = rounded / unit;
  let fraction = decimals > 0 ? (rounded % unit).toString().padStart(decimals, '0').replace(/0+$/, '') : '';
  if (abs > 0n && rounded === 0n) return `${negative ? '-' : ''}<0.${'0'.repeat(Math.max(decimals - 1, 0))}1`;
  fraction = fraction ? `.${fraction}` : '';
  return `${negative ? '-' : ''}${groupThousands(whole.toString())}${fraction}`;
}

/** An IOTX amount typed by a person ("1.5", "1,000") as wei; throws with a readable message. */
export function parseIotx(text: string): bigint {
  const clean = text.trim().replace(/[,_\s]/g, '');
  if (clean === '') return 0n;
  const match = /^(\d+)(?:\.(\d{0,18}))?$/.exec(clean);
  if (!match) throw new Error('must be an amount of IOTX such as 1 or 0.5 (at most 18 decimals)');
  return BigInt(match[1]!) * WEI_PER_IOTX + BigInt((match[2] ?? '').padEnd(18, '0'));
}

/** part / total as a percentage with two decimals, computed exactly ("12.34%"). */
export function percent(part: string | bigint, total: string | bigint): string {
  const p = BigInt(part);
  const t = BigInt(total);
  if (t === 0n) return '0%';
  const bps100 = (p * 1_000_000n) / t; // hundredths of a basis point
  const hundredths = (bps100 + 50n) / 100n; // hundredths of a percent, rounded
  return `${(hundredths / 100n).toString()}.${(hundredths % 100n).toString().padStart(2, '0')}%`;
}

/** The share of part in total, 0..1, for drawing bars only (never for deciding anything). */
export function fraction(part: string | bigint, total: string | bigint): number {
  const t = BigInt(total);
  if (t === 0n) return 0;
  const scaled = (BigInt(part) * 10_000n) / t;
  return Math.min(Number(scaled) / 10_000, 1);
}

export function bpsText(bps: number): string {
  return `${(bps / 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
}

/** A duration in seconds as "2 d 3 h", "9 min 12 s". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const days = Math.floor(s / 86_400);
  const hours = Math.floor((s % 86_400) / 3_600);
  const minutes = Math.floor((s % 3_600) / 60);
  const rest = s % 60;
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return rest > 0 && minutes < 10 ? `${minutes} min ${rest} s` : `${minutes} min`;
  return `${rest} s`;
}

/** "in 9 min" or "12 min ago", relative to `now` (unix seconds). */
export function relativeTime(time: number, now: number): string {
  if (time === now) return 'now';
  return time > now ? `in ${formatDuration(time - now)}` : `${formatDuration(now - time)} ago`;
}

/** A unix time as local date and time. */
export function dateTime(time: number): string {
  return new Date(time * 1000).toLocaleString('en-GB', {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

export function isoTime(time: number): string {
  return new Date(time * 1000).toISOString();
}
