import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// A JSON-RPC proxy on 127.0.0.1 in front of a real node: it counts the HTTP requests and calls that
// pass through it, and can behave like the two kinds of IoTeX node the service must refuse for
// historic reads (real traffic, forwarded to the real node, only the block numbers handled as
// those nodes handle them):
// - 'ignore-block-tags': answers every read with the head's state, whatever block it names, as
//   iotex-core before v2.4.0 did for eth_call to the staking address;
// - 'non-archive': refuses reads at any block but the head, as a non-archive iotex-core v2.4 node does.

export type NodeBehaviour = 'archive' | 'ignore-block-tags' | 'non-archive';

export interface RpcProxy {
  url: string;
  /** HTTP requests received. */
  requests: number;
  /** JSON-RPC calls received (a batch counts each of its calls). */
  calls: number;
  /** Calls per method. */
  methods: Map<string, number>;
  /** The most calls one HTTP request carried. */
  largestBatch: number;
  behaviour: NodeBehaviour;
  reset(): void;
  close(): Promise<void>;
}

interface Call {
  jsonrpc: string;
  id: number | string;
  method: string;
  params?: unknown[];
}

/** Methods whose last parameter is a block tag. */
const BLOCK_PARAM: Record<string, number> = { eth_call: 1, eth_getBalance: 1, eth_getCode: 1 };

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startRpcProxy(upstream: string): Promise<RpcProxy> {
  const state = {
    requests: 0,
    calls: 0,
    methods: new Map<string, number>(),
    largestBatch: 0,
    behaviour: 'archive' as NodeBehaviour,
  };

  const forward = async (calls: Call[]): Promise<unknown[]> => {
    const res = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls),
    });
    return (await res.json()) as unknown[];
  };

  const handle = async (calls: Call[]): Promise<unknown[]> => {
    if (state.behaviour === 'archive') return forward(calls);
    const head = Number(
      ((await forward([{ jsonrpc: '2.0', id: 0, method: 'eth_blockNumber' }]))[0] as { result: string }).result,
    );
    const refused: unknown[] = [];
    const passed: Call[] = [];
    for (const call of calls) {
      const at = BLOCK_PARAM[call.method];
      const tag = at === undefined ? undefined : call.params?.[at];
      const historic = typeof tag === 'string' && tag.startsWith('0x') && Number(tag) !== head;
      if (historic && state.behaviour === 'non-archive') {
        refused.push({
          jsonrpc: '2.0',
          id: call.id,
          error: { code: -32000, message: 'historical state is not available on a non-archive node' },
        });
      } else if (historic) {
        passed.push({ ...call, params: call.params!.map((p, i) => (i === at ? 'latest' : p)) });
      } else passed.push(call);
    }
    return [...refused, ...(passed.length > 0 ? await forward(passed) : [])];
  };

  const server = createServer(async (req, res) => {
    state.requests++;
    try {
      const parsed = JSON.parse(await body(req)) as Call | Call[];
      const calls = Array.isArray(parsed) ? parsed : [parsed];
      state.calls += calls.length;
      state.largestBatch = Math.max(state.largestBatch, calls.length);
      for (const call of calls) state.methods.set(call.method, (state.methods.get(call.method) ?? 0) + 1);
      const answers = await handle(calls);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(Array.isArray(parsed) ? answers : answers[0]));
    } catch (error) {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32603, message: (error as Error).message } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}`,
    reset() {
      state.requests = 0;
      state.calls = 0;
      state.methods.clear();
      state.largestBatch = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}
