/**
 * An ethers error in a line: its short message and the node's own, without the payload (which may
 * hold a whole transaction or bytecode). ethers says only "could not coalesce error" for many a node
 * refusal; the node's message (e.g. "insufficient funds") is what tells the operator what to do.
 */
export function describeChainError(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string; error?: { message?: string } };
  const short = e.shortMessage ?? e.message ?? String(error);
  return e.error?.message && !short.includes(e.error.message) ? `${short}: ${e.error.message}` : short;
}
