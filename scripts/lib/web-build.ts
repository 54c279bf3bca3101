// The web app's static build (web/dist), made with Vite when it is missing or older than its sources.
// npm start calls ensureWebBuild before serving; the browser tests call it before driving the app.
//
// Vite builds into a fresh directory under node_modules/.cache, which then replaces web/dist in two
// renames: a server reading web/dist never sees half a build, and two builds at once (npm start and a
// test, say) each put a whole build in place.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const WEB_DIR = path.join(REPO_ROOT, 'web');
export const WEB_DIST_DIR = path.join(WEB_DIR, 'dist');
/** What the build reads besides web/ itself: the protocol's one type definition. */
const SHARED_SOURCES = [path.join(REPO_ROOT, 'server', 'messages', 'types.ts')];
const SKIPPED = new Set(['dist', 'node_modules']);

/** The newest modification time (ms) among the web app's sources. */
export function newestSourceTime(): number {
  let newest = 0;
  const visit = (file: string) => {
    const stats = statSync(file);
    if (stats.isDirectory()) {
      for (const entry of readdirSync(file)) if (!SKIPPED.has(entry)) visit(path.join(file, entry));
    } else newest = Math.max(newest, stats.mtimeMs);
  };
  visit(WEB_DIR);
  for (const file of SHARED_SOURCES) visit(file);
  return newest;
}

/** Why web/dist must be (re)built, or undefined when it is up to date. */
export function webBuildOutdated(): string | undefined {
  const index = path.join(WEB_DIST_DIR, 'index.html');
  if (!existsSync(index)) return 'web/dist is missing';
  return newestSourceTime() > statSync(index).mtimeMs ? 'web/dist is older than its sources' : undefined;
}

export interface WebBuildOptions {
  /** Progress lines (what is built and why, Vite's output, the time taken). */
  log?: (line: string) => void;
  /** Build even when web/dist is up to date. */
  force?: boolean;
}

/** Builds web/dist if it is missing or out of date; says whether it built. */
export async function ensureWebBuild(options: WebBuildOptions = {}): Promise<'built' | 'up to date'> {
  const log = options.log ?? (() => {});
  const reason = options.force ? 'rebuild requested' : webBuildOutdated();
  if (!reason) {
    log('web app: web/dist is up to date');
    return 'up to date';
  }
  log(`web app: building (${reason})…`);
  const started = Date.now();
  const cache = path.join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outDir = path.join(cache, `web-dist-${process.pid}-${started}`);
  try {
    await runVite(outDir, log);
    // The build started before any source it read could have changed after it: date it so.
    utimesSync(path.join(outDir, 'index.html'), started / 1000, started / 1000);
    const old = `${outDir}-old`;
    try {
      renameSync(WEB_DIST_DIR, old);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      renameSync(outDir, WEB_DIST_DIR);
    } catch (error) {
      // Another build put its web/dist in place between the two renames: it is as fresh as ours.
      if (!existsSync(path.join(WEB_DIST_DIR, 'index.html'))) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  log(`web app: built web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return 'built';
}

function runVite(outDir: string, log: (line: string) => void): Promise<void> {
  const vite = path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', WEB_DIR, '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let all = '';
    const collect = (chunk: Buffer) => {
      all += chunk.toString();
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) log(`  vite: ${line}`);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (output.trim()) log(`  vite: ${output}`);
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (${signal ?? `exit code ${code}`}):\n${all.trim().slice(-4000)}`));
    });
  });
}
