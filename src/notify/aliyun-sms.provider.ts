import { createHmac, randomUUID } from 'node:crypto';
import { smsNumberOf } from '../core/notifications/contact.js';
import { providerTemplateId } from './notify-config.js';
import type { Transport } from './transport.js';
import { isOutcome, parseJson, postForOutcome } from './transport.js';

/** RFC 3986 encoding as Alibaba Cloud's RPC signature wants it: space %20, * %2A, ~ kept. */
export const aliyunPercentEncode = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

export const aliyunCanonicalQuery = (params: Record<string, string>): string =>
  Object.keys(params)
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k] ?? '')}`)
    .join('&');

/**
 * Signature version 1.0 of Alibaba Cloud RPC APIs (HMAC-SHA1), as the "Signature mechanism" page describes:
 * StringToSign = METHOD & %2F & percentEncode(canonicalized query); key = AccessKeySecret + "&".
 */
export const signAliyunRpc = (method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string => {
  const stringToSign = `${method}&${aliyunPercentEncode('/')}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign, 'utf8').digest('base64');
};

// Throttling and platform-side errors pass; wrong numbers, signs, templates and keys do not.
const isRetryableCode = (code: string): boolean =>
  /^(isv\.BUSINESS_LIMIT_CONTROL|isv\.DAY_LIMIT_CONTROL|isp\.|Throttling|ServiceUnavailable|InternalError|SignatureNonceUsed)/.test(code);

const aliyunTimestamp = (at: Date): string => at.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Dysmsapi SendSms (version 2017-05-25), POSTed as a form with the signature in it. */
export const createAliyunSmsTransport = (settings: {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  region: string;
  endpoint: string;
  templates: Record<string, string>;
  timeoutMs: number;
  now?: () => Date;
}): Transport => ({
  channel: 'sms',
  provider: 'aliyun',
  // OutId is echoed in receipts but not deduplicated: an attempt with an unknown outcome is not repeated.
  isIdempotent: false,
  send: async (message) => {
    const templateCode = providerTemplateId(settings.templates, message.kind, message.language);
    if (!templateCode) return { status: 'rejected', error: `no Aliyun template configured for ${message.kind}` };
    const number = smsNumberOf(message.to);
    if (!number) return { status: 'rejected', error: 'not a mobile number' };
    const params: Record<string, string> = {
      AccessKeyId: settings.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: message.id,
      // Mainland numbers bare, others with their country code and no plus sign.
      PhoneNumbers: number.e164.startsWith('+86') ? number.national : number.e164.slice(1),
      RegionId: settings.region,
      SignName: settings.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: templateCode,
      TemplateParam: JSON.stringify(message.params),
      Timestamp: aliyunTimestamp(settings.now?.() ?? new Date()),
      Version: '2017-05-25',
    };
    const signature = signAliyunRpc('POST', params, settings.accessKeySecret);
    const answer = await postForOutcome(
      settings.endpoint,
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
        body: `${aliyunCanonicalQuery(params)}&Signature=${aliyunPercentEncode(signature)}`,
      },
      settings.timeoutMs,
    );
    if (isOutcome(answer)) return answer;
    const json = parseJson(answer.text) as { Code?: unknown; Message?: unknown; BizId?: unknown } | null;
    const code = typeof json?.Code === 'string' ? json.Code : null;
    if (code === 'OK') return { status: 'sent', providerMessageId: typeof json?.BizId === 'string' ? json.BizId : null };
    const error = `aliyun ${code ?? `HTTP ${answer.status}`}: ${typeof json?.Message === 'string' ? json.Message : answer.text.slice(0, 200)}`;
    if (code ? isRetryableCode(code) : answer.status >= 500 || answer.status === 429) return { status: 'retry', error };
    return { status: 'rejected', error };
  },
});
