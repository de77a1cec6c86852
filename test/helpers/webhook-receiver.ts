import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ReceivedWebhook = { headers: IncomingHttpHeaders; body: string; status: number };

export type WebhookReceiver = {
  url: string;
  received: ReceivedWebhook[];
  /** The next `count` deliveries are answered with `status` (default 500); then 204 again. */
  failNext: (count: number, status?: number) => void;
  /** Every delivery fails until this is turned off. */
  setAlwaysFailing: (isFailing: boolean) => void;
  close: () => Promise<void>;
};

/** A local HTTP endpoint that records what it is sent, and fails on demand, for webhook delivery tests. */
export const startWebhookReceiver = async (): Promise<WebhookReceiver> => {
  const received: ReceivedWebhook[] = [];
  let failures = 0;
  let failStatus = 500;
  let isAlwaysFailing = false;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      let status = 204;
      if (isAlwaysFailing) status = failStatus;
      else if (failures > 0) {
        failures -= 1;
        status = failStatus;
      }
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), status });
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/bihuan`,
    received,
    failNext: (count, status = 500) => {
      failures = count;
      failStatus = status;
    },
    setAlwaysFailing: (value) => {
      isAlwaysFailing = value;
    },
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};
