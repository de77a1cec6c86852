import { createAliyunSmsTransport } from './aliyun-sms.provider.js';
import { createHttpSmsTransport } from './http-sms.provider.js';
import type { NotifySettings } from './notify-config.js';
import { createSmtpEmailTransport } from './smtp-email.sender.js';
import { createTencentSmsTransport } from './tencent-sms.provider.js';
import type { Transports } from './transport.js';

/** The configured provider adapter of each channel; null where a channel is not configured. */
export const createTransports = (settings: NotifySettings): Transports => {
  const timeoutMs = settings.sendTimeoutMs;
  const s = settings.sms;
  const sms =
    s.provider === 'http'
      ? createHttpSmsTransport({ url: s.url, token: s.token, timeoutMs })
      : s.provider === 'aliyun'
        ? createAliyunSmsTransport({ ...s, timeoutMs })
        : s.provider === 'tencent'
          ? createTencentSmsTransport({ ...s, timeoutMs })
          : null;
  const email = settings.email ? createSmtpEmailTransport({ url: settings.email.url, from: settings.email.from, timeoutMs }) : null;
  return { sms, email };
};
