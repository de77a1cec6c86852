import { describe, expect, it } from 'vitest';
import { maskEmail, maskIdNumber, maskName, maskPhone, maskRequester } from './mask.js';

describe('masks', () => {
  it('keeps what recognises a caller and hides the rest', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone('+86 138-1234-1234')).toBe('138****1234');
    expect(maskPhone('12345')).toBe('*****');
    expect(maskIdNumber('54010219800101123X')).toBe('5401**********123X');
    expect(maskEmail('zhang.san@example.cn')).toBe('z***@example.cn');
    expect(maskName('张建国')).toBe('张**');
    expect(maskName('བསོད་ནམས་སྒྲོལ་མ།')).toBe('བསོད་***');
    expect(maskName('王')).toBe('*');
  });

  it('masks every field of a requester and leaves absent ones absent', () => {
    const masked = maskRequester({ name: '李淑芬', phone: '13618905566', idNumber: null, email: null });
    expect(masked).toEqual({ name: '李**', phone: '136****5566', idNumber: null, email: null });
    expect(JSON.stringify(masked)).not.toContain('13618905566');
  });
});
