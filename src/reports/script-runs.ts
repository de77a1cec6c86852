/** The script a run of text is set in: Tibetan needs its own font, everything else the CJK font (which has Latin). */
export type ScriptRun = { script: 'tibetan' | 'other'; text: string };

const isTibetan = (ch: string): boolean => {
  const cp = ch.codePointAt(0) ?? 0;
  return cp >= 0x0f00 && cp <= 0x0fff;
};
// Spaces and punctuation shared by both scripts stay with the run they are in, so runs do not split at every space.
const isNeutral = (ch: string): boolean => /[\s.,:;!?()[\]/\-–—+=×÷%'"“”]/u.test(ch);

/** Splits a line into runs of one script each, for font switching within a line. */
export const scriptRuns = (text: string): ScriptRun[] => {
  const runs: ScriptRun[] = [];
  for (const ch of text) {
    const last = runs[runs.length - 1];
    const script = isNeutral(ch) && last ? last.script : isTibetan(ch) ? 'tibetan' : 'other';
    if (last && last.script === script) last.text += ch;
    else runs.push({ script, text: ch });
  }
  return runs;
};
