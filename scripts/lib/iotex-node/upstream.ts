// The upstream (Hardhat) node: calls made in the same turn of the event loop travel as one
// JSON-RPC batch, so a batch of reads sent to the emulator costs one round trip or two upstream.
import { UpstreamError, type RpcErrorObject } from './errors.js';

export interface UpstreamResponse {
  result?: unknown;
  error?: RpcErrorObject;
}

interface Queued {
  method: string;
  params: unknown;
  resolve: (response: UpstreamResponse) => void;
  reject: (error: Error) => void;
}

export class Upstream {
  private queue: Queued[] = [];
  private scheduled = false;
  private nextId = 1;

  constructor(readonly url: string) {}

  /** The upstream's answer as it is: a result or an error object. */
  send(method: string, params: unknown): Promise<UpstreamResponse> {
    return new Promise((resolve, reject) => {
      this.queue.push({ method, params, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  /** The result; an upstream error object rejects as UpstreamError. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    const response = await this.send(method, params);
    if (response.error) throw new UpstreamError(response.error);
    return response.result as T;
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    const ids = batch.map(() => this.nextId++);
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(
          batch.map((q, i) => ({
            jsonrpc: '2.0',
            id: ids[i],
            method: q.method,
            ...(q.params === undefined ? {} : { params: q.params }),
          })),
        ),
      });
      const text = await res.text();
      let answers: unknown;
      try {
        answers = JSON.parse(text);
      } catch {
        throw new Error(`upstream ${this.url} answered HTTP ${res.status} with no JSON: ${text.slice(0, 200)}`);
      }
      if (!Array.isArray(answers)) {
        // A whole-batch refusal: every call gets it.
        const error = (answers as UpstreamResponse).error ?? { code: -32603, message: text.slice(0, 200) };
        for (const q of batch) q.resolve({ error });
        return;
      }
      const byId = new Map((answers as (UpstreamResponse & { id?: unknown })[]).map((a) => [a.id, a]));
      batch.forEach((q, i) => {
        const answer = byId.get(ids[i]);
        if (!answer) q.reject(new Error(`upstream ${this.url} did not answer ${q.method}`));
        else q.resolve(answer.error ? { error: answer.error } : { result: answer.result });
      });
    } catch (error) {
      for (const q of batch) q.reject(error as Error);
    }
  }
}
