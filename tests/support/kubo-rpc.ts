import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as dagJson from '@ipld/dag-json';
import { CID } from 'multiformats/cid';
import { sha256 } from 'multiformats/hashes/sha2';

// No Kubo daemon can be installed on these machines (its binary comes from outside the npm registry),
// so the Kubo backend is tested against this server, which speaks the two Kubo RPC endpoints the
// backend uses, as Kubo documents them: POST /api/v0/block/put (multipart body, ?format=&mhtype=&pin=)
// → {"Key","Size"}, and POST /api/v0/block/get?arg=<cid> → the raw block.

export interface KuboRpcStandIn {
  url: string;
  blocks: Map<string, Uint8Array>;
  pinned: Set<string>;
  /** Makes block/get answer with other bytes, as a faulty or hostile node would. */
  corrupt: boolean;
  close(): Promise<void>;
}

const CODECS: Record<string, number> = { 'dag-json': dagJson.code, raw: 0x55 };

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The single file part of a multipart/form-data body. */
function multipartFile(raw: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  if (!boundary) throw new Error('no multipart boundary');
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const start = raw.indexOf(delimiter) + delimiter.length;
  const headersEnd = raw.indexOf('\r\n\r\n', start) + 4;
  const end = raw.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headersEnd);
  return raw.subarray(headersEnd, end);
}

export async function startKuboRpcStandIn(): Promise<KuboRpcStandIn> {
  const state = { blocks: new Map<string, Uint8Array>(), pinned: new Set<string>(), corrupt: false };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const fail = (status: number, message: string) => {
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(JSON.stringify({ Message: message, Code: 0, Type: 'error' }));
    };
    if (req.method !== 'POST') return fail(405, 'kubo rpc accepts POST only');
    try {
      if (url.pathname === '/api/v0/block/put') {
        const bytes = multipartFile(await body(req), req.headers['content-type'] ?? '');
        const codec = CODECS[url.searchParams.get('format') ?? 'raw'];
        if (codec === undefined || (url.searchParams.get('mhtype') ?? 'sha2-256') !== 'sha2-256')
          return fail(400, 'unsupported format');
        const cid = CID.createV1(codec, await sha256.digest(bytes));
        state.blocks.set(cid.toString(), bytes);
        if (url.searchParams.get('pin') === 'true') state.pinned.add(cid.toString());
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ Key: cid.toString(), Size: bytes.length }));
        return;
      }
      if (url.pathname === '/api/v0/block/get') {
        const block = state.blocks.get(CID.parse(url.searchParams.get('arg') ?? '').toString());
        if (!block) return fail(500, 'block was not found locally (offline)');
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        res.end(state.corrupt ? Buffer.from(JSON.stringify({ forged: true })) : block);
        return;
      }
      fail(404, `${url.pathname} is not served by this stand-in`);
    } catch (error) {
      fail(500, (error as Error).message);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
