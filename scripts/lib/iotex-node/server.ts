// The HTTP side of iotex-core's web3 API (api/http.go, api/web3server.go HandlePOSTReq and
// handleWeb3Req, api/web3server_marshal.go): request parsing, the batch limit, ids, the response
// envelope, and which handler answers each method.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { NodeContext } from './context.js';
import { HandlerPanic, NOT_A_STATUS, UpstreamError, Web3Error, type RpcErrorObject } from './errors.js';
import {
  ethCall,
  ethEstimateGas,
  ethGetBalance,
  ethGetCode,
  ethGetStorageAt,
  ethGetTransactionCount,
} from './methods.js';

/** api.batchRequestLimit, default _defaultBatchRequestLimit = 100 (api/web3server.go:42-43, api/config.go:47). */
export const BATCH_REQUEST_LIMIT = 100;

type Call = Record<string, unknown>;
interface Answer {
  jsonrpc: '2.0';
  id: unknown;
  result?: unknown;
  error?: RpcErrorObject;
}

/** Methods that only read: consecutive ones in a batch run together against one tip. */
const READ_ONLY = new Set([
  'eth_call',
  'eth_getBalance',
  'eth_getCode',
  'eth_getStorageAt',
  'eth_getTransactionCount',
  'eth_blockNumber',
  'eth_chainId',
  'net_version',
  'web3_clientVersion',
  'eth_getBlockByNumber',
  'eth_getBlockByHash',
  'eth_getTransactionByHash',
  'eth_getTransactionReceipt',
  'eth_getLogs',
  'eth_gasPrice',
  'eth_maxPriorityFeePerGas',
  'eth_feeHistory',
  'eth_estimateGas',
  'net_listening',
  'eth_syncing',
]);

/** One call's result; everything not emulated is the upstream's answer, unchanged. */
async function execute(ctx: NodeContext, method: unknown, params: unknown): Promise<unknown> {
  switch (method) {
    case 'web3_clientVersion':
      return ctx.profile.clientVersion; // api/web3server.go:799-802
    case 'net_version':
      // strconv.Itoa(EVMNetworkID()) (api/web3server.go:804-806): decimal.
      return BigInt(await ctx.upstream.call<string>('eth_chainId')).toString(10);
    case 'eth_call':
      return ethCall(ctx, params);
    case 'eth_getBalance':
      return ethGetBalance(ctx, params);
    case 'eth_getCode':
      return ethGetCode(ctx, params);
    case 'eth_getStorageAt':
      return ethGetStorageAt(ctx, params);
    case 'eth_getTransactionCount':
      return ethGetTransactionCount(ctx, params);
    case 'eth_estimateGas':
      return ethEstimateGas(ctx, params);
    default: {
      const response = await ctx.upstream.send(String(method), params);
      if (response.error) throw new UpstreamError(response.error);
      return response.result;
    }
  }
}

/** handleWeb3Req (api/web3server.go:170-302) for one call. */
async function answer(ctx: NodeContext, call: Call): Promise<Answer> {
  let result: unknown;
  let error: RpcErrorObject | undefined;
  try {
    result = await execute(ctx, call.method, call.params);
  } catch (err) {
    if (err instanceof HandlerPanic) throw err;
    if (err instanceof Web3Error) error = err.toJSON();
    else if (err instanceof UpstreamError) error = err.error;
    else error = { code: NOT_A_STATUS, message: (err as Error).message };
  }
  // A string id is echoed, a number goes through reqID.Int(), anything else gives id 0 and
  // "invalid id type", after the method ran (:290-300).
  let id: unknown;
  if (typeof call.id === 'string') id = call.id;
  else if (typeof call.id === 'number') id = Math.trunc(call.id);
  else {
    id = 0;
    error = { code: NOT_A_STATUS, message: 'invalid id type' };
  }
  return error ? { jsonrpc: '2.0', id, error } : { jsonrpc: '2.0', id, result: result ?? null };
}

/** A request-level error: no id (web3Response.id unset, so null). */
const requestError = (message: string): Answer => ({
  jsonrpc: '2.0',
  id: null,
  error: { code: NOT_A_STATUS, message },
});

/**
 * HandlePOSTReq (api/web3server.go:114-156). Returns the JSON to write, or throws HandlerPanic.
 * `newContext` gives a context with its own tip: one per run of read-only calls.
 */
export async function handleBody(body: string, newContext: () => NodeContext): Promise<unknown> {
  // parseWeb3Reqs (:304-327): invalid JSON, then every element needs an id and a method.
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return requestError('failed to parse web3 requests.: request json format is not valid');
  }
  const calls = Array.isArray(parsed) ? parsed : [parsed];
  const complete = (c: unknown): c is Call =>
    c !== null && typeof c === 'object' && !Array.isArray(c) && 'id' in c && 'method' in c;
  if (!calls.every(complete)) return requestError('failed to parse web3 requests.: request field is incomplete');
  if (!Array.isArray(parsed)) return answer(newContext(), parsed as Call);
  if (calls.length > BATCH_REQUEST_LIMIT) {
    // One error object for the whole batch, nothing executed, HTTP 200 (:137-148).
    return requestError(`batch size ${calls.length} exceeds the limit ${BATCH_REQUEST_LIMIT}: batch too large`);
  }
  // iotex-core answers the calls one after the other, in order (:149-155). Reads between two
  // writes cannot see each other, so they run together; a call that may change the chain runs alone.
  const answers: Answer[] = [];
  for (let i = 0; i < calls.length;) {
    let j = i + 1;
    if (READ_ONLY.has(String(calls[i]!.method)))
      while (j < calls.length && READ_ONLY.has(String(calls[j]!.method))) j++;
    const ctx = newContext();
    answers.push(...(await Promise.all(calls.slice(i, j).map((c) => answer(ctx, c)))));
    i = j;
  }
  return answers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** api/http.go ServeHTTP (:69-102). */
export function createWeb3Server(newContext: () => NodeContext): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'OPTIONS') {
      // Not iotex-core (it answers every non-POST with the text below, and public endpoints add
      // CORS in front of it): a browser's preflight must pass to reach a local node.
      res.writeHead(204, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
        'Access-Control-Allow-Headers': '*',
      });
      res.end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('IoTeX RPC endpoint is ready.');
      return;
    }
    void (async () => {
      try {
        const out = await handleBody(await readBody(req), newContext);
        res.writeHead(200, {
          'Access-Control-Allow-Origin': '*',
          'Content-Type': 'application/json; charset=UTF-8',
        });
        res.end(JSON.stringify(out));
      } catch {
        // A recovered panic (or anything else HandlePOSTReq returns): 500, empty body (:98-101).
        if (!res.headersSent) res.writeHead(500);
        res.end();
      }
    })();
  });
}
