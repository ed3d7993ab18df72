/**
 * The simulator's only source of randomness: a small seeded PRNG (sfc32, seeded through
 * splitmix-style mixing of the seed's characters), so the same seed and the same steps
 * always give the same run. Never use Math.random() in src/sim.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Exponential with the given rate (events per unit). */
  exponential(rate: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Lognormal with the given median and shape (sigma of the underlying normal). */
  lognormal(median: number, sigma: number): number;
  chance(p: number): boolean;
  /** Lower-case letters and digits, like Ray's replica and handle ids. */
  alnum(length: number): string;
  hex(length: number): string;
  /** A uuid4-shaped string, like Ray's request ids. */
  uuid(): string;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function seedWords(seed: number | string): [number, number, number, number] {
  const text = String(seed);
  let h = 0x9e3779b9 ^ text.length;
  const words: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
      h = (h << 13) | (h >>> 19);
    }
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35) ^ round;
    h ^= h >>> 13;
    words.push(h >>> 0);
  }
  return [words[0]!, words[1]!, words[2]!, words[3]!];
}

export function createRandom(seed: number | string): Random {
  let [a, b, c, d] = seedWords(seed);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();

  const pick = (alphabet: string, length: number): string => {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const s = spare;
      spare = undefined;
      return s;
    }
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };

  return {
    next,
    int: (n) => Math.floor(next() * n),
    exponential: (rate) => -Math.log(1 - next()) / rate,
    normal,
    lognormal: (median, sigma) => median * Math.exp(sigma * normal()),
    chance: (p) => next() < p,
    alnum: (length) => pick(ALNUM, length),
    hex: (length) => pick(HEX, length),
    uuid: () => {
      const h = pick(HEX, 32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
    },
  };
}
