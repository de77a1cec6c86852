import { describe, expect, it } from 'vitest';
import { formatTrackingNo } from '../case/tracking-number.js';
import { highlightCase, markTerms, snippetOf } from './highlight.js';
import { caseDocuments, facetsQuery, hanBigrams, periodLexeme, recentPeriodsQuery, tsvectorLiteral, weekNumber } from './search-document.js';
import { parseSearchQuery, type ParsedQuery } from './search-query.js';

const text = (q: string): Extract<ParsedQuery, { kind: 'text' }> => {
  const parsed = parseSearchQuery(q);
  if (parsed.kind !== 'text') throw new Error(`expected a text query for ${q}`);
  return parsed;
};
const marked = (t: string, q: string): string[] => markTerms(t, text(q).terms).map((m) => t.slice(m.start, m.end));

describe('parseSearchQuery', () => {
  it('answers a valid tracking number typed with spaces or dashes directly', () => {
    const no = formatTrackingNo('2026-11-22', 1);
    expect(parseSearchQuery(`${no.slice(0, 6)}-${no.slice(6, 10)} ${no.slice(10)}`)).toEqual({ kind: 'tracking', trackingNo: no });
    // One digit wrong: the check digit fails, so it is searched as text (a phone number, an amount).
    const typo = `${no.slice(0, -1)}${(Number(no.slice(-1)) + 1) % 10}`;
    expect(parseSearchQuery(typo).kind).toBe('text');
  });

  it('ANDs the longest words, with the characters of a Chinese run as the alternative', () => {
    expect(text('拖欠工资 ').tsquery).toBe("( ( ( '拖欠工资' | '拖欠' & '工资' ) ) | ( '拖欠' & '欠工' & '工资' ) )");
    expect(text('孜珠').tsquery).toBe("'孜珠'");
  });

  it('matches the last word as a prefix while it is being typed, a Chinese word through its bigrams', () => {
    expect(text('covid19 疫苗').tsquery).toBe("'covid19' & '疫苗'");
    expect(text('疫苗 covid').tsquery).toBe("'疫苗' & 'covid':*");
    // The index holds the bigrams of every text: a Chinese word being typed needs no prefix (no merge of the
    // posting lists of every longer word), and one typed in full needs nothing more.
    expect(text('疫苗接种中').tsquery).not.toContain(':*');
    expect(text('拖欠工').tsquery).toBe("( ( '拖欠' & '工' ) | ( '拖欠' & '欠工' ) )");
    expect(text('138-1234-5678').tsquery).toBe("'13812345678':*");
  });

  it('reads a Tibetan phrase as adjacent syllables, and relaxes to its syllables', () => {
    const q = text('ཡངས་པ་ཅན གླ་ཕོགས');
    expect(q.tsquery).toBe("'ཡངས་པ' & 'པ་ཅན' & 'གླ་ཕོགས':*");
    expect(q.relaxedTsquery).toBe("'ཡངས' & 'ཅན' & 'གླ' & 'ཕོགས':*");
    expect(text('拖欠工资').relaxedTsquery).toBeNull();
  });

  it('drops function words unless nothing else is left, and quotes what tsquery would misread', () => {
    expect(text('我的工资').tsquery).toBe("( ( '工资' ) | ( '我的' & '的工' & '工资' ) )");
    expect(parseSearchQuery('的').kind).toBe('empty');
    expect(parseSearchQuery('  ，。').kind).toBe('empty');
    expect(text("o'neil").tsquery).toContain("'o'");
  });
});

describe('documents', () => {
  it('keeps Tibetan bigrams and joined numbers whole, with field weights and the month', () => {
    const docs = caseDocuments({
      createdAt: new Date('2026-11-22T20:00:00Z'),
      facets: { status: 'dispatched', categoryId: 'c1', channel: 'phone', kind: 'help', unitIds: ['u1', 'u2'] },
      title: 'ལས་ཁུངས་ 138-1234-5678',
      description: '拖欠工资',
      address: '北京中路',
      replies: ['已处理'],
      notes: [{ text: '内部意见', isInternal: true }],
    });
    expect(docs.document).toContain("'ལས་ཁུངས':3A");
    expect(docs.document).toContain("'13812345678':4A");
    expect(docs.document).toContain(`'${periodLexeme(new Date('2026-11-22T20:00:00Z'))}'`);
    expect(docs.document).not.toContain('内部');
    for (const marker of ['§sdispatched', '§cc1', '§hphone', '§khelp', '§uu1', '§uu2']) expect(docs.document).toContain(`'${marker}'`);
    expect(facetsQuery({ statuses: ['closed', 'replied'], categoryId: 'c1', unitIds: [] })).toBe("( '§sclosed' | '§sreplied' ) & ( '§cc1' ) & ( '§u-none' )");
    expect(docs.documentWithInternal).toContain("'内部':");
    expect(docs.requestLexemes).toContain('拖欠工资');
    expect(docs.requestLexemes).not.toContain('已');
    // Weeks start on Thursday 00:00 China time: 16:00 UTC on a Wednesday is already the next week.
    expect(weekNumber(new Date('2026-11-25T15:59:59Z')) + 1).toBe(weekNumber(new Date('2026-11-25T16:00:00Z')));
    expect(recentPeriodsQuery(new Date('2026-11-25T16:00:00Z'), 2)).toBe(`'§w${weekNumber(new Date('2026-11-26T00:00:00Z'))}' | '§w${weekNumber(new Date('2026-11-19T00:00:00Z'))}'`);
  });

  it('escapes quotes and backslashes in the literal', () => {
    expect(tsvectorLiteral([{ field: 'title', tokens: ["it's", 'a\\b'] }])).toBe("'it''s':1A 'a\\\\b':2A");
    expect(hanBigrams('羊八井镇 ok 孜')).toEqual(['羊八', '八井', '井镇']);
  });
});

describe('highlighting', () => {
  it('marks words of both scripts on the original text, across normalisation', () => {
    expect(marked('羊八井光伏电站拖欠工资', '羊八井 工资')).toEqual(['羊八井', '工资']);
    expect(marked('ཟླ་བ་གཉིས་ཀྱི་གླ་ཕོགས་ད་དུང་ཐོབ་མེད།', 'གླ་ཕོགས')).toEqual(['གླ་ཕོགས']);
    expect(marked('Ｃｏｖｉｄ19 and covid', 'covid ')).toEqual(['covid']);
    // A syllable inside a longer syllable is no match.
    expect(marked('བཀྲ་ཤིས་', 'ཀྲ ')).toEqual([]);
  });

  it('cuts a snippet around the most words and never shows internal notes to those who may not read them', () => {
    const long = `${'无关的内容。'.repeat(30)}这里提到羊八井和拖欠工资。${'其他内容。'.repeat(30)}`;
    const s = snippetOf('description', long, text('羊八井 工资').terms, 40);
    expect(s?.text.startsWith('…')).toBe(true);
    expect(s?.text.endsWith('…')).toBe(true);
    expect(s?.marks.map((m) => s.text.slice(m.start, m.end))).toEqual(['羊八井', '工资']);
    const source = { title: '标题', description: '无', address: null, replies: [], notes: [{ text: '羊八井内部记录', isInternal: true }] };
    expect(highlightCase(source, text('羊八井').terms, { includeInternal: false }).map((h) => h.field)).toEqual(['title']);
    expect(highlightCase(source, text('羊八井').terms, { includeInternal: true }).map((h) => h.field)).toEqual(['title', 'note']);
  });
});
