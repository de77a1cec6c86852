import nodemailer from 'nodemailer';
import type { SendOutcome } from '../core/notifications/delivery-policy.js';
import type { Transport } from './transport.js';

type SmtpError = { code?: string; responseCode?: number; command?: string; message?: string };

/**
 * Whether the server may already hold the message decides between retry and unknown: a failure before DATA
 * was answered cannot have delivered it; a lost connection while the message was being accepted may have.
 */
export const classifySmtpError = (error: unknown): SendOutcome => {
  const e = (error ?? {}) as SmtpError;
  const detail = `${e.code ?? 'error'}${e.responseCode ? ` ${e.responseCode}` : ''}${e.command ? ` at ${e.command}` : ''}: ${(e.message ?? '').slice(0, 200)}`;
  if (e.responseCode !== undefined) {
    if (e.responseCode >= 500) return e.code === 'EAUTH' ? { status: 'retry', error: detail } : { status: 'rejected', error: detail };
    return { status: 'retry', error: detail };
  }
  if (e.command === 'DATA' || e.command === 'DATA END' || e.code === 'ESTREAM') return { status: 'unknown', error: detail };
  return { status: 'retry', error: detail };
};

/** E-mail through SMTP. The Message-ID is derived from our message id, so a copy is recognisable as one. */
export const createSmtpEmailTransport = (settings: { url: string; from: string; timeoutMs: number; messageIdDomain?: string }): Transport => {
  const transporter = nodemailer.createTransport({
    url: settings.url,
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
  });
  const domain = settings.messageIdDomain ?? (settings.from.split('@')[1]?.replace(/[>\s]/g, '') || 'bihuan.local');
  return {
    channel: 'email',
    provider: 'smtp',
    isIdempotent: false,
    send: async (message) => {
      try {
        const info = await transporter.sendMail({
          from: settings.from,
          to: message.to,
          subject: message.subject ?? '',
          text: message.body,
          messageId: `<${message.idempotencyKey}@${domain}>`,
          headers: { 'Auto-Submitted': 'auto-generated' },
        });
        if (info.rejected.length > 0) return { status: 'rejected', error: `recipient refused: ${info.response}` };
        return { status: 'sent', providerMessageId: info.messageId };
      } catch (error) {
        return classifySmtpError(error);
      }
    },
    close: async () => transporter.close(),
  };
};
