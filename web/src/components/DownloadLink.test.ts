import { describe, expect, it } from 'vitest';
import { fileNameOf } from './DownloadLink';

describe('the file name of a download', () => {
  it('reads the UTF-8 name first, then the plain one, else the fallback', () => {
    expect(fileNameOf(`attachment; filename="bihuan-report-hrss-2026-Q3.xlsx"; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.xlsx`, 'x.xlsx')).toBe('报表.xlsx');
    expect(fileNameOf('attachment; filename="bihuan-cases-20261123.csv"', 'x.csv')).toBe('bihuan-cases-20261123.csv');
    expect(fileNameOf('attachment; filename=plain.csv', 'x.csv')).toBe('plain.csv');
    expect(fileNameOf(`attachment; filename*=UTF-8''%E6%8A%A5%ZZ; filename="fallback.csv"`, 'x.csv')).toBe('fallback.csv');
    expect(fileNameOf(null, 'x.csv')).toBe('x.csv');
    expect(fileNameOf('attachment', 'x.csv')).toBe('x.csv');
  });
});
