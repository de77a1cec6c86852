import { vi } from 'vitest';

/** What the browser would have sent. */
export type FetchCall = { url: string; method: string; body: string | undefined; headers: Record<string, string> };

/**
 * A fake server for the API client's tests: answers in turn from `answers` (a Response, or a function making one
 * when the same answer is built fresh for each call), and records each call. Undo with `vi.unstubAllGlobals()`.
 */
export const fakeFetch = (answers: (Response | (() => Response))[]): FetchCall[] => {
  const calls: FetchCall[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push({
        url: String(input),
        method: init?.method ?? 'GET',
        body: typeof init?.body === 'string' ? init.body : undefined,
        headers: { ...(init?.headers as Record<string, string> | undefined) },
      });
      const next = answers.shift();
      if (!next) throw new Error(`unexpected call ${init?.method ?? 'GET'} ${String(input)}`);
      return typeof next === 'function' ? next() : next;
    }),
  );
  return calls;
};

/** A JSON answer with its status. */
export const jsonResponse = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
