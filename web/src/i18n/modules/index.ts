// Every module catalogue; merged into the base catalogues in zh-Hans.ts, bo.ts and en.ts.
import { accessMessages } from './access';
import { attachmentsMessages } from './attachments';
import { auditMessages } from './audit';
import { callbacksMessages } from './callbacks';
import { consentMessages } from './consent';
import { identityMessages } from './identity';
import { noticesMessages } from './notices';
import { opendataMessages } from './opendata';
import { privacyMessages } from './privacy';
import { reportsMessages } from './reports';
import { replyMessages } from './reply';
import { qualityMessages } from './quality';
import { reauthMessages } from './reauth';
import { searchMessages } from './search';
import { sessionsMessages } from './sessions';
import { slaAdminMessages } from './sla-admin';
import { statsMessages } from './stats';
import { templatesMessages } from './templates';
import { twoFactorRolesMessages } from './two-factor-roles';
import { usersMessages } from './users';
import { workflowMessages } from './workflow';

export const moduleMessages = [statsMessages, searchMessages, opendataMessages, callbacksMessages, accessMessages, reportsMessages, workflowMessages, attachmentsMessages, replyMessages, noticesMessages, templatesMessages, consentMessages, slaAdminMessages, qualityMessages, identityMessages, usersMessages, auditMessages, sessionsMessages, reauthMessages, privacyMessages, twoFactorRolesMessages] as const;

type Merge<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? (H extends { 'zh-Hans': infer Z } ? Z : never) & Merge<R>
  : unknown;
export type ModuleCatalogue = Merge<typeof moduleMessages>;

export const mergeModules = (lang: 'zh-Hans' | 'bo' | 'en'): ModuleCatalogue =>
  Object.assign({}, ...moduleMessages.map((m) => m[lang])) as ModuleCatalogue;
