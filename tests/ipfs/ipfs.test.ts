import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CID, decodeDocument, encodeDocument, openIpfs, type IpfsStore } from '../../server/ipfs/index.js';
import { startKuboRpcStandIn, type KuboRpcStandIn } from '../support/kubo-rpc.js';
import { tempDir } from '../support/temp.js';

const DOCUMENT = {
  type: 'Vote',
  from: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
  power: '1267650600228229401496703329721',
  choice: 1,
};

describe('document CIDs', () => {
  it('are CIDv1, dag-json, sha2-256, and the same for the same document', async () => {
    const first = await encodeDocument(DOCUMENT);
    const second = await encodeDocument({ ...DOCUMENT });
    expect(first.cid.toString()).toBe(second.cid.toString());
    expect(first.cid.version).toBe(1);
    expect(first.cid.code).toBe(0x0129); // dag-json
    expect(first.cid.multihash.code).toBe(0x12); // sha2-256
    // dag-json sorts keys, so field order does not change the CID.
    const reordered = await encodeDocument({ choice: 1, power: DOCUMENT.power, from: DOCUMENT.from, type: 'Vote' });
    expect(reordered.cid.equals(first.cid)).toBe(true);
    expect((await encodeDocument({ ...DOCUMENT, choice: 2 })).cid.equals(first.cid)).toBe(false);
  });

  it('refuse bytes that do not hash to the CID', async () => {
    const { cid, bytes } = await encodeDocument(DOCUMENT);
    await expect(decodeDocument(cid, bytes)).resolves.toEqual(DOCUMENT);
    const forged = (await encodeDocument({ ...DOCUMENT, choice: 2 })).bytes;
    await expect(decodeDocument(cid, forged)).rejects.toThrow(/do not match/);
  });
});

describe.each([
  ['local store only', false],
  ['joined to the IPFS network', true],
])('embedded Helia node (%s)', (_label, network) => {
  const dir = tempDir('helia');
  let store: IpfsStore;
  beforeAll(async () => {
    store = await openIpfs({ dataDir: dir.path, ipfsEmbeddedNetwork: network, ipfsApiUrl: undefined });
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  it('pins a document under the CID computed locally and reads it back', async () => {
    const expected = (await encodeDocument(DOCUMENT)).cid;
    const cid = await store.put(DOCUMENT);
    expect(cid.toString()).toBe(expected.toString());
    expect(await store.put(DOCUMENT)).toEqual(cid);
    await expect(store.get(cid)).resolves.toEqual(DOCUMENT);
  });

  it('fails for a CID it does not have', async () => {
    const missing = (await encodeDocument({ never: 'stored' })).cid;
    await expect(store.get(missing)).rejects.toThrow();
  });
});

describe('embedded node storage', () => {
  it('keeps pinned documents across restarts', async () => {
    const dir = tempDir('helia-restart');
    const config = { dataDir: dir.path, ipfsEmbeddedNetwork: false, ipfsApiUrl: undefined };
    const first = await openIpfs(config);
    const cid = await first.put(DOCUMENT);
    await first.close();
    const second = await openIpfs(config);
    await expect(second.get(CID.parse(cid.toString()))).resolves.toEqual(DOCUMENT);
    await second.close();
    dir.remove();
  });
});

describe('Kubo backend (IPFS_API_URL)', () => {
  let kubo: KuboRpcStandIn;
  let store: IpfsStore;
  beforeAll(async () => {
    kubo = await startKuboRpcStandIn();
    store = await openIpfs({ dataDir: '/nonexistent', ipfsEmbeddedNetwork: false, ipfsApiUrl: kubo.url });
  });
  afterAll(async () => {
    await store.close();
    await kubo.close();
  });

  it('stores dag-json blocks pinned, under the locally computed CID, and reads them back', async () => {
    const cid = await store.put(DOCUMENT);
    expect(cid.toString()).toBe((await encodeDocument(DOCUMENT)).cid.toString());
    expect(kubo.pinned.has(cid.toString())).toBe(true);
    await expect(store.get(cid)).resolves.toEqual(DOCUMENT);
  });

  it('does not trust the node: other bytes for a CID are refused', async () => {
    const cid = await store.put(DOCUMENT);
    kubo.corrupt = true;
    await expect(store.get(cid)).rejects.toThrow(/do not match/);
    kubo.corrupt = false;
  });
});
