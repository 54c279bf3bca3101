import type { Submission } from './context.js';

// A submission accepted on one page and shown on the next (a new proposal's receipt on its page).
const recent = new Map<string, Submission>();

export function keepSubmission(id: string, submission: Submission) {
  recent.set(id, submission);
}

export function takeSubmission(id: string): Submission | undefined {
  const found = recent.get(id);
  recent.delete(id);
  return found;
}
