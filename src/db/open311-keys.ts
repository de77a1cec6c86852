import { displayPrefixOf, hashApiKey, newApiKey, newWebhookSecret } from '../core/open311/api-key-secrets.js';
import type { DbOrTrx } from './database.js';
import { insertApiKey } from './open311.repository.js';

export type IssueApiKeyInput = {
  name: string;
  intakeUnitId: string;
  serviceCodes: string[] | null;
  rateLimitPerMinute: number;
  webhookUrl: string | null;
  webhookEvents: string[] | null;
  createdBy: string | null;
  at: Date;
};

/** Creates a key; the key and the webhook secret are returned this once and only their hash (key) is kept. */
export const issueApiKey = async (db: DbOrTrx, input: IssueApiKeyInput): Promise<{ id: string; key: string; keyPrefix: string; webhookSecret: string | null }> => {
  const key = newApiKey();
  const webhookSecret = input.webhookUrl ? newWebhookSecret() : null;
  const id = await insertApiKey(db, {
    ...input,
    keyPrefix: displayPrefixOf(key),
    keyHash: hashApiKey(key),
    webhookSecret,
  });
  return { id, key, keyPrefix: displayPrefixOf(key), webhookSecret };
};
