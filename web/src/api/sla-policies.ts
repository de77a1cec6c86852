// Time-limit policies (GET /sla/policies, PUT /sla/policies/{code}; `settings.manage`), docs/time-limits.md.
import { apiRequest } from './client';
import type { Channel, Kind, SlaMode } from './types';

export interface TargetRule {
  amount: number;
  mode: SlaMode;
}

export interface SlaPolicyBody {
  name: { 'zh-Hans': string; bo?: string; en?: string };
  targets: { accept?: TargetRule; firstContact?: TargetRule; reply: TargetRule; callback?: TargetRule };
  replyClock: 'registration' | 'acceptance';
  warnAtShare: number;
  maxExtensionDays: number | null;
  categoryId: string | null;
  channel: Channel | null;
  kind: Kind | null;
  priority: number;
  isActive: boolean;
  pausedStatuses: 'on_hold'[];
  maxReopenRounds: number;
  reopenWindowDays: number;
  holdReminderDays: number | null;
  holdLimitDays: number | null;
}

/** As stored: rows written by SQL may hold values the form does not offer (other paused statuses, channels). */
export type SlaPolicy = Omit<SlaPolicyBody, 'channel' | 'kind' | 'pausedStatuses'> & { code: string; channel: string | null; kind: string | null; pausedStatuses: string[] };

export async function listSlaPolicies(signal?: AbortSignal): Promise<SlaPolicy[]> {
  return (await apiRequest<{ items: SlaPolicy[] }>('GET', '/sla/policies', { signal })).items;
}

/** Creates (`isNew`: never replacing one with the same code, 409) or replaces the policy. */
export function saveSlaPolicy(code: string, body: SlaPolicyBody, isNew = false): Promise<SlaPolicy> {
  return apiRequest<SlaPolicy>('PUT', `/sla/policies/${encodeURIComponent(code)}`, { body, ...(isNew ? { headers: { 'If-None-Match': '*' } } : {}) });
}
