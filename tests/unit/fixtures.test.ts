// The chain's data copied into tests/fixtures/iotex/ is what its README says it is: each file has the
// recorded SHA-256, and equals its source in the shared folder when that folder is beside the clone.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { FIXTURES_DIR } from '../support/fixtures.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHARED_DIR = process.env.SHARED_DIR ?? path.resolve(REPO_ROOT, '..', 'shared');

/** Rows of the README's table: file, source path (relative to ../shared), SHA-256. */
function recorded(): { file: string; source: string; sha256: string }[] {
  const readme = readFileSync(path.join(FIXTURES_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(/^\| `([^`]+)` \| `\.\.\/shared\/([^`]+)` \|.*\| `([0-9a-f]{64})` \|$/gm)].map(
    ([, file, source, sha256]) => ({ file: file!, source: source!, sha256: sha256! }),
  );
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('chain data copied into tests/fixtures/iotex', () => {
  const rows = recorded();

  it('lists every JSON file in the folder', () => {
    expect(rows.map((r) => r.file).sort()).toEqual(['iotex-staking.json', 'iotex-vote-weight.json']);
  });

  it.each(rows)('$file has the SHA-256 its README records', ({ file, sha256: expected }) => {
    expect(sha256(path.join(FIXTURES_DIR, file))).toBe(expected);
  });

  it.each(rows)('$file equals ../shared/$source byte for byte, when the shared folder is there', ({ file, source }) => {
    const original = path.join(SHARED_DIR, source);
    // A fresh clone has nothing beside it: then the recorded hash above is the check.
    if (!existsSync(original)) return;
    expect(sha256(path.join(FIXTURES_DIR, file))).toBe(sha256(original));
  });
});
