import { describe, expect, it } from '@jest/globals';
import { Interface, parseEther } from 'ethers';
import { toIoAddress } from '../../server/address.js';
import { messageDigest } from '../../server/messages/digest.js';
import { buildAction, emptyAction, readAction } from '../../web/src/actions.js';
import { formatIotx, parseIotx, percent } from '../../web/src/format.js';
import { renderMarkdown } from '../../web/src/markdown.js';
import { messageId, typedData } from '../../web/src/typed-data.js';
import { devWallet, proposalMessage } from '../support/signing.js';

// The web app's pure helpers, in Node: what it signs, how it shows amounts, and what a body renders to.

describe('web app: typed data', () => {
  it('builds what wallets sign (EIP712Domain included) and computes the id the service computes', () => {
    const from = devWallet(0).address;
    const message = proposalMessage(from, {
      kind: 'technical',
      actions: [{ to: devWallet(1).address, value: '1500000000000000000', data: '0xa9059cbb', gas: '60000' }],
    }) as Parameters<typeof typedData>[2];
    const data = typedData(31337, 'Proposal', message);
    expect(data.domain).toEqual({ name: 'IoTeX Governance', version: '2', chainId: 31337 });
    expect(data.types.EIP712Domain!.map((f) => f.name)).toEqual(['name', 'version', 'chainId']);
    expect(Object.keys(data.types).sort()).toEqual(['Action', 'EIP712Domain', 'Proposal']);
    expect(messageId(data)).toBe(messageDigest(31337, 'Proposal', message));
  });
});

describe('web app: amounts', () => {
  it('formats wei as IOTX exactly, far beyond 2^53', () => {
    expect(formatIotx('0')).toBe('0');
    expect(formatIotx(parseEther('1234567.891'))).toBe('1,234,567.89');
    expect(formatIotx(10n ** 27n + 5n * 10n ** 15n)).toBe('1,000,000,000.01');
    expect(formatIotx(1n)).toBe('<0.01');
    expect(formatIotx(parseEther('2.5'), 0)).toBe('3');
  });

  it('parses IOTX typed by a person and refuses what is not an amount', () => {
    expect(parseIotx('1.5')).toBe(parseEther('1.5'));
    expect(parseIotx('1,000')).toBe(parseEther('1000'));
    expect(parseIotx('')).toBe(0n);
    expect(parseIotx('0.000000000000000001')).toBe(1n);
    for (const bad of ['-1', '1e18', 'abc', '0.0000000000000000001']) expect(() => parseIotx(bad)).toThrow();
  });

  it('computes shares without floating point', () => {
    expect(percent(1n, 3n)).toBe('33.33%');
    expect(percent(2n, 3n)).toBe('66.67%');
    expect(percent(10n ** 30n, 10n ** 30n)).toBe('100.00%');
    expect(percent(5n, 0n)).toBe('0%');
  });
});

describe('web app: Markdown bodies', () => {
  it('shows raw HTML as text and drops script links and images', () => {
    const html = renderMarkdown(
      [
        '# Title',
        '<script>alert(1)</script> <img src=x onerror=alert(1)>',
        '[bad](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://iotex.io)',
        '![tracker](https://example.com/pixel.png)',
      ].join('\n\n'),
    );
    expect(html).toContain('<h1>Title</h1>');
    expect(html).not.toMatch(/<script|<img|href="javascript|href="data/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://iotex.io" target="_blank" rel="noopener noreferrer nofollow ugc">ok</a>');
  });
});

describe('web app: actions', () => {
  const recipient = devWallet(4).address;
  const target = devWallet(5).address;

  it('encodes a call from a function signature and arguments (io1 addresses accepted)', () => {
    const built = buildAction({
      ...emptyAction(),
      target: toIoAddress(target),
      value: '1.5',
      signature: 'transfer(address,uint256)',
      args: [toIoAddress(recipient), '1000'],
    });
    const expected = new Interface(['function transfer(address,uint256)']).encodeFunctionData('transfer', [
      recipient,
      1000n,
    ]);
    expect(built).toMatchObject({
      ok: true,
      action: { to: target, value: parseEther('1.5').toString(), data: expected },
    });
  });

  it('names what is wrong: the target, the signature, an argument', () => {
    const base = { ...emptyAction(), target, signature: 'transfer(address,uint256)', args: [recipient, '1'] };
    expect(buildAction({ ...base, target: 'nobody' })).toMatchObject({ ok: false, field: 'target' });
    expect(buildAction({ ...base, signature: 'transfer(address' })).toMatchObject({ ok: false, field: 'signature' });
    expect(buildAction({ ...base, args: ['0x12', '1'] })).toMatchObject({ ok: false, field: 'args' });
    expect(buildAction({ ...base, value: '-1' })).toMatchObject({ ok: false, field: 'value' });
    expect(buildAction({ ...base, mode: 'raw', calldata: '0x123' })).toMatchObject({ ok: false, field: 'calldata' });
    expect(buildAction({ ...base, signature: '' })).toMatchObject({ ok: true, action: { data: '0x' } });
  });

  it('reads known calls back as a signature and arguments', () => {
    const data = new Interface(['function approve(address,uint256)']).encodeFunctionData('approve', [recipient, 7n]);
    const readable = readAction({ to: target, value: '0', data });
    expect(readable.call?.signature).toBe('approve(address,uint256)');
    expect(readable.call?.args.map((a) => a.value)).toEqual([`${toIoAddress(recipient)} (${recipient})`, '7']);
    expect(readAction({ to: target, value: '1', data: '0xdeadbeef' })).toMatchObject({
      selector: '0xdeadbeef',
      call: null,
    });
  });
});
