/**
 * A small keep-alive JSON client on node:http: cheaper per request than fetch, so that on a 2-core machine
 * the load generator takes as little CPU from the server as possible. Network failures are results
 * (status 0 with the error code), not exceptions, because the crash benchmark counts them.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export type HttpResult = { status: number; body: unknown; ms: number; error: string | null };

export type RequestOptions = {
  token?: string;
  body?: unknown;
  timeoutMs?: number;
  headers?: Record<string, string>;
};

export class HttpClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets = 64) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  request(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult> {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(payload.length);
    }
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const started = performance.now();
    return new Promise((resolve) => {
      let isDone = false;
      const finish = (result: Omit<HttpResult, 'ms'>): void => {
        if (isDone) return;
        isDone = true;
        resolve({ ...result, ms: performance.now() - started });
      };
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', (error: NodeJS.ErrnoException) =>
            finish({ status: 0, body: null, error: error.code ?? error.message }),
          );
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text.length > 0 ? JSON.parse(text) : null;
            } catch {
              // not JSON: keep the text
            }
            finish({ status: res.statusCode ?? 0, body, error: null });
          });
        },
      );
      req.setTimeout(options.timeoutMs ?? 30_000, () =>
        req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
      );
      req.on('error', (error: NodeJS.ErrnoException) =>
        finish({ status: 0, body: null, error: error.code ?? error.message }),
      );
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const stringField = (value: unknown, key: string): string | null => {
  if (!isRecord(value)) return null;
  const field = value[key];
  return typeof field === 'string' ? field : null;
};

export const errorCode = (result: HttpResult): string => {
  if (result.status === 0) return `network ${result.error ?? ''}`.trim();
  const error = isRecord(result.body) ? result.body.error : undefined;
  const code = isRecord(error) && typeof error.code === 'string' ? error.code : '';
  return `${result.status}${code ? ` ${code}` : ''}`;
};

/** Logs in and returns the bearer token (login is rate-limited: 30 a minute per address, so log in once per role). */
export const login = async (client: HttpClient, username: string, password: string): Promise<string> => {
  const result = await client.request('POST', '/api/v1/auth/login', { body: { username, password } });
  const token = stringField(result.body, 'token');
  if (result.status !== 200 || !token) throw new Error(`login as ${username} failed: ${errorCode(result)}`);
  return token;
};
