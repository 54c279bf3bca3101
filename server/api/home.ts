import type { RequestHandler } from 'express';
import type { Chain } from '../chain/provider.js';
import type { Space } from '../spaces/schema.js';

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

/** `/` until the web app exists: what is running, and where the API is. */
export function homePage(
  chain: Chain,
  spaces: Map<string, Space>,
  ipfsBackend: string,
  databaseKind: string,
): RequestHandler {
  return (_req, res) => {
    const spaceItems = [...spaces.values()]
      .map(
        (space) =>
          `<li><a href="/api/spaces/${space.id}">${escapeHtml(space.name)}</a> (<code>${space.id}</code>)</li>`,
      )
      .join('');
    res.type('html').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>IoTeX Governance</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1d2433}code{background:#eef1f6;padding:0 .25rem;border-radius:3px}</style>
</head><body>
<h1>IoTeX Governance service</h1>
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
</ul>
<h2>Spaces</h2><ul>${spaceItems}</ul>
<p>The web app for proposing and voting is not built yet; this page stands in for it.</p>
</body></html>`);
  };
}
