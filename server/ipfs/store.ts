import type { CID } from './codec.js';

/** Where documents are pinned: the embedded Helia node or a Kubo node. */
export interface IpfsStore {
  readonly backend: 'embedded' | 'kubo';
  /** Stores and pins the document; returns its CID, the same one `encodeDocument` computes. */
  put(document: unknown): Promise<CID>;
  /** The document, verified against its CID. */
  get(cid: CID): Promise<unknown>;
  close(): Promise<void>;
}
