import '../polyfills.js';
import path from 'node:path';
import * as dagJson from '@ipld/dag-json';
import { FsBlockstore } from 'blockstore-fs';
import { FsDatastore } from 'datastore-fs';
import { createHelia, createHeliaLight, type Helia } from 'helia';
import { decodeDocument, encodeDocument, type CID } from './codec.js';
import type { IpfsStore } from './store.js';

export interface EmbeddedOptions {
  /** Blocks and node state live here, so pins survive restarts. */
  directory: string;
  /** Join the IPFS network (libp2p, bitswap) so others can fetch what is pinned; otherwise store only. */
  network: boolean;
}

export async function openEmbeddedIpfs({ directory, network }: EmbeddedOptions): Promise<IpfsStore> {
  const init = {
    blockstore: new FsBlockstore(path.join(directory, 'blocks')),
    datastore: new FsDatastore(path.join(directory, 'datastore')),
    codecs: [dagJson],
  };
  const helia: Helia = network ? createHelia(init) : createHeliaLight(init);
  await helia.start();
  return {
    backend: 'embedded',
    async put(document) {
      const { cid, bytes } = await encodeDocument(document);
      await helia.blockstore.put(cid, bytes);
      if (!(await helia.pins.isPinned(cid))) {
        for await (const _ of helia.pins.add(cid)) void _;
      }
      return cid;
    },
    async get(cid: CID) {
      // Local only: a missing block is an error here, not a network search.
      return decodeDocument(cid, await collect(helia.blockstore.get(cid, { offline: true })));
    },
    close: async () => {
      await helia.stop();
    },
  };
}

async function collect(chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}
