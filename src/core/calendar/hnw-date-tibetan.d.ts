// Types for the parts of @hnw/date-tibetan our cross-check tests use; the package ships none.
declare module '@hnw/date-tibetan' {
  export class CalendarTibetan {
    constructor(cycle?: number, year?: number, month?: number, leapMonth?: boolean, day?: number, leapDay?: boolean);
    get(): [cycle: number, year: number, month: number, leapMonth: boolean, day: number, leapDay: boolean];
    fromGregorian(year: number, month: number, day: number): this;
    toGregorian(): { year: number; month: number; day: number };
    epochCycleFromYear(gregorianYear: number): { cycle: number; year: number };
    _isLeapMonthFromYearAndMonth(gregorianYear: number, month: number): boolean;
  }
}
