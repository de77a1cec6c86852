import type { UserActor } from '../auth/actor.js';
import type { Language } from '../case/case.types.js';
import { AppError } from '../shared/app-error.js';
import { chinaDayOf } from '../stats/periods.js';
import { resolveScope } from '../stats/stats-queries.js';
import { isQuarterStart, monthEndOf, quarterEndOf, quarterLabelOf, yearEndOf } from './report-data.js';
import type { ReportsDeps } from './reports.ports.js';
import type { ReportFormat, ReportKind, ReportRecord } from './reports.types.js';

export type ReportRequest = { kind: ReportKind; from: string; to?: string; unitId?: string; format: ReportFormat; lang: Language };

const invalid = (path: string, message: string): AppError => new AppError('validation.failed', message, { issues: [{ path: `body.${path}`, message }] });

/**
 * Queues a report. Everything that can be wrong with the request is refused now, with nothing queued: a monthly,
 * quarterly or yearly report starts on the first day of its period (and ends on its last), a custom one needs both ends, and the unit
 * must be the caller's own or below it (else 404, as for the statistics).
 */
export const requestReport = async (deps: ReportsDeps, actor: UserActor, input: ReportRequest): Promise<ReportRecord> => {
  let to: string;
  if (input.kind === 'monthly') {
    if (!input.from.endsWith('-01')) throw invalid('from', 'a monthly report starts on the first day of a month');
    to = monthEndOf(input.from);
    if (input.to !== undefined && input.to !== to) throw invalid('to', `a monthly report of ${input.from.slice(0, 7)} ends on ${to}`);
  } else if (input.kind === 'quarterly') {
    // A calendar quarter (China dates): from is 1 January, April, July or October.
    if (!isQuarterStart(input.from)) throw invalid('from', 'a quarterly report starts on the first day of a quarter (YYYY-01-01, -04-01, -07-01 or -10-01)');
    to = quarterEndOf(input.from);
    if (input.to !== undefined && input.to !== to) throw invalid('to', `a quarterly report of ${quarterLabelOf(input.from)} ends on ${to}`);
  } else if (input.kind === 'yearly') {
    // A calendar year (China dates): from is 1 January, to is 31 December.
    if (!input.from.endsWith('-01-01')) throw invalid('from', 'a yearly report starts on 1 January (YYYY-01-01)');
    to = yearEndOf(input.from);
    if (input.to !== undefined && input.to !== to) throw invalid('to', `a yearly report of ${input.from.slice(0, 4)} ends on ${to}`);
  } else {
    if (input.to === undefined) throw invalid('to', 'a custom report needs both from and to');
    to = input.to;
  }
  if (input.from > chinaDayOf(deps.now())) throw invalid('from', 'the period has not started yet');
  // The same checks as every statistic: range, unit in scope.
  const scope = await resolveScope(deps.stats, actor, { unit: input.unitId, withSubUnits: true, from: input.from, to });
  return deps.store.createReport({
    userId: actor.userId,
    unitId: scope.unit.id,
    kind: input.kind,
    from: input.from,
    to,
    format: input.format,
    language: input.lang,
    at: deps.now(),
  });
};
