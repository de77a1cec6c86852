import { describe, expect, it } from 'vitest';
import { scrubPersonalData } from './scrub-text.js';

describe('scrubbing personal data from free text', () => {
  it('removes phone numbers, ID numbers, e-mails and the given names, and keeps the matter', () => {
    const text = '我叫张建国，电话13800891234（或 0891-6321234），身份证540102198001011234，邮箱 zjg@example.cn。包工头欠我48000元。';
    const out = scrubPersonalData(text, ['张建国']);
    expect(out).toBe('我叫[姓名]，电话[手机号]（或 [电话]），身份证[身份证号]，邮箱 [邮箱]。包工头欠我48000元。');
  });

  it('keeps amounts, dates and tracking numbers, and one-character names', () => {
    const text = '2026年11月22日，工单26112200427，追回4800000分；王说';
    expect(scrubPersonalData(text, ['王'])).toBe(text);
  });

  it('handles Tibetan names and +86 numbers', () => {
    expect(scrubPersonalData('ང་བསོད་ནམས་ཡིན། +86 139 1234 5678', ['བསོད་ནམས'])).toBe('ང་[姓名]་ཡིན། [手机号]');
  });
});
