import { describe, expect, it } from 'vitest';
import { csvLine, escapeFormula, exportCells, exportHeaders, exportRequesterOf, type ExportCase } from './case-export.js';
import type { Actor } from '../auth/actor.js';
import { permissionsForRoles } from '../auth/roles.js';
import { scriptRuns } from '../../reports/script-runs.js';

const base: ExportCase = {
  trackingNo: '2611220001234',
  status: 'dispatched',
  kind: 'complaint',
  channel: 'phone',
  title: '=1+2',
  category: '拖欠工资',
  leadUnit: null,
  isSupervised: false,
  isOverdue: true,
  acceptDueAt: null,
  replyDueAt: new Date('2026-11-30T02:00:00Z'),
  createdAt: new Date('2026-11-22T02:00:00Z'),
  updatedAt: new Date('2026-11-22T03:00:00Z'),
  requester: { name: '王小明', phone: '13812345678' },
};

describe('case export cells', () => {
  it('masks the requester unless personal data may be shown', () => {
    expect(exportCells(base, 'zh-Hans', false).slice(13)).toEqual(['王**', '138****5678']);
    expect(exportCells(base, 'zh-Hans', true).slice(13)).toEqual(['王小明', '13812345678']);
    expect(exportCells({ ...base, requester: { name: 'བཀྲ་ཤིས་བདེ་ལེགས', phone: null } }, 'bo', false).slice(13)).toEqual(['བཀྲ་***', null]);
    expect(exportCells({ ...base, requester: null }, 'en', false).slice(13)).toEqual([null, null]);
    // A protected requester says so, even to a reader of personal data, in the reader's language.
    expect(exportCells({ ...base, requester: 'withheld' }, 'zh-Hans', true).slice(13)).toEqual(['保密', '保密']);
    expect(exportCells({ ...base, requester: 'withheld' }, 'bo', false).slice(13)).toEqual(['གསང་རྒྱ།', 'གསང་རྒྱ།']);
  });

  it('escapes every text cell a spreadsheet would evaluate, including an unmasked +86 phone', () => {
    for (const v of ['=SUM(A1)', '+1', '-1', '@x', '\tx', '\rx']) expect(escapeFormula(v)).toBe(`'${v}`);
    for (const v of ['1+1', 'a=b', '拖欠工资', '', "'x"]) expect(escapeFormula(v)).toBe(v);
    const cells = exportCells({ ...base, requester: { name: '@admin', phone: '+8613812345678' } }, 'en', true);
    expect(cells[4]).toBe("'=1+2");
    expect(cells.slice(13)).toEqual(["'@admin", "'+8613812345678"]);
  });

  it('localizes labels and writes China time in CSV, quoting what needs it', () => {
    const cells = exportCells({ ...base, title: 'a, "b"' }, 'en', false);
    expect(cells.slice(1, 4)).toEqual(['Dispatched', 'Complaint', 'Phone']);
    expect(csvLine(cells)).toBe('2611220001234,Dispatched,Complaint,Phone,"a, ""b""",拖欠工资,,no,yes,,2026-11-30 10:00,2026-11-22 10:00,2026-11-22 11:00,王**,138****5678\r\n');
    expect(exportHeaders('bo')[0]).toBe('ཐོ་འགོད་ཨང་གྲངས།');
  });
});

describe('script runs of a PDF line', () => {
  it('splits Tibetan from everything else, keeping spaces and punctuation with their run', () => {
    expect(scriptRuns('拉萨 ལྷ་ས། (lhasa) 12%')).toEqual([
      { script: 'other', text: '拉萨 ' },
      { script: 'tibetan', text: 'ལྷ་ས། (' },
      { script: 'other', text: 'lhasa) 12%' },
    ]);
  });
});

describe('the export\'s requester and identity protection', () => {
  const reader = (unitPath: string): Actor => ({
    kind: 'user', userId: unitPath, username: unitPath, displayName: unitPath, roles: ['unit_handler'], permissions: permissionsForRoles(['unit_handler']), unitId: unitPath, unitPath,
  });
  const person = { name: '王小明', phone: '13812345678' };
  it('withholds a protected requester outside the intake line, also when none was recorded; shows it inside', () => {
    const atIntake = reader('lhasa');
    const handling = reader('lhasa.hrss');
    const protectedCase = { requester: person, isIdentityProtected: true, intakeUnitPath: 'lhasa' };
    expect(exportRequesterOf(protectedCase, handling)).toBe('withheld');
    expect(exportRequesterOf({ ...protectedCase, requester: null }, handling)).toBe('withheld');
    expect(exportRequesterOf(protectedCase, atIntake)).toEqual(person);
    expect(exportRequesterOf({ ...protectedCase, isIdentityProtected: false }, handling)).toEqual(person);
    expect(exportRequesterOf(undefined, handling)).toBeNull();
  });
});
