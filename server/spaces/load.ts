import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { spaceSchema, type Space } from './schema.js';

export class SpaceConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid space settings:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'SpaceConfigError';
  }
}

/**
 * Loads every `<id>.json` in `dir`. All files are checked before failing, so one run lists every
 * problem, each with its file and field.
 */
export async function loadSpaces(dir: string, chainId: number): Promise<Map<string, Space>> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  } catch (error) {
    throw new SpaceConfigError([`${dir}: cannot read the spaces directory (${(error as Error).message})`]);
  }
  if (names.length === 0) throw new SpaceConfigError([`${dir}: no space settings (*.json) found`]);

  const problems: string[] = [];
  const spaces = new Map<string, Space>();
  for (const name of names) {
    const file = path.join(dir, name);
    const problem = (message: string) => problems.push(`${file}: ${message}`);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      problem(`not valid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = spaceSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
      continue;
    }
    const space = parsed.data;
    if (`${space.id}.json` !== name) problem(`id "${space.id}" must match the file name`);
    else if (space.chainId !== chainId) {
      problem(`chainId ${space.chainId} does not match the connected chain (${chainId})`);
    } else spaces.set(space.id, space);
  }
  if (problems.length > 0) throw new SpaceConfigError(problems);
  return spaces;
}
