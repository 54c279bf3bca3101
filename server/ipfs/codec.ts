import * as dagJson from '@ipld/dag-json';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';

// Every pinned document is DAG-JSON addressed by a CIDv1 with sha2-256, so its CID can be computed
// here, before any node has it, and anyone can check it from the bytes alone.

export { CID };

export interface EncodedDocument {
  cid: CID;
  bytes: Uint8Array;
}

export async function encodeDocument(document: unknown): Promise<EncodedDocument> {
  const bytes = dagJson.encode(document);
  const digest = await sha256.digest(bytes);
  return { cid: CID.createV1(dagJson.code, digest), bytes };
}

/** Bytes fetched for a CID that do not hash to it: whoever served them swapped the document. */
export class DocumentMismatch extends Error {}

/** Decodes bytes fetched for `cid`, refusing bytes that do not hash to it. */
export async function decodeDocument(cid: CID, bytes: Uint8Array): Promise<unknown> {
  if (cid.code !== dagJson.code) throw new DocumentMismatch(`${cid} is not a dag-json document`);
  const digest = await sha256.digest(bytes);
  const expected = CID.createV1(dagJson.code, digest);
  if (!expected.equals(cid.toV1())) throw new DocumentMismatch(`the bytes fetched for ${cid} do not match it`);
  return dagJson.decode(bytes);
}

export function parseCid(text: string): CID {
  try {
    return CID.parse(text);
  } catch {
    throw new Error(`not a CID: "${text}"`);
  }
}
