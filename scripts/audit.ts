// npm run audit -- <proposal id> [options]: recomputes a proposal's outcome from IPFS and the chain
// alone and says whether it matches the result the service pinned. Exit code 0: it matches; 1: it
// does not (every difference is listed); 2: the audit could not run.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { auditProposal } from '../server/audit/audit.js';
import { gatewaySource, localNodeSource } from '../server/audit/source.js';
import type { Receipt } from '../server/ingest/receipts.js';

const USAGE = `usage: npm run audit -- <proposal id> (--rules <digest> | --executor <address>) [--result <cid>] [--api <url>] [--gateway <url> | --ipfs-dir <dir>] [--rpc <url>] [--receipt <file>]

  --rules     the digest of the rules you hold to be the space's, from a source you trust (not the service)
  --executor  or: the executor you trust; it must have accepted the rules the proposal signed when it was
              received. With neither, the audit cannot confirm the rules and fails
  --result    the result document's CID (default: asked from --api; only a pointer, its content is verified)
  --api       a governance service, to find the result CID and the receipt signer (default http://127.0.0.1:8080)
  --gateway   an IPFS gateway to read documents from (default: the --api service's /ipfs)
  --ipfs-dir  read documents from a local embedded node's data directory instead (e.g. a copy of data/)
  --rpc       the chain's JSON-RPC, an archive node for past blocks (default $RPC_URL or http://127.0.0.1:8545)
  --receipt   a receipt (JSON, as POST /api/messages returned it) to find in the log and the result`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      result: { type: 'string' },
      api: { type: 'string', default: 'http://127.0.0.1:8080' },
      gateway: { type: 'string' },
      'ipfs-dir': { type: 'string' },
      rpc: { type: 'string', default: process.env.RPC_URL || 'http://127.0.0.1:8545' },
      receipt: { type: 'string' },
      rules: { type: 'string' },
      executor: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  const proposalId = positionals[0]?.toLowerCase();
  if (
    values.help ||
    !proposalId ||
    !/^0x[0-9a-f]{64}$/.test(proposalId) ||
    (values.rules !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(values.rules)) ||
    (values.executor !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(values.executor))
  ) {
    console.error(USAGE);
    return 2;
  }
  const api = values.api!.replace(/\/+$/, '');
  let resultCid = values.result;
  if (!resultCid) {
    const response = await fetch(`${api}/api/proposals/${proposalId}`);
    if (!response.ok)
      throw new Error(`${api} does not know proposal ${proposalId} (${response.status}); pass --result <cid>`);
    resultCid = ((await response.json()) as { result: { cid: string } | null }).result?.cid;
    if (!resultCid) throw new Error(`proposal ${proposalId} has no result yet (its vote has not ended)`);
  }
  const serviceSigner = await fetch(`${api}/api/service`)
    .then(async (response) =>
      response.ok ? ((await response.json()) as { receipt: { signer: string } }).receipt.signer : undefined,
    )
    .catch(() => undefined);
  const source = values['ipfs-dir'] ? await localNodeSource(values['ipfs-dir']) : gatewaySource(values.gateway ?? api);
  const receipt = values.receipt
    ? (JSON.parse(readFileSync(values.receipt, 'utf8')) as { receipt?: Receipt } & Receipt)
    : undefined;
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'gov-audit-'));

  console.log(`Auditing proposal ${proposalId}\n  result ${resultCid}\n  chain  ${values.rpc}\n`);
  try {
    const report = await auditProposal({
      proposalId,
      resultCid,
      source,
      rpcUrl: values.rpc!,
      receipt: receipt?.receipt ?? receipt,
      receiptSigner: serviceSigner,
      ...(values.rules ? { expectedRules: values.rules } : {}),
      ...(values.executor ? { trustedExecutor: values.executor } : {}),
      scratchDir,
      progress: (line) => console.log(`  … ${line}`),
    });
    console.log('');
    for (const finding of report.findings) console.log(`${finding.ok ? '✓' : '✗'} ${finding.check}: ${finding.detail}`);
    console.log(
      report.ok ? '\nThe result matches the log and the chain.' : '\nThe result does NOT match the log and the chain.',
    );
    return report.ok ? 0 : 1;
  } finally {
    await source.close();
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`audit could not run: ${(error as Error).message}`);
    process.exit(2);
  },
);
