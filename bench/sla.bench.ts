/**
 * SLA throughput: due dates for 1,000,000 random (start, policy) pairs on the Tibet calendar.
 * Run: npx tsx bench/sla.bench.ts [count]
 *
 * Inputs are generated before timing; each pass runs once to warm up, then is timed. Starts fall in
 * 2020-01-01 .. 2026-09-30, so that due dates stay within the holiday data.
 */
import { performance } from 'node:perf_hooks';
import { fromLocal, type Pause } from '../src/core/calendar/calendar.js';
import { tibetRegionCalendar } from '../src/core/calendar/tibet-calendar.js';
import { computeDue, computeDueAt } from '../src/core/sla/compute-due.js';
import { defineSlaPolicy, PETITION_POLICY, type SlaPolicy, type SlaTarget } from '../src/core/sla/sla-policy.js';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const name = { 'zh-Hans': '基准', bo: 'ཚད་གཞི།', en: 'Benchmark' };
const policies: readonly SlaPolicy[] = [
  defineSlaPolicy({ id: 'hotline', name, mode: 'working_days', targets: { accept: 1, reply: 5, callback: 2 }, warnAtShare: 0.8 }),
  defineSlaPolicy({ id: 'urgent', name, mode: 'working_hours', targets: { accept: 0.5, firstContact: 2, reply: 16 }, warnAtShare: 0.8 }),
  defineSlaPolicy({ id: 'standard', name, mode: 'working_days', targets: { reply: 15 }, warnAtShare: 0.8 }),
  PETITION_POLICY,
];
const targetsOf = (p: SlaPolicy): SlaTarget[] => (['accept', 'firstContact', 'reply', 'callback'] as const).filter((t) => p.targets[t] !== undefined);

const calendar = tibetRegionCalendar();
const from = fromLocal(calendar, '2020-01-01').getTime();
const to = fromLocal(calendar, '2026-09-30').getTime();

// A fixed-seed xorshift keeps runs comparable.
let state = 0x9e3779b9;
const random = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};

type Job = { start: Date; policy: SlaPolicy; target: SlaTarget; pauses: readonly Pause[] };
const NO_PAUSES: readonly Pause[] = [];
const makeJobs = (pausedShare: number): Job[] =>
  Array.from({ length: COUNT }, () => {
    const start = new Date(from + Math.floor(random() * ((to - from) / 60_000)) * 60_000);
    const policy = policies[Math.floor(random() * policies.length)] as SlaPolicy;
    const targets = targetsOf(policy);
    const target = targets[Math.floor(random() * targets.length)] as SlaTarget;
    let pauses = NO_PAUSES;
    if (random() < pausedShare) {
      const pauseFrom = start.getTime() + Math.floor(random() * 3 * 86_400_000);
      pauses = [{ from: new Date(pauseFrom), to: new Date(pauseFrom + Math.floor(random() * 2 * 86_400_000)) }];
    }
    return { start, policy, target, pauses };
  });

const run = (label: string, jobs: readonly Job[], compute: (job: Job) => number): void => {
  let checksum = 0;
  for (const job of jobs.slice(0, 50_000)) checksum += compute(job); // warm-up
  const t0 = performance.now();
  for (const job of jobs) checksum += compute(job);
  const seconds = (performance.now() - t0) / 1000;
  const perSecond = jobs.length / seconds;
  console.log(
    `${label.padEnd(44)} ${jobs.length.toLocaleString('en')} in ${seconds.toFixed(3)} s = ${Math.round(perSecond).toLocaleString('en')}/s` +
      ` (${((seconds / jobs.length) * 1e6).toFixed(2)} µs each) ${perSecond >= 200_000 ? 'OK' : 'BELOW TARGET'} [checksum ${checksum % 1e6}]`,
  );
};

const t0 = performance.now();
computeDueAt(policies[0] as SlaPolicy, calendar, new Date(from), 'reply'); // builds the day index
console.log(`Tibet calendar ${calendar.id}: ${calendar.holidays.size} holidays, ${calendar.swappedWorkdays.size} swapped days; first use ${(performance.now() - t0).toFixed(1)} ms`);
console.log(`Node ${process.version}, ${COUNT.toLocaleString('en')} pairs per pass, target ≥ 200,000/s on one core\n`);

const plain = makeJobs(0);
const someWithPauses = makeJobs(0.1);
run('computeDueAt (due instant only)', plain, (j) => computeDueAt(j.policy, calendar, j.start, j.target).getTime() % 7);
run('computeDue (with explanation)', plain, (j) => computeDue(j.policy, calendar, j.start, j.target).explanation.skippedDays.length);
run('computeDueAt, 10% with a pause', someWithPauses, (j) => computeDueAt(j.policy, calendar, j.start, j.target, j.pauses).getTime() % 7);
run('computeDue, 10% with a pause', someWithPauses, (j) => computeDue(j.policy, calendar, j.start, j.target, j.pauses).explanation.pauses.length);
