import { z } from 'zod';
import type { SessionView } from '../core/access/sessions.js';
import { describeUserAgent } from '../core/access/user-agent.js';

/** A signed-in device, as the account page and the users page show it. */
export const sessionSchema = z.object({
  id: z.uuid(),
  createdAt: z.string().describe('when the sign-in was'),
  lastSeenAt: z.string().describe('the last request, to the minute'),
  expiresAt: z.string().describe('the absolute end of the session'),
  endsAt: z.string().describe('when it ends if it stays unused: the idle limit or the absolute end, whichever is first'),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  device: z.object({
    browser: z.string().nullable().describe('a product name (Chrome, WeChat, curl), the same in every language'),
    os: z.string().nullable(),
    kind: z.enum(['desktop', 'mobile', 'tablet', 'program']),
  }),
  isCurrent: z.boolean().describe('the session of this request'),
});

export const sessionOut = (s: SessionView): z.infer<typeof sessionSchema> => ({
  id: s.id,
  createdAt: s.createdAt.toISOString(),
  lastSeenAt: s.lastSeenAt.toISOString(),
  expiresAt: s.expiresAt.toISOString(),
  endsAt: s.endsAt.toISOString(),
  ip: s.ip,
  userAgent: s.userAgent,
  device: describeUserAgent(s.userAgent),
  isCurrent: s.isCurrent,
});
