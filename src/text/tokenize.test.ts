import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { normalizeText, toHalfWidth } from './normalize.js';
import { syllableBigrams, tibetanSyllables } from './tibetan.js';
import {
  addUserWords,
  featureTokens,
  listUserWords,
  searchTokens,
  TIBETAN_BIGRAM_JOINER,
  tokenize,
} from './tokenize.js';

// The shared data sits next to the repository (../shared from its root); tests that need it skip without it.
const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/data');
const TIBETAN_DIR = path.join(SHARED, 'tibetan-text');
const hasTibetanData = existsSync(path.join(TIBETAN_DIR, 'udhr_bod_paragraphs.jsonl'));
if (!hasTibetanData)
  console.warn(`[tokenize.test] ${TIBETAN_DIR} not found: skipping the tests on real Tibetan text`);

const readJsonl = <T>(file: string): T[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);

describe('Chinese', () => {
  const text = '西藏自治区总工会接到农民工拖欠工资的投诉，自治区人社厅回复了。';

  it('keeps real words whole in both modes', () => {
    for (const tokens of [tokenize(text), featureTokens(text)]) {
      expect(tokens).toEqual(expect.arrayContaining(['总工会', '拖欠工资', '投诉']));
    }
    expect(featureTokens(text)).toContain('西藏自治区');
    expect(featureTokens(text)).toContain('自治区');
  });

  it('adds the parts of long words in search mode, so a search for a part finds the whole', () => {
    const tokens = tokenize(text);
    expect(tokens).toEqual(
      expect.arrayContaining(['西藏自治区', '西藏', '自治区', '拖欠', '工资', '拖欠工资']),
    );
    expect(featureTokens(text)).not.toContain('拖欠');
  });

  it('drops punctuation and keeps repeats in tokenize but not in searchTokens', () => {
    expect(tokenize(text)).not.toContain('，');
    expect(tokenize(text)).not.toContain('。');
    // Once inside 西藏自治区, once on its own.
    expect(tokenize(text).filter((t) => t === '自治区')).toHaveLength(2);
    const distinct = searchTokens(text);
    expect(new Set(distinct).size).toBe(distinct.length);
    expect(distinct).toContain('自治区');
  });

  it('returns nothing for empty or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(featureTokens(' ，。！\n')).toEqual([]);
  });
});

describe('Tibetan', () => {
  it('splits syllables at tsheg, non-breaking tsheg, shad and spaces, dropping punctuation', () => {
    expect(tibetanSyllables('བོད་ལྗོངས་ཀྱི་ལས་ཁུངས།')).toEqual(['བོད', 'ལྗོངས', 'ཀྱི', 'ལས', 'ཁུངས']);
    expect(tibetanSyllables('༄༅། །ཐོབ་ཐང༌། ཁ')).toEqual(['ཐོབ', 'ཐང', 'ཁ']);
    expect(tibetanSyllables('ཀ༔ཁ༎ག ང')).toEqual(['ཀ', 'ཁ', 'ག', 'ང']);
  });

  it('produces syllables and bigrams joined by a tsheg, never across a shad', () => {
    const tokens = tokenize('བོད་ལྗོངས་ཀྱི་ལས་ཁུངས། ཁ་པར');
    expect(tokens).toEqual(expect.arrayContaining(['བོད', 'ལྗོངས', 'ལས', 'ཁུངས', 'ཁ', 'པར']));
    expect(tokens).toEqual(expect.arrayContaining([`བོད${TIBETAN_BIGRAM_JOINER}ལྗོངས`, 'ལས་ཁུངས', 'ཁ་པར']));
    expect(tokens).not.toContain('ཁུངས་ཁ');
    expect(syllableBigrams(['ཀ', 'ཁ', 'ག'])).toEqual(['ཀ་ཁ', 'ཁ་ག']);
    // The classifier builds its own n-grams from single syllables.
    expect(featureTokens('ལས་ཁུངས།')).toEqual(['ལས', 'ཁུངས']);
  });

  it('treats a line break as the end of a clause', () => {
    expect(tokenize('ཁ་པར\nལས་ཁུངས')).not.toContain('པར་ལས');
  });

  it('normalises: NFC, deprecated vowel signs, Tibetan digits', () => {
    // U+0F73 is a deprecated precomposed vowel; NFC turns it into U+0F71 U+0F72.
    expect(tokenize('ཀ\u0f73')).toEqual(tokenize('ཀ\u0f71\u0f72'));
    expect(tokenize('ར\u0f77')).toEqual(tokenize('ར\u0fb2\u0f71\u0f80'));
    expect(tokenize('ཁ་པར་༡༢༣༥༡')).toContain('12351');
  });

  it.skipIf(!hasTibetanData)(
    'tokenises the UDHR: only syllable characters in syllables, a bigram per adjacent pair',
    () => {
      const records = readJsonl<{ text: string }>(path.join(TIBETAN_DIR, 'udhr_bod_paragraphs.jsonl'));
      expect(records.length).toBeGreaterThan(80);
      const isSyllable = (s: string): boolean =>
        [...s].every((ch) => /\p{Script=Tibetan}/u.test(ch) && /[\p{L}\p{M}]/u.test(ch));
      let syllables = 0;
      for (const { text } of records) {
        const own = tibetanSyllables(text);
        for (const s of own) expect(isSyllable(s), s).toBe(true);
        syllables += own.length;
        // The same count a plain split at tsheg, shad and spaces gives.
        const naive = text.split(/[\u0f04-\u0f14\s]+/u).filter((part) => /[\u0f40-\u0f6c]/u.test(part));
        expect(own.length).toBe(naive.length);
      }
      expect(syllables).toBeGreaterThan(2000);
    },
  );

  it.skipIf(!hasTibetanData)(
    'gives the same tokens for the non-NFC documents of the segmented corpus as for their NFC form',
    () => {
      const docs = readJsonl<{ text_segmented: string }>(
        path.join(TIBETAN_DIR, 'nanhai_modern_writing_segmented.jsonl'),
      );
      const nonNfc = docs.filter((doc) => doc.text_segmented !== doc.text_segmented.normalize('NFC'));
      expect(nonNfc.length).toBeGreaterThan(0);
      for (const doc of nonNfc.slice(0, 3)) {
        const sample = doc.text_segmented.slice(0, 4000);
        expect(tokenize(sample)).toEqual(tokenize(sample.normalize('NFC')));
        expect(tokenize(sample).length).toBeGreaterThan(100);
      }
    },
  );
});

describe('mixed text', () => {
  it('maps full-width forms to half-width and lower-cases Latin words', () => {
    expect(toHalfWidth('ＡＢＣ　１２３！')).toBe('ABC 123!');
    expect(normalizeText('ＣＯＶＩＤ１９')).toBe('covid19');
    expect(tokenize('ＡＢＣ公司 COVID19 疫苗')).toEqual(
      expect.arrayContaining(['abc', '公司', 'covid19', '疫苗']),
    );
  });

  it('keeps digit runs and decimals whole, and a phone number containing a hotline number whole', () => {
    const tokens = tokenize('欠款3.5万元，电话13812345678，请拨打12345');
    expect(tokens).toEqual(expect.arrayContaining(['3.5', '13812345678', '12345']));
    expect(tokenize('13812345678')).toEqual(['13812345678']);
  });

  it('joins phone numbers written in groups, and also indexes the groups for search', () => {
    expect(tokenize('电话：+86 138-1234-5678')).toEqual(['电话', '13812345678', '138', '1234', '5678']);
    expect(tokenize('座机0891-6331234')).toEqual(['座机', '08916331234', '0891', '6331234']);
    // For the classifier an identifier is only its shape: nobody's phone number predicts a department.
    expect(featureTokens('电话13812345678，0891-6331234，工号1234567，12351')).toEqual([
      '电话',
      '#num11',
      '#num11',
      '工号',
      '#num7',
      '12351',
    ]);
  });

  it('tokenises Chinese, Tibetan and numbers side by side', () => {
    const tokens = tokenize('拉萨市ལས་ཁུངས་12351热线');
    expect(tokens).toEqual(expect.arrayContaining(['拉萨市', 'ལས', 'ཁུངས', 'ལས་ཁུངས', '12351', '热线']));
  });
});

describe('user dictionary', () => {
  it('starts with the domain words and keeps them whole', () => {
    expect(listUserWords()).toEqual(expect.arrayContaining(['12351', '12345', '欠薪', '拖欠工资']));
    expect(featureTokens('老板欠薪三个月')).toContain('欠薪');
    expect(featureTokens('拉萨市人社局')).toEqual(['拉萨市', '人社局']);
  });

  it('adds Chinese words at run time', () => {
    expect(featureTokens('八廓街道办事处')).not.toContain('八廓街道');
    addUserWords(['八廓街道', '堆龙德庆区']);
    expect(featureTokens('八廓街道办事处')).toContain('八廓街道');
    expect(featureTokens('堆龙德庆区东嘎街道')).toContain('堆龙德庆区');
    expect(tokenize('八廓街道办事处')).toContain('八廓街道');
  });

  it('keeps words with digits whole without splitting longer numbers', () => {
    addUserWords(['12345热线', 'ＡＢ12']);
    expect(featureTokens('打了12345热线')).toEqual(['打', '了', '12345热线']);
    expect(tokenize('打了12345热线')).toEqual(['打', '了', '12345热线', '12345', '热线']);
    expect(featureTokens('编号ab12')).toEqual(['编号', 'ab12']);
    expect(tokenize('电话138123450000')).toContain('138123450000');
    expect(tokenize('tab123')).toEqual(['tab123']);
  });

  it('keeps a Tibetan user word whole next to its syllables', () => {
    addUserWords(['ས་གནས་སྲིད་གཞུང་།']);
    expect(listUserWords()).toContain('ས་གནས་སྲིད་གཞུང');
    expect(featureTokens('ས་གནས་སྲིད་གཞུང་ལ།')).toEqual(['ས་གནས་སྲིད་གཞུང', 'ལ']);
    expect(tokenize('ས་གནས་སྲིད་གཞུང་ལ།')).toEqual(
      expect.arrayContaining(['ས་གནས་སྲིད་གཞུང', 'ས', 'གཞུང', 'སྲིད་གཞུང', 'ལ']),
    );
    // Not inside a longer syllable.
    expect(featureTokens('ཀས་གནས་སྲིད་གཞུང')).not.toContain('ས་གནས་སྲིད་གཞུང');
  });

  it('is idempotent and rejects words that cannot be dictionary entries', () => {
    const before = listUserWords().length;
    addUserWords(['欠薪', '欠薪', ' 欠薪 ']);
    expect(listUserWords()).toHaveLength(before);
    expect(() => addUserWords(['拖欠 工资'])).toThrow(RangeError);
    expect(() => addUserWords(['甲乙丙丁戊', '  '])).toThrow(RangeError);
    expect(listUserWords()).not.toContain('甲乙丙丁戊');
  });
});
