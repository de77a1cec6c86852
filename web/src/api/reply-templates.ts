// Canned replies (答复模板, docs/notifications.md "Reply templates"). Same fetch conventions as the shared client
// (same origin, cookie session, language on every call, errors as ApiError).
import { apiRequest } from './client';

export interface ReplyTemplateTexts {
  'zh-Hans': string;
  bo: string;
  en?: string;
}

export interface ReplyTemplate {
  id: string;
  code: string;
  categoryId: string | null;
  unitId: string | null;
  kind: string | null;
  outcome: string | null;
  title: ReplyTemplateTexts;
  body: ReplyTemplateTexts;
  isActive: boolean;
  version: number;
  updatedAt: string;
}

/** The body of POST and PUT (PUT replaces the whole template). */
export interface ReplyTemplateInput {
  code: string;
  categoryId: string | null;
  unitId: string | null;
  title: ReplyTemplateTexts;
  body: ReplyTemplateTexts;
}

export interface ReplyTemplateList {
  items: ReplyTemplate[];
  /** The variable names the server accepts, without braces. */
  variables: string[];
}

export function listReplyTemplates(filter: { categoryId?: string; unitId?: string }, signal?: AbortSignal): Promise<ReplyTemplateList> {
  return apiRequest<ReplyTemplateList>('GET', '/reply-templates', { query: { categoryId: filter.categoryId || undefined, unitId: filter.unitId || undefined }, signal });
}

export function createReplyTemplate(input: ReplyTemplateInput): Promise<ReplyTemplate> {
  return apiRequest<ReplyTemplate>('POST', '/reply-templates', { body: input });
}

export function updateReplyTemplate(id: string, input: ReplyTemplateInput): Promise<ReplyTemplate> {
  return apiRequest<ReplyTemplate>('PUT', `/reply-templates/${encodeURIComponent(id)}`, { body: input });
}

/** Retires the template: the server keeps it, inactive, for the record. */
export function deleteReplyTemplate(id: string): Promise<ReplyTemplate> {
  return apiRequest<ReplyTemplate>('DELETE', `/reply-templates/${encodeURIComponent(id)}`);
}
