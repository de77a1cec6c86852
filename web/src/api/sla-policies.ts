// Time-limit policies (GET /sla/policies, PUT /sla/policies/{code}; `settings.manage`), docs/time-limits.md.
import { apiRequest } from './client';
import type { Channel, Kind, SlaMode } from './types';

export interface TargetRule {
  amount: number;
  mode: SlaMode;
}

export interface SlaPolicyBody {
  name: { 'zh-Hans': string; bo?: string; en?: string };
  targets: { accept?: TargetRule; reply: TargetRule; callback?: TargetRule };
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

export type SlaPolicy = SlaPolicyBody & { code: string };

export async function listSlaPolicies(signal?: AbortSignal): Promise<SlaPolicy[]> {
  return (await apiRequest<{ items: SlaPolicy[] }>('GET', '/sla/policies', { signal })).items;
}

/** Creates or replaces the policy; cases keep the due dates they already have. */
export function saveSlaPolicy(code: string, body: SlaPolicyBody): Promise<SlaPolicy> {
  return apiRequest<SlaPolicy>('PUT', `/sla/policies/${encodeURIComponent(code)}`, { body });
}
