// npm run attest -- <proposal id> --space <id> --executor <address> [--api <url>] [--rpc <url>]
// [--gateway <url>]: an external attestor's step. The attestor names the space and the executor it
// attests for; nothing it signs comes from the service's word. Runs the independent audit (npm run
// audit); only if the pinned result matches the log and the chain, the proposal is of that space, the
// rules it signed name that executor and are the rules that executor accepts, does it sign the
// executor's Outcome with ATTESTOR_PRIVATE_KEY and submit it to POST /api/attestations. Everything in
// the Outcome comes from the audit's own reading: the actions hash from the signed proposal, the rules
// digest the proposal signed (whose document it decided by), the votes root from the result it
// rebuilt. Exit code 0: attested; 1: refused (the audit disagrees, or the proposal is not for this
// space and executor); 2: could not run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getAddress, isAddress, JsonRpcProvider, Wallet, ZeroHash } from 'ethers';
import { auditProposal } from '../server/audit/audit.js';
import { gatewaySource } from '../server/audit/source.js';
import { connectExecutor, executorDomain, OUTCOME_TYPES, type Outcome } from '../server/execution/executor.js';

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      api: { type: 'string', default: 'http://127.0.0.1:8080' },
      rpc: { type: 'string', default: process.env.RPC_URL || 'http://127.0.0.1:8545' },
      gateway: { type: 'string' },
      space: { type: 'string' },
      executor: { type: 'string' },
    },
  });
  const proposalId = positionals[0]?.toLowerCase();
  const key = process.env.ATTESTOR_PRIVATE_KEY;
  if (!proposalId || !/^0x[0-9a-f]{64}$/.test(proposalId) || !key || !values.space || !values.executor) {
    console.error(
      'usage: ATTESTOR_PRIVATE_KEY=0x… npm run attest -- <proposal id> --space <id> --executor <address> [--api <url>] [--rpc <url>] [--gateway <url>]',
    );
    return 2;
  }
  if (!isAddress(values.executor)) {
    console.error(`--executor: not an address: ${values.executor}`);
    return 2;
  }
  const executor = getAddress(values.executor);
  const api = values.api!.replace(/\/+$/, '');
  // Only a pointer: the audit verifies everything it names.
  const proposal = (await (await fetch(`${api}/api/proposals/${proposalId}`)).json()) as {
    result: { cid: string } | null;
  };
  if (!proposal.result) throw new Error(`proposal ${proposalId} has no result yet`);

  const scratchDir = mkdtempSync(path.join(tmpdir(), 'gov-attest-'));
  try {
    console.log(`Auditing ${proposalId} before attesting…`);
    const report = await auditProposal({
      proposalId,
      resultCid: proposal.result.cid,
      source: gatewaySource(values.gateway ?? api),
      rpcUrl: values.rpc!,
      trustedExecutor: executor,
      scratchDir,
      progress: (line) => console.log(`  … ${line}`),
    });
    for (const finding of report.findings) console.log(`${finding.ok ? '✓' : '✗'} ${finding.check}: ${finding.detail}`);
    if (!report.ok || !report.rebuilt || report.rebuilt.state !== 'Passed' || !report.rebuilt.proposal.actionsHash) {
      console.log('\nNot attesting: the audit does not confirm a passed technical proposal.');
      return 1;
    }
    if (report.rebuilt.proposal.space !== values.space) {
      console.log(
        `\nNot attesting: the proposal is of space "${report.rebuilt.proposal.space}", not "${values.space}".`,
      );
      return 1;
    }
    if (report.rules?.executor !== executor) {
      console.log(
        `\nNot attesting: the rules the proposal signed name the executor ${report.rules?.executor ?? 'none'}, not ${executor}.`,
      );
      return 1;
    }
    // The rules digest the proposal signed, whose document the audit fetched and decided by; the
    // executor accepts only its own.
    const signedRules = report.rulesDigest!;
    const provider = new JsonRpcProvider(values.rpc!, undefined, { staticNetwork: true });
    let accepted: string;
    try {
      accepted = await connectExecutor(executor, provider).rulesDigest();
    } finally {
      provider.destroy();
    }
    if (accepted !== signedRules) {
      console.log(
        `\nNot attesting: the executor ${executor} accepts outcomes under the rules ${accepted}; the proposal signed ${signedRules}.`,
      );
      return 1;
    }
    // The actions hash comes from the signed proposal as the audit read it, the votes root from the
    // result it rebuilt: nothing from the service.
    const outcome: Outcome = {
      proposalId,
      actionsHash: report.rebuilt.proposal.actionsHash,
      resultCid: proposal.result.cid,
      rulesDigest: signedRules,
      votesRoot: report.rebuilt.merkle.root ?? ZeroHash,
    };
    const wallet = new Wallet(key);
    const signature = await wallet.signTypedData(
      executorDomain(Number(report.rebuilt.chainId), executor),
      OUTCOME_TYPES,
      outcome,
    );
    const response = await fetch(`${api}/api/attestations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ proposalId, signature }),
    });
    const answer = await response.json();
    if (!response.ok) throw new Error(`the service refused the attestation: ${JSON.stringify(answer)}`);
    console.log(`\nAttested as ${wallet.address}: ${JSON.stringify(outcome)}`);
    return 0;
  } finally {
    rmSync(scratchDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`attest could not run: ${(error as Error).message}`);
    process.exit(2);
  },
);
