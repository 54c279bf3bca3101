// Wei is stored as decimal text (see prisma/schema.prisma) and is a bigint everywhere else.

export function weiToText(value: bigint): string {
  if (value < 0n) throw new RangeError(`wei must not be negative, got ${value}`);
  return value.toString();
}

export function weiFromText(text: string): bigint {
  if (!/^(0|[1-9]\d*)$/.test(text)) throw new RangeError(`not a wei amount: "${text}"`);
  return BigInt(text);
}
