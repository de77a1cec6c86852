import { z } from 'zod';

/**
 * Message records of the router's JSON Lines files. `text` is the message; exports that keep title and
 * body apart (the teddy2020c attachments call the body `detail`) are accepted too and joined by a newline,
 * which is how the router saw its training texts: title first.
 */

// Exports write null for a missing title (teddy2020c does), so null means absent.
const messageFields = {
  message_id: z.union([z.string().min(1), z.number().int()]),
  text: z.string().nullish(),
  title: z.string().nullish(),
  body: z.string().nullish(),
  detail: z.string().nullish(),
};

interface RawMessage {
  readonly text?: string | null | undefined;
  readonly title?: string | null | undefined;
  readonly body?: string | null | undefined;
  readonly detail?: string | null | undefined;
}

export const messageText = (record: RawMessage): string =>
  record.text ??
  [record.title, record.body ?? record.detail]
    .filter((part): part is string => typeof part === 'string' && part.trim() !== '')
    .join('\n');

const requireText = (record: RawMessage, ctx: z.RefinementCtx): void => {
  if (messageText(record).trim() === '') {
    ctx.addIssue({
      code: 'custom',
      path: ['text'],
      message: 'a non-empty "text" (or "title" and "body") is required',
    });
  }
};

export type MessageId = string | number;

export interface MessageRecord {
  readonly messageId: MessageId;
  readonly text: string;
}

export interface LabelledMessageRecord extends MessageRecord {
  readonly label: string;
}

export const messageRecordSchema = z
  .object({ ...messageFields, label: z.string().optional() })
  .superRefine(requireText)
  .transform((record): MessageRecord => ({ messageId: record.message_id, text: messageText(record) }));

export const labelledMessageRecordSchema = z
  .object({ ...messageFields, label: z.string().trim().min(1, 'a non-empty "label" is required') })
  .superRefine(requireText)
  .transform((record): LabelledMessageRecord => ({
    messageId: record.message_id,
    text: messageText(record),
    label: record.label,
  }));
