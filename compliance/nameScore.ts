// Name similarity for sanctions screening: normalize both names to comparable tokens,
// then align tokens and score the alignment in [0, 1], with the reason spelled out.

const CYRILLIC: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l', м: 'm', н: 'n', о: 'o',
  п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch', ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e',
  ю: 'yu', я: 'ya', і: 'i', ї: 'yi', є: 'ye', ґ: 'g',
};
const GREEK: Record<string, string> = {
  α: 'a', β: 'v', γ: 'g', δ: 'd', ε: 'e', ζ: 'z', η: 'i', θ: 'th', ι: 'i', κ: 'k', λ: 'l', μ: 'm', ν: 'n', ξ: 'x', ο: 'o', π: 'p',
  ρ: 'r', σ: 's', ς: 's', τ: 't', υ: 'y', φ: 'f', χ: 'ch', ψ: 'ps', ω: 'o',
};
// Arabic script carries few vowels; long vowels and common consonants are enough to compare.
const ARABIC: Record<string, string> = {
  ا: 'a', أ: 'a', إ: 'i', آ: 'a', ب: 'b', ت: 't', ث: 'th', ج: 'j', ح: 'h', خ: 'kh', د: 'd', ذ: 'dh', ر: 'r', ز: 'z', س: 's',
  ش: 'sh', ص: 's', ض: 'd', ط: 't', ظ: 'z', ع: '', غ: 'gh', ف: 'f', ق: 'q', ك: 'k', ل: 'l', م: 'm', ن: 'n', ه: 'h', ة: 'a',
  و: 'o', ي: 'i', ى: 'a', ء: '', ئ: 'i', ؤ: 'o',
};
const LATIN_EXTRA: Record<string, string> = { ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i' };

const TRANSLITERATE: Record<string, string> = { ...CYRILLIC, ...GREEK, ...ARABIC, ...LATIN_EXTRA };
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '9': 'g' };

/** Legal forms and their spelled-out variants, reduced to one short form. */
const LEGAL_FORMS: [RegExp, string][] = [
  [/\baktiengesellschaft\b/g, 'ag'],
  [/\bgesellschaft mit beschrankter haftung\b/g, 'gmbh'],
  [/\blimited liability company\b/g, 'llc'],
  [/\blimited liability partnership\b/g, 'llp'],
  [/\bpublic limited company\b/g, 'plc'],
  [/\blimited partnership\b/g, 'lp'],
  [/\bsocietatea cu raspundere limitata\b/g, 'srl'],
  [/\bsociedad anonima\b/g, 'sa'],
  [/\bobshchestvo s ogranichennoy otvetstvennostyu\b/g, 'ooo'],
  [/\baktsionernoe obshchestvo\b/g, 'ao'],
  [/\bopen joint stock company\b/g, 'oao'],
  [/\bjoint stock company\b/g, 'jsc'],
  [/\blimited\b/g, 'ltd'],
  [/\bincorporated\b/g, 'inc'],
  [/\bcorporation\b/g, 'corp'],
  [/\bcompany\b/g, 'co'],
];
const FORM_TOKENS = new Set(['ag', 'gmbh', 'llc', 'llp', 'plc', 'lp', 'srl', 'sa', 'ltd', 'inc', 'corp', 'co', 'na', 'jsc', 'ojsc', 'oao', 'pao', 'zao', 'ooo', 'ao', 'ano', 'as', 'ab', 'bv', 'nv', 'spa', 'sarl', 'kg', 'pte', 'pty']);
/** Forms that say the same thing in different jurisdictions' words. */
const FORM_FAMILY: Record<string, string> = { ltd: 'ltd', llc: 'ltd', ooo: 'ltd', gmbh: 'ltd', plc: 'ltd', jsc: 'jsc', ojsc: 'jsc', oao: 'jsc', pao: 'jsc', ao: 'jsc', zao: 'jsc', ag: 'jsc', sa: 'jsc' };
const HONORIFICS = new Set(['mr', 'mrs', 'ms', 'miss', 'dr', 'prof', 'sir', 'the', 'of', 'and', 'h', 'e', 'his', 'excellency']);
// Arabic name particles written several ways.
const PARTICLES: Record<string, string> = { ibn: 'bin', ben: 'bin', bint: 'bin', el: 'al' };

export interface NameTokens {
  /** Tokens that carry identity, in order. */
  tokens: string[];
  /** Legal form tokens, compared only to corroborate. */
  forms: string[];
  /** "Putin, Vladimir": the writer said the order is surname first. */
  reordered: boolean;
}

export function tokenize(name: string): NameTokens {
  let s = [...name.toLowerCase()].map((c) => TRANSLITERATE[c] ?? c).join('');
  s = s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  s = s.replace(/([a-z])\.(?=[a-z]\.|[a-z]\b)/g, '$1'); // a.b.c. → abc
  // Letters of scripts without a transliteration here (Chinese, Khmer, ...) stay, to match as written.
  s = s.replace(/['’`]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ');
  // Digits inside words are letters in disguise: Ig0r Sech1n.
  s = s.replace(/\b(?=[a-z0-9]*[a-z])(?=[a-z0-9]*\d)[a-z0-9]+\b/g, (w) => w.replace(/[0134579]/g, (d) => LEET[d]!));
  for (const [form, short] of LEGAL_FORMS) s = s.replace(form, short);
  const words = s.split(' ').filter(Boolean).map((w) => PARTICLES[w] ?? w);
  return {
    tokens: words.filter((w) => !FORM_TOKENS.has(w) && !HONORIFICS.has(w)),
    forms: words.filter((w) => FORM_TOKENS.has(w)),
    reordered: name.includes(','),
  };
}

function levenshtein(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/** A consonant skeleton: vowels, doubled letters and silent h dropped; similar sounds merged. */
export function phoneticKey(token: string): string {
  return token
    .replace(/ph/g, 'f')
    .replace(/(k|c)h/g, 'k')
    .replace(/[ck]/g, 'k')
    .replace(/[sz]/g, 's')
    .replace(/[dt]/g, 't')
    .replace(/[bp]/g, 'p')
    .replace(/[gj]/g, 'j')
    .replace(/[vw]/g, 'f')
    .replace(/q/g, 'k')
    .replace(/x/g, 'ks')
    .replace(/(?!^)[aeiouyh]/g, '')
    .replace(/(.)\1+/g, '$1');
}

function tokenSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  // An initial stands for a name that starts with it.
  if ((a.length === 1 && b.startsWith(a)) || (b.length === 1 && a.startsWith(b))) return 0.9;
  const distance = levenshtein(a, b);
  // One slip of the finger in a real word is a typo, however short the word.
  if (distance === 1 && Math.min(a.length, b.length) >= 4) return 0.9;
  const edit = 1 - distance / Math.max(a.length, b.length);
  // Sounding alike counts where the key means something: close spellings, or (for vowel-poor
  // transliterations such as Arabic's) three or more consonants in the same order.
  const key = phoneticKey(a);
  const consonants = key.slice(1).length + (/^[aeiouy]/.test(key) ? 0 : 1);
  const sound = key === phoneticKey(b) && Math.min(a.length, b.length) >= 4 && (edit >= 0.5 || consonants >= 3) ? 0.85 : 0;
  return Math.max(edit, sound);
}

export interface NameComparison {
  score: number;
  reason: string;
}

/** Greedy best-pair alignment of the shorter name's tokens onto the longer name's. */
function alignment(a: string[], b: string[], extraWeight: number): { score: number; pairs: [string, string, number][]; inOrder: boolean } {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const candidates = short.flatMap((s, i) => long.map((l, j) => ({ i, j, sim: tokenSimilarity(s, l) }))).sort((x, y) => y.sim - x.sim);
  const usedShort = new Set<number>();
  const usedLong = new Set<number>();
  const pairs: [string, string, number][] = [];
  for (const c of candidates) {
    if (usedShort.has(c.i) || usedLong.has(c.j)) continue;
    usedShort.add(c.i);
    usedLong.add(c.j);
    pairs.push([short[c.i]!, long[c.j]!, c.sim]);
  }
  // Long tokens count more, but not so much that a shared surname drowns a different first name.
  const weight = (t: string) => 2 + t.length / 2;
  const matched = pairs.reduce((sum, [s, , sim]) => sum + weight(s) * sim, 0);
  const shortWeight = short.reduce((sum, t) => sum + weight(t), 0);
  const longWeight = long.reduce((sum, t) => sum + weight(t), 0);
  const unmatchedLong = long.filter((_, j) => !usedLong.has(j)).reduce((sum, t) => sum + weight(t), 0);
  // Extra tokens in the longer name (a middle name, a patronymic) weigh little; mismatched ones weigh fully.
  const score = matched / (shortWeight + extraWeight * unmatchedLong);
  const order = pairs.map(([s, l]) => [short.indexOf(s), long.indexOf(l)] as const).sort((p, q) => p[0] - q[0]).map(([, j]) => j);
  const inOrder = order.every((j, k) => k === 0 || j > order[k - 1]!);
  return { score: Math.min(1, score * (longWeight ? 1 : 0)), pairs, inOrder };
}

const ORGANIZATIONS = new Set(['Company', 'Organization', 'LegalEntity', 'Vessel']);

/** A name ready to compare: "Al-Qa'ida/Islamic Army" is two names of one party, so two alternatives. */
export type PreparedName = NameTokens[];

export function prepareName(name: string): PreparedName {
  return name.split('/').map(tokenize);
}

export function compareNames(a: string, b: string, schema = 'Person'): NameComparison {
  return comparePrepared(prepareName(a), prepareName(b), schema);
}

/** The best score over both names' alternatives. */
export function comparePrepared(a: PreparedName, b: PreparedName, schema = 'Person'): NameComparison {
  let best: NameComparison = { score: 0, reason: 'nothing left to compare after normalization' };
  for (const x of a) {
    for (const y of b) {
      const c = compareTokens(x, y, schema);
      if (c.score > best.score) best = c;
    }
  }
  return best;
}

function compareTokens(x: NameTokens, y: NameTokens, schema: string): NameComparison {
  if (!x.tokens.length || !y.tokens.length) return { score: 0, reason: 'nothing left to compare after normalization' };
  // Names written without spaces (SergeiLavrov, SiemensAG) or split differently (van der bilt) compare whole.
  const whole = [...x.tokens, ...x.forms].join('') === [...y.tokens, ...y.forms].join('') || x.tokens.join('') === y.tokens.join('') ? 1 : 0;
  const organization = ORGANIZATIONS.has(schema);
  // A person's extra middle names are common; an organization's extra words usually name another one.
  const aligned = alignment(x.tokens, y.tokens, organization ? 0.6 : 0.15);
  let score = Math.max(whole, aligned.score);
  // Swapped names without a comma saying so are more often two people than one.
  if (!whole && !aligned.inOrder && !x.reordered && !y.reordered) score *= 0.9;
  const familyX = x.forms.map((f) => FORM_FAMILY[f] ?? f);
  const familyY = y.forms.map((f) => FORM_FAMILY[f] ?? f);
  if (familyX.length && familyY.length && !familyX.some((f) => familyY.includes(f))) score *= 0.85;
  const reason = whole && whole >= aligned.score
    ? 'same letters once spaces are ignored'
    : aligned.pairs.map(([s, l, sim]) => `${s}~${l} ${sim.toFixed(2)}`).join(', ');
  return { score: Number(score.toFixed(4)), reason };
}
