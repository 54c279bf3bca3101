import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Interface, verifyTypedData, type TypedDataField } from 'ethers';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { toIoAddress } from '../../server/address.js';
import { receiptSigner, type Receipt } from '../../server/ingest/receipts.js';
import { encodeDocument } from '../../server/ipfs/codec.js';
import { ensureWebBuild } from '../../scripts/lib/web-build.js';
import { describeIf, type Requirement } from '../support/requirements.js';
import { deployTestExecutor, TEST_EXECUTOR } from '../support/executor.js';
import { devWallet, signWithEthers } from '../support/signing.js';
import { rulesDigest } from '../support/spaces.js';
import { startTestStack, TEST_SPACE, type TestStack } from '../support/stack.js';
import { TestWallet } from './wallet.js';

// The built web app (web/dist, served by the API server) in headless Chromium, against the real
// service: local chain with demo stake, SQLite, embedded IPFS. The wallet is injected into the page
// and signs with real development keys. The service's clock and the page's clock move together
// (page.clock), so the voting delay and period pass without waiting.

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const chromiumFound: Requirement = existsSync(CHROMIUM)
  ? { ok: true }
  : { ok: false, reason: `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)` };
const SCREENSHOTS = path.resolve('data', 'screenshots');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const CHAIN_ID = 31337;

const whale = devWallet(0); // ~2.8M votes of ~5.8M: alone above the 1 % support and 10 % quorum
const small = devWallet(3); // 10k votes
const powerless = devWallet(6); // no stake
// The space's executor measures each action's gas floor; nothing is queued or executed through it.
const SPACE = { ...TEST_SPACE, executor: TEST_EXECUTOR };

describeIf(chromiumFound, 'web app in Chromium', () => {
  let stack: TestStack;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** Problems the pages reported: script errors, failed loads, requests that left the server. */
  const problems: string[] = [];
  let proposalId: string;
  let proposalUrl: string;

  const url = (route: string) => `${stack.service.url}${route}`;

  async function openPage(wallet?: TestWallet): Promise<Page> {
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      // A refusal the test provokes is logged by Chromium as a failed load; the page shows it itself.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource: the server responded'))
        problems.push(`console error: ${message.text()}`);
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(stack.service.url) && !request.url().startsWith('blob:'))
        problems.push(`request outside the service: ${request.url()}`);
    });
    await page.clock.setFixedTime(stack.clock.now * 1000);
    if (wallet) await wallet.attach(page);
    return page;
  }

  /** Moves the service's clock and the page's together. */
  async function advance(page: Page, seconds: number) {
    stack.clock.now += seconds;
    await page.clock.setFixedTime(stack.clock.now * 1000);
  }

  const text = async (page: Page, selector: string) => (await page.locator(selector).first().textContent()) ?? '';

  async function screenshot(page: Page, name: string) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    for (const [label, size] of [
      ['desktop', DESKTOP],
      ['phone', PHONE],
    ] as const) {
      await page.setViewportSize(size);
      await page.waitForTimeout(100);
      await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${label}.png`), fullPage: true });
    }
    await page.setViewportSize(DESKTOP);
  }

  async function downloadJson(page: Page, click: () => Promise<void>): Promise<unknown> {
    const [download] = await Promise.all([page.waitForEvent('download'), click()]);
    return JSON.parse(readFileSync((await download.path())!, 'utf8')) as unknown;
  }

  beforeAll(async () => {
    await ensureWebBuild();
    stack = await startTestStack({ RATE_LIMIT_ADDRESS_PER_MINUTE: '1000' }, [SPACE]);
    await deployTestExecutor(stack.provider);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
  });

  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close();
    await stack?.stop();
  });

  it('serves the app at / and for client routes, keeps /api and /ipfs, and 404s a missing asset', async () => {
    const home = await fetch(url('/'));
    expect(home.headers.get('content-type')).toMatch(/html/);
    expect(home.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await home.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    expect(html).toContain('31337'); // the no-script status: chain id and API links
    expect(await (await fetch(url('/proposals/0x' + '1'.repeat(64)))).text()).toBe(html);
    expect(await (await fetch(url('/new'))).text()).toBe(html);
    expect((await fetch(url('/api/service'))).headers.get('content-type')).toMatch(/json/);
    const missingApi = await fetch(url('/api/nothing-here'));
    expect(missingApi.status).toBe(404);
    expect(((await missingApi.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await fetch(url('/ipfs/not-a-cid'))).status).toBe(400);
    expect((await fetch(url('/assets/missing.js'))).status).toBe(404);
  });

  it('without a wallet: proposals can be read, signing is explained away', async () => {
    const page = await openPage();
    await page.goto(url('/'));
    await page.getByRole('heading', { name: 'Proposals' }).waitFor();
    await page.getByText('No wallet found').waitFor();
    expect(await text(page, '.site-header')).toContain('No wallet');
    await page.getByText('No proposals yet.').waitFor();
    await page.getByRole('link', { name: 'New proposal' }).first().click();
    await page.getByRole('heading', { name: 'New proposal' }).waitFor();
    await page.getByText('No wallet found').waitFor();
    expect(await page.getByRole('button', { name: 'Review what you will sign' }).isDisabled()).toBe(true);
    await page.close();
  });

  it('on the wrong chain: says so, then adds and switches to the service’s chain', async () => {
    const wallet = new TestWallet(whale, 1, stack.provider, [1]);
    const page = await openPage(wallet);
    await page.goto(url('/'));
    await page.locator('.site-header').getByRole('button', { name: 'Connect wallet' }).click();
    const notice = page.locator('.notice', { hasText: 'Wrong network' });
    await notice.waitFor();
    expect(await notice.textContent()).toMatch(/chain id 1\b.*chain id 31337/);
    // The connected account, in both forms.
    const chip = await text(page, '.wallet-chip');
    expect(chip).toContain(toIoAddress(whale.address).slice(0, 7));
    expect(chip).toContain(whale.address.slice(0, 6));
    await notice.getByRole('button', { name: /Switch to/ }).click();
    await notice.waitFor({ state: 'detached' });
    expect(wallet.chainId).toBe(CHAIN_ID);
    const methods = wallet.requests.map((r) => r.method);
    expect(methods).toEqual(
      expect.arrayContaining(['wallet_switchEthereumChain', 'wallet_addEthereumChain', 'eth_requestAccounts']),
    );
    // What the service publishes (GET /api/service): this chain's own endpoint, on its own port.
    const added = wallet.requests.find((r) => r.method === 'wallet_addEthereumChain')!.params[0];
    expect(new URL(stack.chain.url).port).not.toBe('8545');
    expect(added).toEqual({
      chainId: '0x7a69',
      chainName: 'IoTeX Governance chain 31337',
      nativeCurrency: { name: 'IoTeX', symbol: 'IOTX', decimals: 18 },
      rpcUrls: [stack.chain.url],
    });
    await page.close();
  });

  describe('a proposal from a browser wallet', () => {
    let wallet: TestWallet;
    let page: Page;
    const recipient = devWallet(4).address;
    const target = devWallet(5).address;

    beforeAll(async () => {
      wallet = new TestWallet(whale, CHAIN_ID, stack.provider);
      page = await openPage(wallet);
    });

    it('creates a technical proposal: action built from a signature, previewed, signed, receipt downloadable', async () => {
      await page.goto(url('/new'));
      await page.getByRole('main').getByRole('button', { name: 'Connect wallet' }).click();
      await page.getByTestId('proposer-power').waitFor();
      expect(await text(page, '[data-testid=proposer-power]')).toMatch(/Your power now: [\d,.]+ IOTX.*✓/);

      await page.getByLabel('Technical').check();
      await page.getByLabel('Title').fill('Fund the explorer from the treasury');
      await page
        .getByLabel('Description (Markdown)')
        .fill(
          '## Why\nA **public** explorer. <script>window.pwned = 1</script>\n\n[docs](https://docs.iotex.io) [trap](javascript:window.pwned=2)',
        );
      await page.getByLabel('Discussion link (optional)').fill('https://community.iotex.io/t/explorer');
      await page.getByLabel('Target (0x… or io1…)').fill(toIoAddress(target));
      await page.getByLabel('Value (IOTX)').fill('1.5');
      await page.getByLabel('Function signature').fill('transfer(address,uint256)');
      await page.getByLabel(/Argument 1/).fill(toIoAddress(recipient));
      await page.getByLabel(/Argument 2/).fill('1000');
      const calldata = new Interface(['function transfer(address,uint256)']).encodeFunctionData('transfer', [
        recipient,
        1000n,
      ]);
      expect(await text(page, '[data-testid=calldata-1]')).toBe(calldata);

      await page.getByRole('button', { name: 'Review what you will sign' }).click();
      const preview = JSON.parse(await text(page, '[data-testid=typed-data]')) as {
        primaryType: string;
        domain: { chainId: number };
        types: Record<string, unknown>;
        message: {
          title: string;
          snapshot: number;
          rules: string;
          actions: { to: string; value: string; data: string; gas: string }[];
        };
      };
      expect(preview.primaryType).toBe('Proposal');
      expect(preview.domain.chainId).toBe(CHAIN_ID);
      expect(Object.keys(preview.types)).toEqual(['EIP712Domain', 'Proposal', 'Action']);
      // The rules it signs are the space's, as GET /api/spaces/test serves them.
      const served = (await (await fetch(url('/api/spaces/test'))).json()) as {
        rules: { digest: string; cid: string };
      };
      expect(preview.message.rules).toBe(served.rules.digest);
      // No gas floor typed: the service suggests what the call used with ample gas, plus a margin.
      const [signedAction] = preview.message.actions;
      expect(signedAction).toMatchObject({ to: target, value: '1500000000000000000', data: calldata });
      // It is what POST /api/spaces/test/action-gas suggests for that call, measured by the executor.
      const suggested = (await (
        await fetch(url('/api/spaces/test/action-gas'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ actions: [{ to: target, value: '1500000000000000000', data: calldata }] }),
        })
      ).json()) as { actions: { ok: boolean; gasUsed: string; gas: string }[] };
      expect(suggested.actions[0]).toMatchObject({ ok: true, gas: signedAction!.gas });
      expect(BigInt(signedAction!.gas)).toBeGreaterThanOrEqual(BigInt(suggested.actions[0]!.gasUsed) + 10_000n);
      expect(await text(page, '[data-testid=review-gas-1]')).toBe(Number(signedAction!.gas).toLocaleString('en-US'));
      expect(preview.message.snapshot).toBeGreaterThanOrEqual(stack.snapshot);
      const reviewedId = await text(page, '[data-testid=review-id]');
      await screenshot(page, 'new-proposal-review');

      await page.getByRole('button', { name: 'Sign and submit' }).click();
      await page.waitForURL(/\/proposals\/0x[0-9a-f]{64}$/);
      proposalUrl = page.url();
      proposalId = proposalUrl.split('/').pop()!;
      expect(proposalId).toBe(reviewedId);
      await page.getByRole('heading', { name: 'Fund the explorer from the treasury' }).waitFor();
      await page.getByText('Your proposal was accepted').waitFor();
      expect(await text(page, '.proposal-head .badge')).toBe('Pending');
      // The page names the rules it signed, linked by the CID their digest gives.
      expect(await page.getByTestId('proposal-rules').getAttribute('href')).toBe(`/ipfs/${served.rules.cid}`);

      const receipt = (await downloadJson(page, () =>
        page.getByRole('button', { name: 'Download receipt' }).click(),
      )) as Receipt;
      expect(receipt).toMatchObject({ id: proposalId, received: stack.clock.now });
      const service = (await (await fetch(url('/api/service'))).json()) as { receipt: { signer: string } };
      expect(receiptSigner(receipt, CHAIN_ID)).toBe(service.receipt.signer);

      // The body: Markdown rendered, its HTML shown as text, the javascript: link not a link.
      const body = page.locator('.markdown');
      expect(await body.locator('strong').textContent()).toBe('public');
      expect(await body.textContent()).toContain('<script>window.pwned = 1</script>');
      expect(await body.locator('script').count()).toBe(0);
      expect(await body.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
        'https://docs.iotex.io',
      ]);
      expect(await page.evaluate('window.pwned')).toBeUndefined();

      // The action, readable.
      const action = await text(page, '.action-list');
      expect(action).toContain('transfer(address,uint256)');
      expect(action).toContain(toIoAddress(recipient));
      expect(action).toContain('1.5 IOTX');
    });

    it('shows a rejected signature, a service refusal with its code, and an account without power', async () => {
      await page.getByText('Your power at block').waitFor();
      wallet.rejectSignatures = true;
      await page.getByRole('button', { name: 'Support this proposal' }).click();
      await page.getByText('Signature rejected').waitFor();
      wallet.rejectSignatures = false;

      // Another account supports from elsewhere while this page still offers it the button.
      await wallet.useAccount(small);
      await page.getByText(`Your power at block`).waitFor();
      const elsewhere = await signWithEthers(small, CHAIN_ID, 'Support', {
        from: small.address,
        space: SPACE.id,
        timestamp: stack.clock.now,
        proposal: proposalId,
      });
      const posted = await fetch(url('/api/messages'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(elsewhere),
      });
      expect(posted.status).toBe(200);
      // A second later, so the page's support is another message (the same one again would be accepted
      // as a harmless duplicate).
      await advance(page, 1);
      await page.getByRole('button', { name: 'Support this proposal' }).click();
      const refusal = page.locator('.notice-error', { hasText: 'The service refused the message' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('already_supported');

      await wallet.useAccount(powerless);
      await page.getByText('No voting power at the snapshot').waitFor();
      expect(await page.getByRole('button', { name: 'Support this proposal' }).isDisabled()).toBe(true);
      await wallet.useAccount(whale);
      await page.getByText('No voting power at the snapshot').waitFor({ state: 'detached' });
    });

    it('supports it past the threshold', async () => {
      await page.getByRole('button', { name: 'Support this proposal' }).click();
      await page.getByText('Your support was accepted').waitFor();
      await page.locator('.proposal-head .badge', { hasText: 'Supported' }).waitFor();
      expect(await text(page, '[data-testid=support-line]')).toMatch(/reached .* ✓/);
      expect(await page.locator('[data-testid=supports] .entry').count()).toBe(2);
    });

    it('votes once the voting delay passed, then changes the vote', async () => {
      await advance(page, SPACE.votingDelaySeconds);
      await page.reload();
      await page.locator('.proposal-head .badge', { hasText: 'Voting' }).waitFor();
      const power = (await (
        await fetch(url(`/api/power/${SPACE.id}/${whale.address}?block=${await snapshotOf(proposalId)}`))
      ).json()) as { strategies: { buckets: unknown[] }[] };
      await page.getByText(/^Breakdown \(\d+ buckets?\)$/).click();
      expect(await page.locator('table.buckets tbody tr').count()).toBe(power.strategies[0]!.buckets.length);

      // No choice is made for the voter; a choice and a reason do not survive a switch of account.
      expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Choose For, Against or Abstain' }).isDisabled()).toBe(true);
      await page.getByRole('radio', { name: 'Against' }).check();
      await page.getByLabel('Reason (optional)').fill('Signed by the other account');
      await wallet.useAccount(small);
      await page.getByRole('button', { name: 'Choose For, Against or Abstain' }).waitFor();
      expect(await page.getByRole('radio', { checked: true }).count()).toBe(0);
      expect(await page.getByLabel('Reason (optional)').inputValue()).toBe('');
      await wallet.useAccount(whale);
      await page.getByRole('button', { name: 'Choose For, Against or Abstain' }).waitFor();

      await page.getByRole('radio', { name: 'Against' }).check();
      await page.getByLabel('Reason (optional)').fill('Not before the audit');
      await page.getByRole('button', { name: 'Vote Against' }).click();
      await page.getByText('Your vote was accepted').waitFor();
      await page.locator('[data-testid=votes] .entry', { hasText: 'Against' }).waitFor();

      await advance(page, 5);
      await page.getByRole('radio', { name: 'For' }).check();
      await page.getByRole('button', { name: 'Change vote to For' }).click();
      await page.locator('.your-vote', { hasText: 'Your vote: For' }).waitFor();
      const votes = page.locator('[data-testid=votes] .entry');
      expect(await votes.count()).toBe(2);
      expect(await votes.nth(0).textContent()).toMatch(/For/);
      expect(await votes.nth(1).textContent()).toMatch(/Against.*replaced/);
      expect(await text(page, '[data-testid=tally]')).toMatch(/For[\d,]+ IOTX · 100.00%Against0 IOTX · 0.00%/);
      await page.locator('[data-testid=votes] .message-links a').first().waitFor();
      await screenshot(page, 'proposal-voting');
    });

    it('shows the result once voting ends, with IPFS links to the signed messages', async () => {
      await advance(page, SPACE.votingPeriodSeconds);
      await page.reload();
      await page.locator('.proposal-head .badge', { hasText: 'Passed' }).waitFor();
      expect(await text(page, '[data-testid=tally]')).toContain('The proposal passed.');
      // The service holds no attestor key of this space's executor: no transactions (the relayer's status may say why).
      expect(await text(page, '[data-testid=execution]')).toMatch(/^Not available yet/);
      await page.getByText('This proposal is closed').waitFor();

      // The result document: the scheduler writes it after the vote; the page looks again until it is there.
      const resultLink = page.getByTestId('result').getByRole('link');
      await resultLink.waitFor();
      expect(await text(page, '[data-testid=result]')).toContain('Passed');
      const result = (await (await fetch(url((await resultLink.getAttribute('href'))!))).json()) as {
        proposal: { id: string };
      };
      expect(result.proposal.id).toBe(proposalId);

      // The proposal's IPFS link serves the signed message: its CID, signed by the author.
      const href = (await page.getByTestId('proposal-ipfs').getAttribute('href'))!;
      const cid = href.replace('/ipfs/', '');
      const document = (await (await fetch(url(href))).json()) as {
        address: string;
        sig: string;
        data: {
          domain: { name: string; version: string; chainId: string };
          types: Record<string, TypedDataField[]>;
          primaryType: string;
          message: Record<string, unknown>;
        };
      };
      expect((await encodeDocument(document)).cid.toString()).toBe(cid);
      expect(document.data.primaryType).toBe('Proposal');
      expect(document.data.message.title).toBe('Fund the explorer from the treasury');
      const { domain, types, message } = document.data;
      expect(verifyTypedData(domain, types, message, document.sig)).toBe(whale.address);

      // And each vote's: the counted one is the For vote.
      await page.locator('[data-testid=votes] .message-links a').nth(1).waitFor();
      const voteHref = (await page.locator('[data-testid=votes] .message-links a').first().getAttribute('href'))!;
      const vote = (await (await fetch(url(voteHref))).json()) as typeof document;
      expect(vote.data.primaryType).toBe('Vote');
      expect(vote.data.message).toMatchObject({ proposal: proposalId, choice: '1' });
      expect(verifyTypedData(vote.data.domain, vote.data.types, vote.data.message, vote.sig)).toBe(whale.address);
      const voteReceipt = (await downloadJson(page, () =>
        page.locator('[data-testid=votes] .message-links button').first().click(),
      )) as Receipt;
      expect(voteReceipt.cid).toBe(voteHref.replace('/ipfs/', ''));
      await screenshot(page, 'proposal-passed');
    });

    it('lists it, filters by state and searches', async () => {
      await page.getByRole('link', { name: '← All proposals' }).click();
      const card = page.locator('.proposal-card', { hasText: 'Fund the explorer from the treasury' });
      await card.waitFor();
      expect(await card.locator('.badge').textContent()).toBe('Passed');
      await page.getByLabel('State').selectOption('Voting');
      await page.getByText('No proposals match these filters.').waitFor();
      await page.getByLabel('State').selectOption('Passed');
      await card.waitFor();
      await page.getByLabel('Search').fill('nothing like it');
      await card.waitFor({ state: 'detached' });
      await page.getByLabel('Search').fill('explorer');
      await card.waitFor();
      await screenshot(page, 'proposal-list');
      await card.getByRole('link').click();
      await page.waitForURL(proposalUrl);
    });

    it('lets a space admin mark a confirmed policy proposal actioned', async () => {
      // A policy proposal taken through support and vote by the API; the page does the admin's part.
      const post = async (primaryType: 'Proposal' | 'Support' | 'Vote', message: Record<string, unknown>) => {
        const envelope = await signWithEthers(whale, CHAIN_ID, primaryType, {
          from: whale.address,
          space: SPACE.id,
          timestamp: stack.clock.now,
          ...message,
        });
        const res = await fetch(url('/api/messages'), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(envelope),
        });
        expect(res.status).toBe(200);
        return ((await res.json()) as { id: string }).id;
      };
      const id = await post('Proposal', {
        kind: 'policy',
        title: 'Publish a treasury report every quarter',
        body: '',
        discussion: '',
        choices: ['For', 'Against', 'Abstain'],
        snapshot: stack.snapshot,
        rules: rulesDigest(SPACE),
        actions: [],
      });
      await post('Support', { proposal: id });
      await advance(page, SPACE.votingDelaySeconds);
      await post('Vote', { proposal: id, choice: 1, reason: '' });
      await advance(page, SPACE.votingPeriodSeconds);
      await page.goto(url(`/proposals/${id}`));
      // Confirmed once the scheduler recorded the result; the page looks again until then.
      await page.locator('.proposal-head .badge', { hasText: 'Confirmed' }).waitFor();
      await page.getByLabel('Note (what was done, with links)').fill('Published at https://iotex.io/reports');
      await page.getByRole('button', { name: 'Mark actioned' }).click();
      await page.getByText('Your mark was accepted').waitFor();
      await page.locator('[data-testid=actioned]', { hasText: 'Published at https://iotex.io/reports' }).waitFor();
      expect(await page.getByRole('button', { name: 'Mark actioned' }).count()).toBe(0);
    });
  });

  it('loaded nothing from outside the service and had no script errors', () => {
    expect(problems).toEqual([]);
  });

  async function snapshotOf(id: string): Promise<number> {
    return ((await (await fetch(url(`/api/proposals/${id}`))).json()) as { snapshot: number }).snapshot;
  }
});
