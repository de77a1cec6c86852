export type LocalizedText = { 'zh-Hans': string; bo?: string; en?: string };

export type UnitRef = { id: string; code: string; path: string; name: LocalizedText; isActive: boolean };

export type CategoryRef = {
  id: string;
  code: string;
  name: LocalizedText;
  defaultUnitId: string | null;
  acceptHours: number;
  replyDays: number;
  isActive: boolean;
};

/** A unit as recorded inside timeline data: a snapshot of its names at the time, in every language. */
export type UnitStamp = { id: string; code: string; name: LocalizedText };
export const stampUnit = (unit: UnitRef): UnitStamp => ({ id: unit.id, code: unit.code, name: unit.name });
