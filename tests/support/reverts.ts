/** The revert data carried by an ethers error (estimateGas / call / send), or undefined. */
export function revertData(err: unknown): string | undefined {
  let e = err as { data?: unknown; error?: unknown; info?: { error?: unknown } } | undefined;
  for (let depth = 0; e && depth < 5; depth++) {
    if (typeof e.data === 'string' && e.data.startsWith('0x')) return e.data;
    if (e.data && typeof e.data === 'object' && typeof (e.data as { data?: unknown }).data === 'string') {
      return (e.data as { data: string }).data;
    }
    e = (e.error ?? e.info?.error) as typeof e;
  }
  return undefined;
}
