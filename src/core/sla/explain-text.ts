import { groupSkippedDays } from '../calendar/calendar.js';
import { HOLIDAY_NAMES, type HolidayCode } from '../calendar/holiday-names.js';
import type { Language } from '../case/case.types.js';
import type { DueExplanation } from './compute-due.js';

type Words = {
  target: Record<DueExplanation['target'], string>;
  mode: Record<DueExplanation['mode'], (amount: number) => string>;
  due: (target: string, amount: string, start: string, due: string) => string;
  skipped: (from: string, to: string, reason: string) => string;
  weekend: string;
  outsideHours: string;
  paused: string;
  swapped: (date: string) => string;
  extension: (previous: string) => string;
  rolled: (date: string) => string;
  provisional: string;
  /** A pause that applied: from, to, the clock time it gave back. */
  pause: (from: string, to: string, lost: string) => string;
  /** The clock stands still now. */
  pausedNow: (since: string) => string;
  hours: (n: string) => string;
};

const WORDS: Record<Language, Words> = {
  'zh-Hans': {
    target: { accept: '签收', firstContact: '首次联系', reply: '答复', callback: '回访' },
    mode: { working_hours: (n) => `${n}个工作小时`, working_days: (n) => `${n}个工作日`, natural_days: (n) => `${n}个自然日` },
    due: (t, a, s, d) => `${t}时限${a}，自${s}起算，截止${d}。`,
    skipped: (f, t, r) => (f === t ? `${f}${r}不计。` : `${f}至${t}${r}不计。`),
    weekend: '为休息日',
    outsideHours: '为非工作时间',
    paused: '暂停计时',
    swapped: (d) => `${d}为调休上班日，计入。`,
    extension: (p) => `系在原截止时间${p}基础上延期。`,
    rolled: (d) => `期限末日${d}为非工作日，顺延至下一个工作日。`,
    provisional: '所涉日期尚无放假通知，截止时间可能调整。',
    pause: (f, t, l) => `${f}至${t}等待群众补充材料，暂停计时（顺延${l}）。`,
    pausedNow: (s) => `自${s}起等待群众补充材料，暂停计时，恢复办理后截止时间相应顺延。`,
    hours: (n) => `${n}个工作小时`,
  },
  bo: {
    target: { accept: 'མཚན་རྟགས་འགོད་པ།', firstContact: 'ཐོག་མའི་འབྲེལ་གཏུག', reply: 'ལན་འདེབས།', callback: 'རྗེས་འདྲི།' },
    mode: { working_hours: (n) => `ལས་ཆུ་ཚོད་ ${n}`, working_days: (n) => `ལས་ཉིན་ ${n}`, natural_days: (n) => `ཉིན་གྲངས་ ${n}` },
    due: (t, a, s, d) => `${t}ཡི་དུས་ཚད་ནི་${a}ཡིན། ${s} ནས་བརྩིས་ཏེ་ ${d} ལ་ཚིག`,
    skipped: (f, t, r) => (f === t ? `${f} ${r}ཡིན་པས་མི་རྩི།` : `${f} ནས་ ${t} བར་${r}ཡིན་པས་མི་རྩི།`),
    weekend: 'གཟའ་འཁོར་གྱི་ངལ་གསོ་',
    outsideHours: 'ལས་ཀའི་དུས་ཚོད་མིན་པ་',
    paused: 'དུས་ཚོད་མཚམས་འཇོག་',
    swapped: (d) => `${d} ནི་བརྗེ་སྒྲིག་ལས་ཉིན་ཡིན་པས་རྩིས།`,
    extension: (p) => `སྔར་གྱི་དུས་ཚད་ ${p} ཐོག་དུས་འགྱངས་བྱས།`,
    rolled: (d) => `དུས་ཚད་མཇུག་ ${d} ལས་ཉིན་མིན་པས་ལས་ཉིན་རྗེས་མར་སྤོས།`,
    provisional: 'ཉིན་གྲངས་འདིའི་གསེར་ཚེས་བརྡ་ཐོ་ད་དུང་མ་བཏང་བས་དུས་ཚད་འགྱུར་སྲིད།',
    pause: (f, t, l) => `${f} ནས་ ${t} བར་མི་མང་གིས་ཡིག་ཆ་ཁ་སྣོན་བྱེད་པར་སྒུག་པས་དུས་ཚོད་མཚམས་བཞག (${l} རྗེས་སུ་སྤོས།)`,
    pausedNow: (s) => `${s} ནས་མི་མང་གིས་ཡིག་ཆ་ཁ་སྣོན་བྱེད་པར་སྒུག་བཞིན་པས་དུས་ཚོད་མཚམས་བཞག་ཡོད། ལས་ཀ་མུ་མཐུད་རྗེས་དུས་ཚད་རྗེས་སུ་སྤོ་རྒྱུ།`,
    hours: (n) => `ལས་ཆུ་ཚོད་ ${n}`,
  },
  en: {
    target: { accept: 'Acceptance', firstContact: 'First contact', reply: 'Reply', callback: 'Callback' },
    mode: { working_hours: (n) => `${n} working hours`, working_days: (n) => `${n} working days`, natural_days: (n) => `${n} calendar days` },
    due: (t, a, s, d) => `${t}: ${a} from ${s}, due ${d}.`,
    skipped: (f, t, r) => (f === t ? `${f} was not counted (${r}).` : `${f} to ${t} were not counted (${r}).`),
    weekend: 'weekend',
    outsideHours: 'outside working hours',
    paused: 'clock paused',
    swapped: (d) => `${d} is a swapped working day and counts.`,
    extension: (p) => `Extended from the earlier due time ${p}.`,
    rolled: (d) => `The last day, ${d}, is not a working day, so the limit runs to the next working day.`,
    provisional: 'No holiday notice covers these dates yet: the due time may change.',
    pause: (f, t, l) => `From ${f} to ${t} the case waited for the requester to add information: the clock was paused (${l} added).`,
    pausedNow: (s) => `Since ${s} the case waits for the requester to add information: the clock is paused and the due time moves on when handling resumes.`,
    hours: (n) => `${n} working hours`,
  },
};

const stamp = (local: { date: string; time: string }) => `${local.date} ${local.time}`;

/** An instant as local 'YYYY-MM-DD HH:MM' at the explanation's UTC offset. */
const localStamp = (iso: string, offsetMinutes: number): string =>
  new Date(new Date(iso).getTime() + offsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');

/** What a pause gave back: working hours on the working clocks, days (rounded up) on the natural-day clock. */
const lostText = (w: Words, e: DueExplanation, lostMillis: number): string =>
  e.mode === 'natural_days'
    ? w.mode.natural_days(Math.ceil(lostMillis / 86_400_000))
    : w.hours(String(Math.round((lostMillis / 3_600_000) * 10) / 10));

/** A due date explained in one sentence per fact, in the reader's language, from the stored explanation only. */
export const explanationText = (e: DueExplanation, language: Language): string => {
  const w = WORDS[language];
  const reasonOf = (reason: string): string =>
    reason === 'weekend' ? w.weekend : reason === 'outside_working_hours' ? w.outsideHours : reason === 'paused' ? w.paused
      : (HOLIDAY_NAMES[reason as HolidayCode]?.[language] ?? reason);
  const parts = [w.due(w.target[e.target], w.mode[e.mode](e.amount), stamp(e.startLocal), stamp(e.dueLocal))];
  if (e.extends) parts.push(w.extension(e.extends));
  for (const run of groupSkippedDays(e.skippedDays)) {
    if (run.reason === 'outside_working_hours') continue;
    parts.push(w.skipped(run.from, run.to, reasonOf(run.reason)));
  }
  for (const day of e.swappedWorkdays) parts.push(w.swapped(day.date));
  if (e.rolledForwardFrom) parts.push(w.rolled(e.rolledForwardFrom));
  for (const p of e.pauses) {
    parts.push(w.pause(localStamp(p.from, e.utcOffsetMinutes), localStamp(p.to, e.utcOffsetMinutes), lostText(w, e, p.lostMillis)));
  }
  if (e.pausedSince) parts.push(w.pausedNow(localStamp(e.pausedSince, e.utcOffsetMinutes)));
  if (e.provisional) parts.push(w.provisional);
  // Chinese sentences end in 。 and need no space; Tibetan and English sentences are separated by one.
  return parts.join(language === 'zh-Hans' ? '' : ' ');
};
