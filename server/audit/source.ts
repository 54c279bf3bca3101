import path from 'node:path';
import { decodeDocument, DocumentMismatch, encodeDocument, parseCid, type CID } from '../ipfs/codec.js';
import { openEmbeddedIpfs } from '../ipfs/embedded.js';

/** Where the audit reads documents: any IPFS gateway, or a local node's files. Nothing is trusted. */
export interface DocumentSource {
  get(cid: string): Promise<unknown>;
  close(): Promise<void>;
}

/**
 * An HTTP gateway (`<url>/ipfs/<cid>`): asks for the raw block; a gateway that answers with JSON
 * instead (as this service's /ipfs does) is checked by encoding the JSON again. Either way the
 * bytes must hash to the CID.
 */
export function gatewaySource(gatewayUrl: string): DocumentSource {
  const base = gatewayUrl.replace(/\/+$/, '');
  return {
    async get(text) {
      const cid = parseCid(text);
      const response = await fetch(`${base}/ipfs/${cid}?format=raw`, {
        headers: { accept: 'application/vnd.ipld.raw' },
      });
      if (!response.ok) throw new Error(`${cid}: the gateway answered ${response.status}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      return verified(cid, bytes);
    },
    async close() {},
  };
}

async function verified(cid: CID, bytes: Uint8Array): Promise<unknown> {
  try {
    return await decodeDocument(cid, bytes);
  } catch {
    let document: unknown;
    try {
      document = JSON.parse(Buffer.from(bytes).toString('utf8'));
    } catch {
      throw new DocumentMismatch(`${cid}: the gateway's bytes are not the document the CID names`);
    }
    if (!(await encodeDocument(document)).cid.equals(cid))
      throw new DocumentMismatch(`${cid}: the gateway's document does not match the CID`);
    return document;
  }
}

/** A local embedded node's store (e.g. a copy of the service's DATA_DIR/ipfs), read offline. */
export async function localNodeSource(dataDir: string): Promise<DocumentSource> {
  const store = await openEmbeddedIpfs({ directory: path.join(dataDir, 'ipfs'), network: false });
  return { get: (cid) => store.get(parseCid(cid)), close: () => store.close() };
}
