import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router, type RequestHandler } from 'express';
import type { Chain } from '../chain/provider.js';
import type { Space } from '../spaces/schema.js';

// The web app (web/, built to web/dist by `npm start`): its files, and index.html for every client
// route (the SPA fallback). /api/* and /ipfs/* are never answered here. The page also carries, for
// readers without JavaScript and for scripts, what is running and where the API is; until the app is
// built, that is all `/` shows.

export const WEB_DIST_DIR = path.resolve(fileURLToPath(new URL('.', import.meta.url)), '../../web/dist');

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** Everything the app loads comes from this server: no fonts, scripts or images from elsewhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const isServerPath = (urlPath: string) => /^\/(api|ipfs)(\/|$)/.test(urlPath);
/** Client routes have no file extension; a missing /assets/x.js is a 404, not the app. */
const isClientRoute = (urlPath: string) => !/\.[a-z0-9]+$/i.test(urlPath);

export function homePage(
  chain: Chain,
  spaces: Map<string, Space>,
  ipfsBackend: string,
  databaseKind: string,
  distDir: string = WEB_DIST_DIR,
): Router {
  const spaceItems = [...spaces.values()]
    .map(
      (space) => `<li><a href="/api/spaces/${space.id}">${escapeHtml(space.name)}</a> (<code>${space.id}</code>)</li>`,
    )
    .join('');
  const status = `<h1>IoTeX Governance service</h1>
<p>Gasless governance for IoTeX stakeholders: signed proposals, support and votes weighted by stake at a snapshot block, every message and result pinned to IPFS.</p>
<h2>Running</h2>
<ul>
<li>Chain: id <code>${chain.chainId}</code> at <code>${escapeHtml(chain.rpcUrl)}</code></li>
<li>Database: ${escapeHtml(databaseKind)}</li>
<li>IPFS: ${escapeHtml(ipfsBackend)} node</li>
</ul>
<h2>API</h2>
<ul>
<li><a href="/api/health">GET /api/health</a>: database, chain and IPFS checks</li>
<li><a href="/api/spaces">GET /api/spaces</a>: the spaces and their rules</li>
<li><a href="/api/proposals">GET /api/proposals</a>: the proposals, newest first</li>
</ul>
<h2>Spaces</h2><ul>${spaceItems}</ul>`;

  const placeholder = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>IoTeX Governance</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2433}code{background:#eef1f6;padding:0 .25rem;border-radius:3px}</style>
</head><body>
${status}
<p>The web app is not built: <code>npm start</code> builds it into <code>web/dist</code>.</p>
</body></html>`;

  const serveApp: RequestHandler = (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isServerPath(req.path) || !isClientRoute(req.path)) {
      next();
      return;
    }
    let index: string;
    try {
      // Read on each request: a rebuild while the server runs is served at once (the file is small).
      index = readFileSync(path.join(distDir, 'index.html'), 'utf8');
    } catch {
      res.type('html').send(placeholder);
      return;
    }
    res
      .set('Cache-Control', 'no-cache')
      .set('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Referrer-Policy', 'no-referrer')
      .type('html')
      .send(index.replace('</body>', `<noscript>\n${status}\n</noscript>\n</body>`));
  };

  const files = express.static(distDir, {
    index: false,
    redirect: false,
    setHeaders: (res, file) => {
      // Vite names built assets by their content hash: they never change under the same name.
      const hashed = file.startsWith(path.join(distDir, 'assets') + path.sep);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
      if (file.endsWith('.html')) res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    },
  });

  const router = Router();
  router.use((req, res, next) => (isServerPath(req.path) ? next() : files(req, res, next)));
  router.use(serveApp);
  return router;
}
