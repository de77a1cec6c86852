/**
 * Holiday codes and their names in our three languages. Codes are what we store and test; names are what
 * explanations show. The Tibetan names are our best rendering and should be reviewed by a Tibetan-speaking
 * colleague before release; the codes do not depend on them.
 */

export const NATIONAL_HOLIDAY_CODES = [
  'new_year', 'spring_festival', 'qingming', 'labour_day', 'dragon_boat', 'mid_autumn', 'national_day',
] as const;
export type NationalHolidayCode = (typeof NATIONAL_HOLIDAY_CODES)[number];

export const TIBETAN_HOLIDAY_CODES = ['losar', 'shoton'] as const;
export type TibetanHolidayCode = (typeof TIBETAN_HOLIDAY_CODES)[number];

/** A day an administrator declares off for a local reason (a regional notice, a disaster, an election). */
export const REGIONAL_HOLIDAY_CODE = 'regional_holiday' as const;

export type HolidayCode = NationalHolidayCode | TibetanHolidayCode | typeof REGIONAL_HOLIDAY_CODE;

/** What a day is labelled with: a holiday, or a weekend day declared a working day (调休上班). */
export type DayCode = HolidayCode | 'swapped_workday';

export type LocalizedName = { readonly 'zh-Hans': string; readonly bo: string; readonly en: string };

export const HOLIDAY_NAMES: Readonly<Record<HolidayCode, LocalizedName>> = {
  new_year: { 'zh-Hans': '元旦', bo: 'ཕྱི་ལོའི་ལོ་གསར།', en: "New Year's Day" },
  spring_festival: { 'zh-Hans': '春节', bo: 'རྒྱ་ལོ་གསར།', en: 'Spring Festival' },
  qingming: { 'zh-Hans': '清明节', bo: 'ཆིང་མིང་དུས་ཆེན།', en: 'Qingming Festival' },
  labour_day: { 'zh-Hans': '劳动节', bo: 'འཛམ་གླིང་ངལ་རྩོལ་བའི་དུས་ཆེན།', en: 'Labour Day' },
  dragon_boat: { 'zh-Hans': '端午节', bo: 'ཏོན་ཝུའུ་དུས་ཆེན།', en: 'Dragon Boat Festival' },
  mid_autumn: { 'zh-Hans': '中秋节', bo: 'ཀྲུང་ཆིའུ་དུས་ཆེན།', en: 'Mid-Autumn Festival' },
  national_day: { 'zh-Hans': '国庆节', bo: 'རྒྱལ་སྐྱིད་དུས་ཆེན།', en: 'National Day' },
  losar: { 'zh-Hans': '藏历新年', bo: 'བོད་ལོ་གསར།', en: 'Losar (Tibetan New Year)' },
  shoton: { 'zh-Hans': '雪顿节', bo: 'ཞོ་སྟོན་དུས་ཆེན།', en: 'Shoton Festival' },
  regional_holiday: { 'zh-Hans': '地方假日', bo: 'ས་གནས་ཀྱི་གསེར་ཚེས།', en: 'Regional holiday' },
};

/** The name of a swapped working day says which holiday it pays for, as the State Council notices do. */
export const swappedWorkdayName = (bridges: HolidayCode | null): LocalizedName => {
  if (bridges === null) return { 'zh-Hans': '调休上班', bo: 'བརྗེ་སྒྲིག་ལས་ཉིན།', en: 'Swapped working day' };
  const holiday = HOLIDAY_NAMES[bridges];
  return {
    'zh-Hans': `调休上班（${holiday['zh-Hans']}）`,
    bo: `བརྗེ་སྒྲིག་ལས་ཉིན། (${holiday.bo})`,
    en: `Swapped working day (${holiday.en})`,
  };
};
