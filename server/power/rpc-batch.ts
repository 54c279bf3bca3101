// JSON-RPC batches for the power reads. Calls made close together are queued and sent as JSON-RPC
// batch requests of at most `maxBatch` calls (iotex-core's web3 server refuses larger batches:
// api/web3server.go, _defaultBatchRequestLimit = 100). This is how reads to the staking protocol's
// address are batched: it is not an EVM contract, so Multicall cannot reach it.

/** Attempts per HTTP request when the connection fails. */
const RETRIES = 3;

export class RpcError extends Error {
  override name = 'RpcError';
  constructor(
    message: string,
    /** The node's JSON-RPC error code: set when the node itself answered the call with an error. */
    readonly code?: number,
    readonly data?: unknown,
    /** An HTTP answer that was not JSON-RPC: its status and body. */
    readonly http?: { status: number; body: string },
  ) {
    super(message);
  }
}

interface Pending {
  id: number;
  method: string;
  params: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface RpcResponse {
  id?: number | string | null;
  result?: unknown;
  error?: { code?: number; message?: string; data?: unknown };
}

export interface BatcherOptions {
  /** Calls per HTTP request; default 100 (iotex-core's limit). */
  maxBatch?: number;
  /** HTTP requests in flight at once; default 4. */
  maxConcurrent?: number;
  /** Per HTTP request; default 60 s. */
  timeoutMs?: number;
  /**
   * How long the first queued call waits for others before the queue is sent; default 5 ms. Calls
   * made in the same turn of the event loop always travel together; the wait also gathers
   * concurrent look-ups that arrive a moment apart (each after its own database read).
   */
  stallMs?: number;
}

export interface BatcherStats {
  requests: number;
  calls: number;
}

export class JsonRpcBatcher {
  private readonly maxBatch: number;
  private readonly maxConcurrent: number;
  private readonly timeoutMs: number;
  private readonly stallMs: number;
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private nextId = 1;
  /** Totals since creation, for benchmarks and logs. */
  readonly stats: BatcherStats = { requests: 0, calls: 0 };

  constructor(
    readonly url: string,
    options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 100;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.stallMs = options.stallMs ?? 5;
  }

  /** Queues one call; it goes out with every other call made within `stallMs` of the first queued one. */
  call<T = unknown>(method: string, params: unknown[]): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, method, params, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setTimeout(() => this.flush(), this.stallMs);
      }
    });
  }

  /**
   * One call in an HTTP request of its own, sent now: for a probe whose failure may take the whole
   * request down with it (iotex-core answers a recovered panic with HTTP 500 for every call in the
   * request, api/web3server.go HandlePOSTReq).
   */
  async callAlone<T = unknown>(method: string, params: unknown[]): Promise<T> {
    const id = this.nextId++;
    this.stats.requests++;
    this.stats.calls++;
    const [response] = await this.post([{ id, method, params, resolve: () => undefined, reject: () => undefined }]);
    if (!response || response.error) {
      throw new RpcError(
        response?.error?.message ?? `no answer to ${method}`,
        response?.error?.code,
        response?.error?.data,
      );
    }
    return response.result as T;
  }

  /** eth_call at a block number (or "latest"), returning the raw hex result. */
  ethCall(to: string, data: string, block: number | 'latest'): Promise<string> {
    return this.call<string>('eth_call', [{ to, data }, blockTag(block)]);
  }

  private flush(): void {
    this.scheduled = false;
    const queued = this.queue;
    this.queue = [];
    for (let i = 0; i < queued.length; i += this.maxBatch) void this.send(queued.slice(i, i + this.maxBatch));
  }

  private async send(batch: Pending[]): Promise<void> {
    if (this.inFlight >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight++;
    try {
      this.stats.requests++;
      this.stats.calls += batch.length;
      const responses = await this.post(batch);
      const byId = new Map(responses.map((response) => [Number(response.id), response]));
      for (const call of batch) {
        const response = byId.get(call.id);
        if (!response) call.reject(new RpcError(`no answer to ${call.method} in the batch response`));
        else if (response.error) {
          call.reject(
            new RpcError(response.error.message ?? 'unknown error', response.error.code, response.error.data),
          );
        } else call.resolve(response.result);
      }
    } catch (error) {
      for (const call of batch) call.reject(error as Error);
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private async post(batch: Pending[]): Promise<RpcResponse[]> {
    const body = JSON.stringify(batch.map(({ id, method, params }) => ({ jsonrpc: '2.0', id, method, params })));
    let response: Response | undefined;
    // Reads are idempotent: a request lost on the way (typically a kept-alive connection the node
    // closed as it was reused) is sent again. One that timed out is not: the node is overloaded.
    for (let attempt = 1; !response; attempt++) {
      try {
        response = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        const cause = (error as { cause?: { message?: string } }).cause?.message;
        const message = `the node at ${this.url} does not answer: ${(error as Error).message}${cause ? ` (${cause})` : ''}`;
        if (attempt >= RETRIES || (error as Error).name === 'TimeoutError') throw new RpcError(message);
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RpcError(
        `the node answered HTTP ${response.status} with no JSON: ${text.slice(0, 200)}`,
        undefined,
        undefined,
        {
          status: response.status,
          body: text,
        },
      );
    }
    // A node that refuses the whole batch (too large, rate limited) answers with one error object.
    if (!Array.isArray(parsed)) {
      const single = parsed as RpcResponse;
      throw new RpcError(
        `the node refused a batch of ${batch.length}: ${single.error?.message ?? text.slice(0, 200)}`,
        single.error?.code,
      );
    }
    return parsed as RpcResponse[];
  }
}

export function blockTag(block: number | 'latest'): string {
  return block === 'latest' ? 'latest' : `0x${block.toString(16)}`;
}
