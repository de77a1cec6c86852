import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export type ReceivedMail = { from: string; to: string[]; subject: string; messageId: string | null; text: string; raw: string };

export type SmtpTestServer = {
  url: string;
  mails: ReceivedMail[];
  /** The next `count` recipients are refused with a temporary (451) or permanent (550) error. */
  failNext: (count: number, kind?: 'temporary' | 'permanent') => void;
  reset: () => void;
  close: () => Promise<void>;
};

const decodeWords = (value: string): string =>
  value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_all, _charset: string, encoding: string, text: string) =>
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  );

const decodeQuotedPrintable = (body: string): string =>
  Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');

/** Just enough MIME for single-part text mails, as nodemailer writes them. */
export const parseMail = (raw: string): { subject: string; messageId: string | null; text: string } => {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string): string | null => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? null;
  const encoding = (header('Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  const text = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : body;
  return { subject: decodeWords(header('Subject') ?? ''), messageId: header('Message-ID'), text: text.replace(/\r\n/g, '\n').trim() };
};

/** A real SMTP server on a local port (npm smtp-server), keeping every mail it accepts. */
export const startSmtpTestServer = async (): Promise<SmtpTestServer> => {
  const mails: ReceivedMail[] = [];
  const failures: ('temporary' | 'permanent')[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    // No DNS in test sandboxes: a reverse lookup of 127.0.0.1 can wait for seconds.
    disableReverseLookup: true,
    logger: false,
    onRcptTo: (_address, _session, callback) => {
      const failure = failures.shift();
      if (!failure) return callback();
      const error = new Error(failure === 'temporary' ? 'mailbox busy, try later' : 'no such mailbox') as Error & { responseCode: number };
      error.responseCode = failure === 'temporary' ? 451 : 550;
      return callback(error);
    },
    onData: (stream, session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const parsed = parseMail(raw);
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          ...parsed,
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    failNext: (count, kind = 'temporary') => {
      for (let i = 0; i < count; i += 1) failures.push(kind);
    },
    reset: () => {
      mails.length = 0;
      failures.length = 0;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
