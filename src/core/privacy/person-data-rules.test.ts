import { describe, expect, it } from 'vitest';
import { isFinishedStatus, personAuditSubjectOf, personSubjectIdsFor } from './person-data-rules.js';
import type { PersonKey } from './person-data.ports.js';

// A stand-in keyed index: the digits reversed, so a test can see which value it was given.
const fakeIndex = (key: PersonKey): string | null => {
  const digits = key.value.replace(/\D/g, '');
  return digits.length < 5 ? null : `${key.kind === 'phone' ? 'p' : 'i'}${[...digits].reverse().join('')}`;
};

describe('how the audit log names a person', () => {
  it('records the blind index and the last four characters, never the number', () => {
    const subject = personAuditSubjectOf({ kind: 'phone', value: ' 13900001234 ' }, 'abcDEF123');
    expect(subject).toEqual({ subjectId: 'phone:abcDEF123', data: { personKey: 'phone', personMasked: '*******1234' } });
    expect(JSON.stringify(subject)).not.toContain('13900001234');
    const id = personAuditSubjectOf({ kind: 'id_number', value: '540102195801011234' }, 'xyz');
    expect(id.subjectId).toBe('id_number:xyz');
    expect(id.data.personMasked).toBe('**************1234');
  });

  it('names a number with no index by its kind alone', () => {
    expect(personAuditSubjectOf({ kind: 'phone', value: '12-34' }, null).subjectId).toBe('phone:-');
  });

  it('searches a number as a phone and as an ID number, skipping kinds without an index', () => {
    expect(personSubjectIdsFor('13900001234', fakeIndex)).toEqual(['phone:p43210000931', 'id_number:i43210000931']);
    expect(personSubjectIdsFor('12', fakeIndex)).toEqual([]);
  });

  it('treats closed, rejected and merged cases as finished', () => {
    expect(['closed', 'rejected', 'merged'].every(isFinishedStatus)).toBe(true);
    expect(['registered', 'dispatched', 'accepted', 'replied', 'callback_done', 'returned'].some(isFinishedStatus)).toBe(false);
  });
});
