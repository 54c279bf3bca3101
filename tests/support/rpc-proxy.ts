import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

// A JSON-RPC proxy on 127.0.0.1 in front of a real node: it counts the HTTP requests and calls that
// pass through it and, for tests that play a faulty or dishonest node, can answer a request itself or
// change an answer on its way back. (Kinds of real IoTeX node are the local chain's own profiles:
// scripts/lib/iotex-node.)

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
  hooks: ProxyHooks;
  reset(): void;
  close(): Promise<void>;
}

export interface ProxyCall {
  jsonrpc: string;
  id: number | string;
  method: string;
  params?: unknown[];
}

export interface ProxyAnswer {
  jsonrpc: string;
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface ProxyHooks {
  /** An HTTP answer of its own for this request, instead of forwarding it. */
  intercept?(calls: ProxyCall[]): { status: number; body: string } | undefined;
  /** The answer to one call, changed on its way back. */
  rewrite?(call: ProxyCall, answer: ProxyAnswer): ProxyAnswer;
}

type Call = ProxyCall;

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
    hooks: {} as ProxyHooks,
  };

  const forward = async (calls: Call[]): Promise<unknown[]> => {
    const res = await fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(calls),
    });
    const answers = (await res.json()) as ProxyAnswer[];
    const { rewrite } = state.hooks;
    if (!rewrite || !Array.isArray(answers)) return answers;
    return answers.map((answer) => {
      const call = calls.find((c) => c.id === answer.id);
      return call ? rewrite(call, answer) : answer;
    });
  };

  const server = createServer(async (req, res) => {
    state.requests++;
    try {
      const parsed = JSON.parse(await body(req)) as Call | Call[];
      const calls = Array.isArray(parsed) ? parsed : [parsed];
      state.calls += calls.length;
      state.largestBatch = Math.max(state.largestBatch, calls.length);
      for (const call of calls) state.methods.set(call.method, (state.methods.get(call.method) ?? 0) + 1);
      const own = state.hooks.intercept?.(calls);
      if (own) {
        res.writeHead(own.status);
        res.end(own.body);
        return;
      }
      const answers = await forward(calls);
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
