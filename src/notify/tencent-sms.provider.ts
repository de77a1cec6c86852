import { createHash, createHmac } from 'node:crypto';
import { SMS_TEMPLATE_PARAMS } from '../core/notifications/message-templates.js';
import { smsNumberOf } from '../core/notifications/contact.js';
import { providerTemplateId } from './notify-config.js';
import type { Transport } from './transport.js';
import { isOutcome, parseJson, postForOutcome } from './transport.js';

const sha256Hex = (value: string): string => createHash('sha256').update(value, 'utf8').digest('hex');
const hmac = (key: Buffer | string, value: string): Buffer => createHmac('sha256', key).update(value, 'utf8').digest();

export const TENCENT_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * TencentCloud API signature v3 (TC3-HMAC-SHA256) for a POST of JSON, signing content-type and host, as the
 * "Signature v3" page describes: canonical request → string to sign → key derived by date, service, tc3_request.
 */
export const tencentTc3Authorization = (input: {
  secretId: string;
  secretKey: string;
  service: string;
  host: string;
  timestamp: number;
  payload: string;
}): string => {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = ['POST', '/', '', `content-type:${TENCENT_CONTENT_TYPE}\nhost:${input.host}\n`, 'content-type;host', sha256Hex(input.payload)].join('\n');
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`;
};

const isRetryableCode = (code: string): boolean => /^(InternalError|RequestLimitExceeded|LimitExceeded|ResourceUnavailable|FailedOperation\.(?:InsufficientBalance|ServiceBusy))/.test(code);

/** SMS SendSms (version 2021-01-11). Template variables are positional, in SMS_TEMPLATE_PARAMS order. */
export const createTencentSmsTransport = (settings: {
  secretId: string;
  secretKey: string;
  signName: string;
  sdkAppId: string;
  region: string;
  endpoint: string;
  templates: Record<string, string>;
  timeoutMs: number;
  now?: () => Date;
}): Transport => ({
  channel: 'sms',
  provider: 'tencent',
  // SessionContext is echoed back, not deduplicated: an attempt with an unknown outcome is not repeated.
  isIdempotent: false,
  send: async (message) => {
    const templateId = providerTemplateId(settings.templates, message.kind, message.language);
    if (!templateId) return { status: 'rejected', error: `no Tencent template configured for ${message.kind}` };
    const number = smsNumberOf(message.to);
    if (!number) return { status: 'rejected', error: 'not a mobile number' };
    const payload = JSON.stringify({
      PhoneNumberSet: [number.e164],
      SmsSdkAppId: settings.sdkAppId,
      SignName: settings.signName,
      TemplateId: templateId,
      TemplateParamSet: SMS_TEMPLATE_PARAMS[message.kind].map((name) => message.params[name] ?? ''),
      SessionContext: message.id,
    });
    const host = new URL(settings.endpoint).host;
    const timestamp = Math.floor((settings.now?.() ?? new Date()).getTime() / 1000);
    const answer = await postForOutcome(
      settings.endpoint,
      {
        headers: {
          authorization: tencentTc3Authorization({ secretId: settings.secretId, secretKey: settings.secretKey, service: 'sms', host, timestamp, payload }),
          'content-type': TENCENT_CONTENT_TYPE,
          'x-tc-action': 'SendSms',
          'x-tc-version': '2021-01-11',
          'x-tc-timestamp': String(timestamp),
          'x-tc-region': settings.region,
        },
        body: payload,
      },
      settings.timeoutMs,
    );
    if (isOutcome(answer)) return answer;
    type Status = { Code?: unknown; Message?: unknown; SerialNo?: unknown };
    const json = parseJson(answer.text) as { Response?: { Error?: { Code?: unknown; Message?: unknown }; SendStatusSet?: Status[] } } | null;
    const failure = json?.Response?.Error ?? json?.Response?.SendStatusSet?.[0];
    const code = typeof failure?.Code === 'string' ? failure.Code : null;
    if (!json?.Response?.Error && code === 'Ok') {
      const serial = json?.Response?.SendStatusSet?.[0]?.SerialNo;
      return { status: 'sent', providerMessageId: typeof serial === 'string' ? serial : null };
    }
    const error = `tencent ${code ?? `HTTP ${answer.status}`}: ${typeof failure?.Message === 'string' ? failure.Message : answer.text.slice(0, 200)}`;
    if (code ? isRetryableCode(code) : answer.status >= 500 || answer.status === 429) return { status: 'retry', error };
    return { status: 'rejected', error };
  },
});
