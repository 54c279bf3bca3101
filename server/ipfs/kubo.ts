import { create } from 'kubo-rpc-client';
import { decodeDocument, encodeDocument, type CID } from './codec.js';
import type { IpfsStore } from './store.js';

/** A Kubo node over its RPC API. The node is not trusted: CIDs and fetched bytes are checked here. */
export function openKuboIpfs(apiUrl: string): IpfsStore {
  const kubo = create({ url: apiUrl });
  return {
    backend: 'kubo',
    async put(document) {
      const { cid, bytes } = await encodeDocument(document);
      const stored = await kubo.block.put(bytes, { format: 'dag-json', mhtype: 'sha2-256', version: 1, pin: true });
      if (!stored.equals(cid)) throw new Error(`Kubo stored ${cid} as ${stored}`);
      return cid;
    },
    async get(cid: CID) {
      return decodeDocument(cid, await kubo.block.get(cid));
    },
    async close() {},
  };
}
