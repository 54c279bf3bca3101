import path from 'node:path';
import type { Config } from '../config.js';
import { openEmbeddedIpfs } from './embedded.js';
import { openKuboIpfs } from './kubo.js';
import type { IpfsStore } from './store.js';

export type { IpfsStore } from './store.js';
export { encodeDocument, decodeDocument, parseCid, CID } from './codec.js';

export function openIpfs(config: Pick<Config, 'ipfsApiUrl' | 'ipfsEmbeddedNetwork' | 'dataDir'>): Promise<IpfsStore> {
  if (config.ipfsApiUrl) return Promise.resolve(openKuboIpfs(config.ipfsApiUrl));
  return openEmbeddedIpfs({ directory: path.join(config.dataDir, 'ipfs'), network: config.ipfsEmbeddedNetwork });
}
