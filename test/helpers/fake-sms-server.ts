import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signAliyunRpc } from '../../src/notify/aliyun-sms.provider.js';
import { tencentTc3Authorization } from '../../src/notify/tencent-sms.provider.js';

export type SmsFormat = 'http' | 'aliyun' | 'tencent';

/** One request as the fake provider saw it. */
export type RecordedSms = {
  format: SmsFormat;
  at: Date;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  to: string;
  text: string | null;
  params: Record<string, string> | string[];
  idempotencyKey: string | null;
  /** Whether the provider's signature checked out (null: the format has none). */
  isSignatureValid: boolean | null;
  /** A repeated idempotency key: answered as before and not delivered again. */
  isReplay: boolean;
  /** What the fake provider did: `accepted` and `hung` (taken, answer lost) reached the phone. */
  outcome: 'accepted' | 'hung' | 'failed' | 'replayed' | 'bad_signature';
};

/** What the server does with the next requests: answer 500, refuse (400), or take the message and never answer. */
export type FailureMode = 'server_error' | 'refuse' | 'accept_then_hang';

export type FakeSmsServer = {
  url: string;
  /** Every request received, including failed and replayed ones. */
  requests: RecordedSms[];
  /** Messages that a real provider would have put on a phone: accepted, first time per idempotency key. */
  delivered: () => RecordedSms[];
  failNext: (count: number, mode?: FailureMode) => void;
  reset: () => void;
  close: () => Promise<void>;
};

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/**
 * A local SMS provider for tests, speaking three request formats: the generic JSON one (POST /sms, with
 * idempotency keys), Aliyun's SendSms form (POST /aliyun/) and Tencent's SendSms JSON (POST /tencent/).
 * It checks the providers' signatures with the secrets it is given, and can be told to fail.
 */
export const startFakeSmsServer = async (secrets: { aliyunSecret?: string; tencentSecretKey?: string } = {}): Promise<FakeSmsServer> => {
  const requests: RecordedSms[] = [];
  const failures: FailureMode[] = [];
  const answers = new Map<string, unknown>();
  const hanging = new Set<ServerResponse>();
  let counter = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const rawBody = await readBody(req);
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const format: SmsFormat = path.startsWith('/aliyun') ? 'aliyun' : path.startsWith('/tencent') ? 'tencent' : 'http';
      let record: RecordedSms;
      if (format === 'aliyun') {
        const form = Object.fromEntries(new URLSearchParams(rawBody));
        const { Signature: signature, ...params } = form;
        record = {
          format, at: new Date(), headers: req.headers, rawBody, to: form.PhoneNumbers ?? '', text: null,
          params: JSON.parse(form.TemplateParam ?? '{}') as Record<string, string>, idempotencyKey: form.OutId ?? null,
          isSignatureValid: secrets.aliyunSecret ? signature === signAliyunRpc('POST', params, secrets.aliyunSecret) : null, isReplay: false, outcome: 'accepted',
        };
      } else if (format === 'tencent') {
        const json = JSON.parse(rawBody) as { PhoneNumberSet?: string[]; TemplateParamSet?: string[]; SessionContext?: string };
        const expected = secrets.tencentSecretKey
          ? tencentTc3Authorization({
              secretId: String(req.headers.authorization ?? '').match(/Credential=([^/]+)/)?.[1] ?? '',
              secretKey: secrets.tencentSecretKey,
              service: 'sms',
              host: req.headers.host ?? '',
              timestamp: Number(req.headers['x-tc-timestamp']),
              payload: rawBody,
            })
          : null;
        record = {
          format, at: new Date(), headers: req.headers, rawBody, to: json.PhoneNumberSet?.[0] ?? '', text: null,
          params: json.TemplateParamSet ?? [], idempotencyKey: json.SessionContext ?? null,
          isSignatureValid: expected === null ? null : expected === req.headers.authorization, isReplay: false, outcome: 'accepted',
        };
      } else {
        const json = JSON.parse(rawBody) as { to?: string; text?: string; params?: Record<string, string> };
        const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
        record = {
          format, at: new Date(), headers: req.headers, rawBody, to: json.to ?? '', text: json.text ?? null, params: json.params ?? {},
          idempotencyKey: key, isSignatureValid: null, isReplay: key !== null && answers.has(key), outcome: 'accepted',
        };
      }
      requests.push(record);
      const failure = failures.shift();
      if (failure === 'server_error' || failure === 'refuse') record.outcome = 'failed';
      else if (failure === 'accept_then_hang') record.outcome = record.isReplay ? 'replayed' : 'hung';
      else if (record.isSignatureValid === false) record.outcome = 'bad_signature';
      else if (record.isReplay) record.outcome = 'replayed';
      if (failure === 'server_error') return send(res, 500, { error: 'internal', Code: 'isp.SYSTEM_ERROR', Response: { Error: { Code: 'InternalError', Message: 'down' } } });
      if (failure === 'refuse') {
        return format === 'http'
          ? send(res, 400, { error: 'invalid number' })
          : format === 'aliyun'
            ? send(res, 400, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'invalid number' })
            : send(res, 200, { Response: { SendStatusSet: [{ Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'invalid number' }], RequestId: 'r' } });
      }
      if (failure === 'accept_then_hang') {
        // The provider took the message and the answer was lost: the sender cannot know.
        if (record.idempotencyKey) answers.set(record.idempotencyKey, { id: `fake-${++counter}` });
        hanging.add(res);
        return undefined;
      }
      if (record.isSignatureValid === false) {
        return send(res, 403, format === 'aliyun' ? { Code: 'SignatureDoesNotMatch', Message: 'bad signature' } : { Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'bad signature' } } });
      }
      if (format === 'http') {
        const key = record.idempotencyKey;
        const previous = key ? answers.get(key) : undefined;
        if (previous) return send(res, 200, previous);
        const answer = { id: `fake-${++counter}` };
        if (key) answers.set(key, answer);
        return send(res, 200, answer);
      }
      if (format === 'aliyun') return send(res, 200, { Code: 'OK', Message: 'OK', BizId: `biz-${++counter}`, RequestId: 'r' });
      return send(res, 200, { Response: { SendStatusSet: [{ Code: 'Ok', Message: 'send success', SerialNo: `serial-${++counter}`, PhoneNumber: record.to }], RequestId: 'r' } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    delivered: () => requests.filter((r) => r.outcome === 'accepted' || r.outcome === 'hung'),
    failNext: (count, mode = 'server_error') => {
      for (let i = 0; i < count; i += 1) failures.push(mode);
    },
    reset: () => {
      requests.length = 0;
      failures.length = 0;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
