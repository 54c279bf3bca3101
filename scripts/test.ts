// npm test: the typecheck, the linter, the format check and every jest suite. Suites that need a
// PostgreSQL server or Chromium are skipped where those are missing, and each skip is printed here
// with its reason; with REQUIRE_ALL_SUITES=1 (as in .ci/run) any skip fails the run.
// `npm test -- <jest args>` runs only jest, with those arguments (e.g. a test path).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const bin = (name: string) => path.resolve('node_modules', '.bin', name);
const jestArgs = process.argv.slice(2);

function step(title: string, command: string, args: string[], env: NodeJS.ProcessEnv = process.env): number {
  console.log(`\n▶ ${title}`);
  const { status, error } = spawnSync(command, args, { stdio: 'inherit', env });
  if (error) console.error(error.message);
  return status ?? 1;
}

if (jestArgs.length === 0) {
  if (step('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit']) !== 0) process.exit(1);
  // The web app has its own settings (DOM, JSX, bundler resolution): web/tsconfig.json.
  if (step('typecheck web/ (tsc --noEmit -p web)', bin('tsc'), ['--noEmit', '-p', 'web']) !== 0) process.exit(1);
  if (step('lint (eslint)', bin('eslint'), ['.']) !== 0) process.exit(1);
  if (step('format (prettier --check)', bin('prettier'), ['--check', '--log-level', 'warn', '.']) !== 0)
    process.exit(1);
}

const reportDir = mkdtempSync(path.join(tmpdir(), 'gov-test-report-'));
const resultsFile = path.join(reportDir, 'results.json');
const jestStatus = step(
  'tests (jest)',
  process.execPath,
  [
    '--experimental-vm-modules',
    path.resolve('node_modules/jest/bin/jest.js'),
    '--json',
    `--outputFile=${resultsFile}`,
    ...jestArgs,
  ],
  { ...process.env, SKIP_REPORT_DIR: reportDir, NODE_NO_WARNINGS: '1' },
);

const skipFile = path.join(reportDir, 'skipped.txt');
const skipped = existsSync(skipFile) ? readFileSync(skipFile, 'utf8').trim().split('\n').filter(Boolean) : [];
const results = existsSync(resultsFile)
  ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    })
  : undefined;
rmSync(reportDir, { recursive: true, force: true });

if (skipped.length > 0) {
  console.log(`\nSkipped suites (${skipped.length}):`);
  for (const line of [...new Set(skipped)]) console.log(`  - ${line}`);
}
const requireAll = process.env.REQUIRE_ALL_SUITES === '1';
if (requireAll && (skipped.length > 0 || (results?.numPendingTests ?? 0) > 0)) {
  console.log('\nREQUIRE_ALL_SUITES=1: a skipped suite or test fails the run.');
}
if (results) {
  console.log(
    `\ntests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests + results.numTodoTests} skipped`,
  );
}
const failed = jestStatus !== 0 || !results || (requireAll && (skipped.length > 0 || results.numPendingTests > 0));
process.exit(failed ? 1 : 0);
