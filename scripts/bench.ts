// npm run bench [-- name…]: runs each benchmark in scripts/bench/ (or the named ones) in turn; each
// prints its own figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const dir = path.resolve('scripts/bench');
const wanted = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((file) => file.endsWith('.ts'))
  .filter((file) => wanted.length === 0 || wanted.includes(file.replace(/\.ts$/, '')));
if (benches.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; have: ${readdirSync(dir).join(', ')}`);
  process.exit(1);
}
let failed = 0;
for (const file of benches) {
  console.log(`\n=== ${file.replace(/\.ts$/, '')}`);
  const { status } = spawnSync(process.execPath, ['--import', 'tsx', path.join(dir, file)], { stdio: 'inherit' });
  if (status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
