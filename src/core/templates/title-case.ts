/**
 * The `title` template function: Go's cases.Title(language.AmericanEnglish, cases.NoLower) as
 * built into promtool 2.42. The first letter of each word is title-cased and nothing is
 * lowercased. A word is a run of letters, marks, digits and connector punctuation ("_"), so
 * "x_y" gives "X_y" and "12abc" stays as it is; an apostrophe ends a word ("don't" gives
 * "Don'T" in that build).
 */
const WORD_CHAR = /[\p{L}\p{M}\p{N}\p{Pc}]/u;
const LETTER = /\p{L}/u;

/** Letters whose title case differs from their upper case (Latin digraphs), and ß. */
const TITLE_CASE: Readonly<Record<string, string>> = {
  'ǆ': 'ǅ',
  'Ǆ': 'ǅ',
  'ǉ': 'ǈ',
  'Ǉ': 'ǈ',
  'ǌ': 'ǋ',
  'Ǌ': 'ǋ',
  'ǳ': 'ǲ',
  'Ǳ': 'ǲ',
  'ß': 'Ss',
};

export function titleCase(text: string): string {
  let out = '';
  let inWord = false;
  for (const ch of text) {
    const isWord = WORD_CHAR.test(ch);
    if (isWord && !inWord && LETTER.test(ch)) out += TITLE_CASE[ch] ?? ch.toUpperCase();
    else out += ch;
    inWord = isWord;
  }
  return out;
}
