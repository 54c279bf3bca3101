// Generates one Prisma client per database kind from prisma/schema.prisma (run at npm install).
// `prisma generate` needs no schema engine, but the CLI looks for one and would download it; any
// existing executable satisfies the check.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
const workDir = path.join(root, 'server/db/generated/.schemas');
mkdirSync(workDir, { recursive: true });

for (const kind of ['sqlite', 'postgresql'] as const) {
  const schema = source
    .replace(/provider\s*=\s*"sqlite"/, `provider = "${kind}"`)
    .replace('"../server/db/generated/sqlite"', `"../${kind}"`);
  const schemaPath = path.join(workDir, `${kind}.prisma`);
  writeFileSync(schemaPath, schema);
  rmSync(path.join(root, 'server/db/generated', kind), { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', '--schema', schemaPath],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    },
  );
  console.log(`prisma: generated the ${kind} client`);
}
