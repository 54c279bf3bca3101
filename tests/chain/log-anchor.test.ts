// The log anchor (contracts/LogAnchor.sol) on a real local chain: anchors are kept in storage per
// sender and per space, with strictly increasing sequences; every refusal is checked by its custom
// error's name; readAnchors (server/anchor/contract.ts) returns exactly what was sent; and
// npm run deploy-anchor deploys it.
import { execFile } from 'node:child_process';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  Interface,
  JsonRpcProvider,
  Wallet,
  ZeroAddress,
  ZeroHash,
  getAddress,
  id,
  type ContractTransactionResponse,
  type HDNodeWallet,
  type LogDescription,
  type TransactionReceipt,
} from 'ethers';

import {
  LOG_ANCHOR_ABI,
  MAX_BATCH_CID_BYTES,
  MAX_SPACE_BYTES,
  connectLogAnchor,
  deployLogAnchor,
  loadLogAnchorArtifact,
  readAnchors,
  sendAnchor,
  spaceKey,
  toAnchor,
  type Anchor,
  type AnchorInput,
  type LogAnchor,
} from '../../scripts/lib/log-anchor.js';
import { encodeDocument, parseCid } from '../../server/ipfs/codec.js';
import { startLocalChain, type LocalChain } from '../../scripts/lib/local-chain.js';
import { REPO_ROOT } from '../../scripts/lib/solidity.js';
import { devWallet } from '../support/signing.js';
import { revertData } from '../support/reverts.js';

/** CIDv1 in base32 of DAG-JSON, sha2-256, as the pin worker names log batches: 61 characters, `baguqeera…`. */
const CID_A = 'baguqeerakiu23whbcvspm2iibypn5ziex6nzrw2jnox74i3dv6hjx56pymvq';
const CID_B = 'baguqeeras52q4iijeclchdocj3wzrxfda7hpj4t2jiwu3ir3hzlv3whocb2a';
/** CIDv1 in base32 of DAG-CBOR, sha2-256: 59 characters, `bafyrei…`. */
const CID_59_A = 'bafyreibzkhooxn6mwcoybdxjro32idyi45c47tdlgblh2aauvelh4kdxr4';
const CID_59_B = 'bafyreiglg7xy652gvh7rqmjxflbrus7da5czeyewlcc7xglrpd672nzl5m';
const SPACE = 'demo';
const head = (n: number | string) => id(`log head ${n}`);

describe('LogAnchor', () => {
  let chain: LocalChain;
  let provider: JsonRpcProvider;
  /** The service: anchors its spaces' logs. */
  let service: HDNodeWallet;
  /** Anyone else: may anchor under the same space names, in its own storage. */
  let stranger: HDNodeWallet;
  /** The key that signs receipts (never sends transactions). */
  let receiptKey: HDNodeWallet;

  let anchorContract: LogAnchor;
  let anchorAddress: string;
  let anchorErrors: Interface;
  let snapshot: string;
  const gas: Record<string, bigint> = {};

  beforeAll(async () => {
    chain = await startLocalChain();
    provider = new JsonRpcProvider(chain.url, chain.chainId, {
      staticNetwork: true,
      cacheTimeout: -1,
      pollingInterval: 50,
    });
    service = devWallet(0).connect(provider);
    stranger = devWallet(6).connect(provider);
    receiptKey = devWallet(9);

    const deployed = await deployLogAnchor(service);
    anchorContract = deployed.contract;
    anchorAddress = deployed.address;
    gas.deploy = deployed.gasUsed;
    anchorErrors = new Interface((await loadLogAnchorArtifact()).abi);
  });

  afterAll(async () => {
    if (Object.keys(gas).length > 0) {
      console.log(
        `LogAnchor gas: ${Object.entries(gas)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
    }
    provider?.destroy();
    await chain?.stop();
  });

  // Every test starts from the same chain: the anchor deployed and empty.
  beforeEach(async () => {
    snapshot = (await provider.send('evm_snapshot', [])) as string;
  });
  afterEach(async () => {
    expect(await provider.send('evm_revert', [snapshot])).toBe(true);
  });

  // ------------------------------------------------------------------------------ helpers

  const input = (sequence: number, overrides: Partial<AnchorInput> = {}): AnchorInput => ({
    space: SPACE,
    sequence,
    head: head(sequence),
    batchCid: CID_A,
    receiptSigner: receiptKey.address,
    ...overrides,
  });

  /** Sends `anchor(...)` from `from` (default: the service) as the contract takes it. */
  const anchorTx = (a: AnchorInput, from: HDNodeWallet = service): Promise<ContractTransactionResponse> =>
    anchorContract.connect(from).anchor(a.space, a.sequence, a.head, a.batchCid, a.receiptSigner);

  async function mined(tx: Promise<ContractTransactionResponse>): Promise<TransactionReceipt> {
    const receipt = await (await tx).wait();
    if (!receipt) throw new Error('no receipt');
    return receipt;
  }

  /** Awaits `promise`, expects it to revert, and returns the decoded custom error. */
  async function reverted(promise: Promise<unknown>): Promise<{ name: string; args: unknown[] }> {
    try {
      await promise;
    } catch (err) {
      const data = revertData(err);
      if (!data) throw new Error(`reverted without revert data: ${String(err)}`);
      const parsed = anchorErrors.parseError(data);
      if (!parsed) throw new Error(`unknown revert data ${data}`);
      return { name: parsed.name, args: [...parsed.args] };
    }
    throw new Error('expected a revert, but it succeeded');
  }

  const events = (receipt: TransactionReceipt): LogDescription[] =>
    receipt.logs
      .filter((log) => log.address === anchorAddress)
      .map((log) => anchorErrors.parseLog(log))
      .filter((parsed): parsed is LogDescription => parsed !== null);

  const count = async (sender: string, space = SPACE) => Number(await anchorContract.anchorCount(sender, space));

  /** What readAnchors should return for an anchor sent with `a` and mined in `blockNumber`. */
  async function expected(a: AnchorInput, blockNumber: number): Promise<Anchor> {
    const block = await provider.getBlock(blockNumber);
    return {
      sequence: Number(a.sequence),
      timestamp: block!.timestamp,
      blockNumber,
      receiptSigner: getAddress(a.receiptSigner),
      head: a.head.toLowerCase(),
      batchCid: a.batchCid,
    };
  }

  // ------------------------------------------------------------------------------ the contract

  it('publishes an ABI (server/anchor/contract.ts) identical to the compiled contract, and its limits', async () => {
    const compiled = new Interface((await loadLogAnchorArtifact()).abi);
    expect(new Interface(LOG_ANCHOR_ABI).format().sort()).toEqual(compiled.format().sort());
    const handle = connectLogAnchor(anchorAddress, provider);
    expect(await handle.MAX_SPACE_BYTES()).toBe(BigInt(MAX_SPACE_BYTES));
    expect(await handle.MAX_BATCH_CID_BYTES()).toBe(BigInt(MAX_BATCH_CID_BYTES));
    expect(await handle.anchorCount(service.address, SPACE)).toBe(0n);
    // The batch CIDs used here are real CIDs of the length the service pins.
    const batch = await encodeDocument({ space: SPACE, entries: [] });
    expect(batch.cid.toString()).toMatch(/^baguqeera[a-z2-7]{52}$/);
    for (const cid of [CID_A, CID_B]) expect(parseCid(cid).toString()).toMatch(/^baguqeera[a-z2-7]{52}$/);
    for (const cid of [CID_59_A, CID_59_B]) expect(parseCid(cid).toString()).toMatch(/^bafyrei[a-z2-7]{52}$/);
  });

  describe('refuses', () => {
    it('an empty space name (EmptySpace) and one longer than 64 bytes (SpaceTooLong)', async () => {
      expect(await reverted(anchorTx(input(1, { space: '' })))).toEqual({ name: 'EmptySpace', args: [] });
      expect(await reverted(anchorTx(input(1, { space: 'a'.repeat(65) })))).toEqual({
        name: 'SpaceTooLong',
        args: [],
      });
      // Bytes, not characters: 33 two-byte characters are 66 bytes.
      expect((await reverted(anchorTx(input(1, { space: 'é'.repeat(33) })))).name).toBe('SpaceTooLong');
      // 64 bytes is the limit, and accepted.
      await mined(anchorTx(input(1, { space: 'a'.repeat(64) })));
      expect(await count(service.address, 'a'.repeat(64))).toBe(1);
    });

    it('a zero head (ZeroHead) and a zero receipt signer (ZeroAddress)', async () => {
      expect(await reverted(anchorTx(input(1, { head: ZeroHash })))).toEqual({ name: 'ZeroHead', args: [] });
      expect(await reverted(anchorTx(input(1, { receiptSigner: ZeroAddress })))).toEqual({
        name: 'ZeroAddress',
        args: [],
      });
      expect(await count(service.address)).toBe(0);
    });

    it('an empty batch CID and one longer than 128 bytes (BadBatchCid)', async () => {
      expect(await reverted(anchorTx(input(1, { batchCid: '' })))).toEqual({ name: 'BadBatchCid', args: [] });
      expect(await reverted(anchorTx(input(1, { batchCid: 'b'.repeat(129) })))).toEqual({
        name: 'BadBatchCid',
        args: [],
      });
      await mined(anchorTx(input(1, { batchCid: 'b'.repeat(128) })));
      expect((await anchorContract.latest(service.address, SPACE)).batchCid).toBe('b'.repeat(128));
    });

    it('a sequence below the last one or 0 (SequenceDecreasing), and the last one with another head (HeadChanged)', async () => {
      expect(await reverted(anchorTx(input(0)))).toEqual({ name: 'SequenceDecreasing', args: [0n, 0n] });
      await mined(anchorTx(input(5)));
      expect(await reverted(anchorTx(input(4)))).toEqual({ name: 'SequenceDecreasing', args: [5n, 4n] });
      expect(await reverted(anchorTx(input(5, { head: head(99) })))).toEqual({
        name: 'HeadChanged',
        args: [5n, head(5), head(99)],
      });
      // The same head again confirms the log had not grown by a later block.
      await mined(anchorTx(input(5)));
      await mined(anchorTx(input(6)));
      expect(await reverted(anchorTx(input(5)))).toEqual({ name: 'SequenceDecreasing', args: [6n, 5n] });
      expect(await count(service.address)).toBe(3);
      const anchors = await readAnchors(provider, anchorContract, service.address, SPACE);
      expect(anchors.map((a) => a.sequence)).toEqual([5, 5, 6]);
      expect(anchors[1]!.blockNumber).toBeGreaterThan(anchors[0]!.blockNumber);
    });

    it('reading an anchor that does not exist (NoAnchor)', async () => {
      expect(await reverted(anchorContract.latest(service.address, SPACE))).toEqual({ name: 'NoAnchor', args: [0n] });
      expect(await reverted(anchorContract.anchorAt(service.address, SPACE, 0))).toEqual({
        name: 'NoAnchor',
        args: [0n],
      });
      await mined(anchorTx(input(1)));
      expect(toAnchor(await anchorContract.anchorAt(service.address, SPACE, 0)).sequence).toBe(1);
      expect(await reverted(anchorContract.anchorAt(service.address, SPACE, 1))).toEqual({
        name: 'NoAnchor',
        args: [1n],
      });
      expect(await reverted(anchorContract.anchorAt(service.address, SPACE, 7))).toEqual({
        name: 'NoAnchor',
        args: [7n],
      });
    });
  });

  describe('storage', () => {
    it('keeps what was anchored, with the block time and number it was mined in, and emits Anchored', async () => {
      const a = input(3, { batchCid: CID_B });
      const receipt = await mined(anchorTx(a));
      const block = await provider.getBlock(receipt.blockNumber);
      const stored = toAnchor(await anchorContract.anchorAt(service.address, SPACE, 0));
      expect(stored).toEqual({
        sequence: 3,
        timestamp: block!.timestamp,
        blockNumber: receipt.blockNumber,
        receiptSigner: receiptKey.address,
        head: head(3),
        batchCid: CID_B,
      });
      expect(toAnchor(await anchorContract.latest(service.address, SPACE))).toEqual(stored);
      expect(events(receipt).map((e) => [e.name, ...e.args])).toEqual([
        ['Anchored', service.address, spaceKey(SPACE), SPACE, 3n, head(3), CID_B, receiptKey.address],
      ]);
      expect(spaceKey(SPACE)).toBe(id(SPACE));

      // A later anchor, some time later: its own block, its own time; the first is unchanged.
      await provider.send('evm_increaseTime', [3600]);
      const sent = await sendAnchor(service, anchorContract, input(9));
      const later = await provider.getBlock(sent.blockNumber);
      expect(sent.timestamp).toBe(later!.timestamp);
      expect(sent.timestamp).toBeGreaterThanOrEqual(block!.timestamp + 3600);
      expect(toAnchor(await anchorContract.latest(service.address, SPACE))).toEqual({
        sequence: 9,
        timestamp: later!.timestamp,
        blockNumber: sent.blockNumber,
        receiptSigner: receiptKey.address,
        head: head(9),
        batchCid: CID_A,
      });
      expect(toAnchor(await anchorContract.anchorAt(service.address, SPACE, 0))).toEqual(stored);
      expect(await count(service.address)).toBe(2);
    });

    it("keeps anchors per sender and per space: another sender's anchors of the same space are its own", async () => {
      const serviceSent = [input(1), input(2), input(3)];
      const serviceBlocks: number[] = [];
      for (const a of serviceSent) serviceBlocks.push((await sendAnchor(service, anchorContract, a)).blockNumber);

      // A stranger anchors a forged history under the same space name: sequence 1 again (allowed,
      // its own list), then far ahead, with its own head and receipt signer.
      const forged = [
        input(1, { head: head('forged 1'), receiptSigner: stranger.address }),
        input(1000, { head: head('forged 1000'), receiptSigner: stranger.address }),
      ];
      const forgedBlocks: number[] = [];
      for (const a of forged) forgedBlocks.push((await sendAnchor(stranger, anchorContract, a)).blockNumber);

      // The service may still continue its own sequence: the stranger's 1000 is not its "last".
      const next = input(4);
      serviceSent.push(next);
      serviceBlocks.push((await sendAnchor(service, anchorContract, next)).blockNumber);

      const serviceExpected = await Promise.all(serviceSent.map((a, i) => expected(a, serviceBlocks[i]!)));
      const forgedExpected = await Promise.all(forged.map((a, i) => expected(a, forgedBlocks[i]!)));
      expect(await readAnchors(provider, anchorContract, service.address, SPACE)).toEqual(serviceExpected);
      expect(await readAnchors(provider, anchorContract, stranger.address, SPACE)).toEqual(forgedExpected);
      expect(toAnchor(await anchorContract.latest(service.address, SPACE)).sequence).toBe(4);
      expect(toAnchor(await anchorContract.latest(stranger.address, SPACE)).sequence).toBe(1000);

      // Another space of the same sender starts afresh, and a name differing in case is another space.
      expect(await count(service.address, 'other')).toBe(0);
      expect(await count(service.address, 'Demo')).toBe(0);
      const other = await sendAnchor(service, anchorContract, input(1, { space: 'other', head: head('other 1') }));
      expect(await readAnchors(provider, anchorContract, service.address, 'other')).toEqual([
        await expected(input(1, { space: 'other', head: head('other 1') }), other.blockNumber),
      ]);
      expect(await count(service.address)).toBe(4);
      expect(await count(stranger.address)).toBe(2);
      expect(await count(stranger.address, 'other')).toBe(0);
    });
  });

  describe('firstCovering', () => {
    const sequences = [3, 10, 11, 25, 40, 41, 100];

    it('finds the first anchor at or above a sequence (before the first, exact, between, after the last)', async () => {
      // Nothing anchored: not found, index 0.
      const none = await anchorContract.firstCovering(service.address, SPACE, 1);
      expect([none.found, none.index, none.covering.sequence]).toEqual([false, 0n, 0n]);

      for (const s of sequences) await mined(anchorTx(input(s)));
      // Noise: another sender and another space must not be searched.
      await mined(anchorTx(input(50), stranger));
      await mined(anchorTx(input(50, { space: 'other' })));

      const at = async (q: number) => {
        const r = await anchorContract.firstCovering(service.address, SPACE, q);
        return { found: r.found, index: Number(r.index), sequence: Number(r.covering.sequence) };
      };
      expect(await at(1)).toEqual({ found: true, index: 0, sequence: 3 }); // before the first
      expect(await at(3)).toEqual({ found: true, index: 0, sequence: 3 }); // exactly the first
      expect(await at(25)).toEqual({ found: true, index: 3, sequence: 25 }); // exact
      expect(await at(26)).toEqual({ found: true, index: 4, sequence: 40 }); // between
      expect(await at(11)).toEqual({ found: true, index: 2, sequence: 11 }); // exact, right after a neighbour
      expect(await at(100)).toEqual({ found: true, index: 6, sequence: 100 }); // exactly the last
      expect(await at(101)).toEqual({ found: false, index: 7, sequence: 0 }); // after the last
      expect(await at(50)).toEqual({ found: true, index: 6, sequence: 100 }); // the stranger's 50 is not ours

      // Every sequence from 0 to 101 agrees with a linear search, and the anchor returned is the stored one.
      const queries = Array.from({ length: 102 }, (_, q) => q);
      const answers = await Promise.all(queries.map((q) => anchorContract.firstCovering(service.address, SPACE, q)));
      const stored = await readAnchors(provider, anchorContract, service.address, SPACE);
      answers.forEach((r, q) => {
        const index = sequences.findIndex((s) => s >= q);
        expect({ q, found: r.found, index: Number(r.index) }).toEqual({
          q,
          found: index >= 0,
          index: index >= 0 ? index : sequences.length,
        });
        if (index >= 0) expect(toAnchor(r.covering)).toEqual(stored[index]);
      });

      // The full uint64 range: the largest sequence is covered by nothing here.
      const max = await anchorContract.firstCovering(service.address, SPACE, 2n ** 64n - 1n);
      expect(max.found).toBe(false);
    });
  });

  describe('readAnchors', () => {
    it('returns exactly what was sent, in order, in batches of at most 100 calls, and at a past block', async () => {
      // 150 anchors, sent back to back (explicit nonces; the chain mines each at once).
      const total = 150;
      const sent = Array.from({ length: total }, (_, i) =>
        input(2 * i + 1, {
          batchCid: i % 2 ? CID_A : CID_B,
          receiptSigner: i < 100 ? receiptKey.address : stranger.address,
        }),
      );
      let nonce = await provider.getTransactionCount(service.address, 'pending');
      const txs: ContractTransactionResponse[] = [];
      for (const a of sent) {
        txs.push(
          await anchorContract
            .connect(service)
            .anchor(a.space, a.sequence, a.head, a.batchCid, a.receiptSigner, { nonce: nonce++, gasLimit: 300_000 }),
        );
      }
      const receipts = await Promise.all(txs.map((tx) => tx.wait()));
      expect(receipts.every((r) => r?.status === 1)).toBe(true);
      const want = await Promise.all(sent.map((a, i) => expected(a, receipts[i]!.blockNumber)));

      // A provider that would put all 150 calls in one JSON-RPC batch: iotex-core (and the local
      // endpoint) refuse batches of more than 100, so this passes only if readAnchors chunks its calls.
      const greedy = new JsonRpcProvider(chain.url, chain.chainId, {
        staticNetwork: true,
        cacheTimeout: -1,
        batchMaxCount: 1000,
        batchStallTime: 50,
      });
      let requests = 0;
      const sendRequest = greedy._send.bind(greedy);
      greedy._send = (payload) => {
        requests++;
        return sendRequest(payload);
      };
      try {
        const got = await readAnchors(greedy, anchorContract, service.address, SPACE);
        expect(got).toEqual(want);
        // anchorCount, then two chunks: 100 + 50 calls.
        expect(requests).toBe(3);
      } finally {
        greedy.destroy();
      }

      // At a past block: the anchors as they were then.
      const at = receipts[49]!.blockNumber;
      expect(await readAnchors(provider, anchorContract, service.address, SPACE, { blockTag: at })).toEqual(
        want.slice(0, 50),
      );
      expect(
        await readAnchors(provider, anchorContract, service.address, SPACE, { blockTag: receipts[0]!.blockNumber - 1 }),
      ).toEqual([]);
      expect(await readAnchors(provider, anchorContract, stranger.address, SPACE)).toEqual([]);
    });
  });

  describe('gas', () => {
    it('measures the first anchor of a space and a later one (59- and 61-character CIDv1 batch CIDs)', async () => {
      const sent = [
        input(1, { space: 'iotex', batchCid: CID_59_A }),
        input(128, { space: 'iotex', batchCid: CID_59_B }),
        input(256, { space: 'iotex', batchCid: CID_A }),
      ];
      const [first, later, laterDagJson] = [
        await sendAnchor(service, anchorContract, sent[0]!),
        await sendAnchor(service, anchorContract, sent[1]!),
        await sendAnchor(service, anchorContract, sent[2]!),
      ];
      gas.firstAnchor59 = first.gasUsed;
      gas.laterAnchor59 = later.gasUsed;
      gas.laterAnchor61 = laterDagJson.gasUsed;
      // The first anchor of a space also creates its list (the length slot goes from zero to non-zero).
      expect(first.gasUsed).toBeGreaterThan(later.gasUsed + 10_000n);
      // Six fresh storage slots per anchor (3 words of fields, the CID's length word and two data words).
      expect(later.gasUsed).toBeGreaterThan(6n * 22_100n);
      expect(first.gasUsed).toBeLessThan(250_000n);
      // Two more CID bytes only cost their calldata: the CID still takes two data words.
      expect(laterDagJson.gasUsed - later.gasUsed).toBeLessThan(200n);
      expect(gas.deploy).toBeGreaterThan(0n);
      expect(gas.deploy).toBeLessThan(2_000_000n);
      expect(await readAnchors(provider, anchorContract, service.address, 'iotex')).toEqual(
        await Promise.all(sent.map((a, i) => expected(a, [first, later, laterDagJson][i]!.blockNumber))),
      );
    });
  });

  // ------------------------------------------------------------------------------ npm run deploy-anchor

  describe('npm run deploy-anchor', () => {
    /** Runs the script in a child process (asynchronously: the chain's endpoint lives in this one). */
    function deployAnchor(args: string[], key: string | undefined): Promise<{ status: number | null; out: string }> {
      const env: NodeJS.ProcessEnv = { ...process.env, RPC_URL: '' };
      if (key === undefined) delete env.DEPLOYER_PRIVATE_KEY;
      else env.DEPLOYER_PRIVATE_KEY = key;
      return new Promise((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'scripts/deploy-anchor.ts', ...args],
          { cwd: REPO_ROOT, env, timeout: 90_000 },
          (error, stdout, stderr) =>
            resolve({ status: error ? (error.code as number | null) : 0, out: `${stdout}${stderr}` }),
        );
      });
    }

    it('deploys a LogAnchor with a dev key and names its address, block and gas (exit 0)', async () => {
      const deployer = devWallet(7);
      const { status, out } = await deployAnchor(['--rpc', chain.url], deployer.privateKey);
      expect(out).toContain(`deploying LogAnchor from ${deployer.address} on chain ${chain.chainId}`);
      const address = /^\s+address\s+(0x[0-9a-fA-F]{40})$/m.exec(out)?.[1];
      const block = /^\s+block\s+(\d+)$/m.exec(out)?.[1];
      const gasUsed = /^\s+gas\s+(\d+)$/m.exec(out)?.[1];
      expect({ status, address: typeof address, block: typeof block, gasUsed: typeof gasUsed }).toEqual({
        status: 0,
        address: 'string',
        block: 'string',
        gasUsed: 'string',
      });
      expect(out).toContain(`"anchor": { "contract": "${address}", "sender": "0x…" }`);
      const code = (await provider.send('eth_getCode', [address, 'latest'])) as string;
      expect(code).toBe((await loadLogAnchorArtifact()).deployedBytecode);
      const receipt = await provider.getTransactionReceipt((await provider.getBlock(Number(block)))!.transactions[0]!);
      expect(receipt?.contractAddress).toBe(address);
      expect(receipt?.gasUsed).toBe(BigInt(gasUsed!));
      expect(receipt?.gasUsed).toBe(gas.deploy);
      // It works: the deployer of the script anchors there like anywhere else.
      const deployed = connectLogAnchor(address!, provider);
      await sendAnchor(service, deployed, input(1));
      expect(await deployed.anchorCount(service.address, SPACE)).toBe(1n);
    });

    it('explains its usage without a key or with a malformed one (exit 2)', async () => {
      const missing = await deployAnchor(['--rpc', chain.url], undefined);
      expect(missing.status).toBe(2);
      expect(missing.out).toMatch(/deploy-anchor: DEPLOYER_PRIVATE_KEY is not set/);
      expect(missing.out).toMatch(/usage: DEPLOYER_PRIVATE_KEY=0x… npm run deploy-anchor -- \[--rpc <url>\]/);
      const malformed = await deployAnchor(['--rpc', chain.url], '0x1234');
      expect(malformed.status).toBe(2);
      expect(malformed.out).toMatch(/DEPLOYER_PRIVATE_KEY must be 0x and 64 hex digits/);
      const unknown = await deployAnchor(['--rcp', chain.url], devWallet(7).privateKey);
      expect(unknown.status).toBe(2);
      expect(unknown.out).toMatch(/Unknown option '--rcp'/);
    });

    it('says so when no chain answers (exit 2) or the deployer cannot pay (exit 1)', async () => {
      const nobody = await deployAnchor(['--rpc', 'http://127.0.0.1:9'], devWallet(7).privateKey);
      expect(nobody.status).toBe(2);
      expect(nobody.out).toMatch(/deploy-anchor: the chain at http:\/\/127\.0\.0\.1:9 does not answer/);

      const broke = Wallet.createRandom();
      const poor = await deployAnchor(['--rpc', chain.url], broke.privateKey);
      expect(poor.status).toBe(1);
      expect(poor.out).toMatch(
        new RegExp(
          `deploy-anchor: ${broke.address} has 0\\.0 IOTX; the deployment needs up to [0-9.]+ IOTX for \\d+ gas`,
        ),
      );
      expect(await provider.getTransactionCount(broke.address)).toBe(0);
    });
  });
});
