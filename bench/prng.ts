/**
 * A small seeded pseudo-random generator (mulberry32), so that every choice a
 * benchmark makes (which peer puts, which peer gets, the value bytes) follows
 * from `--seed` alone. Not for cryptography.
 */
export class Prng {
  private state: number

  /** A generator whose sequence is fixed by `seed` (any 32-bit integer). */
  constructor (seed: number) {
    this.state = seed | 0
  }

  /**
   * A generator for one purpose (`label`, e.g. "put" or "load/3"), derived
   * from `seed`: each purpose gets its own sequence, so changing how many
   * draws one phase makes does not change the choices of another.
   */
  static derive (seed: number, label: string): Prng {
    return new Prng(hash32(`${seed}/${label}`))
  }

  /** The next number in [0, 1). */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** A whole number in [0, n). */
  int (n: number): number {
    return Math.floor(this.next() * n)
  }

  /** An element of `items` (which must not be empty). */
  pick<T> (items: readonly T[]): T {
    if (items.length === 0) {
      throw new RangeError('cannot pick from an empty list')
    }
    return items[this.int(items.length)]
  }

  /** An element of `items` other than `except`, or `except` itself when it is the only one. */
  pickOther<T> (items: readonly T[], except: T): T {
    const others = items.filter((item) => item !== except)
    return others.length === 0 ? except : this.pick(others)
  }

  /** `length` pseudo-random bytes. */
  bytes (length: number): Uint8Array {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      out[i] = this.int(256)
    }
    return out
  }
}

/** FNV-1a over the UTF-16 code units of `text`: a 32-bit seed from a label. */
function hash32 (text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  }
  return h | 0
}
