import { InvalidArgumentError } from 'commander'
import { multiaddr } from '@multiformats/multiaddr'
import { MAX_TTL_SECONDS } from '../protocol/limits.js'

/** Commander parser for a repeatable multiaddr option: validates and collects. */
export function collectMultiaddr (value: string, previous: string[] | undefined): string[] {
  try {
    multiaddr(value)
  } catch (err) {
    throw new InvalidArgumentError(`not a valid multiaddr (${(err as Error).message})`)
  }
  return [...(previous ?? []), value]
}

/** Commander parser for a positive integer option. */
export function parsePositiveInt (value: string): number {
  if (!/^[1-9][0-9]*$/.test(value) || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError('must be a positive whole number')
  }
  return Number(value)
}

/** Commander parser for a single multiaddr option. */
export function parseMultiaddr (value: string): string {
  return collectMultiaddr(value, undefined)[0]
}

/** Commander parser for a duration in seconds (fractions allowed); returns milliseconds. */
export function parseSeconds (value: string): number {
  const seconds = Number(value)
  if (!/^[0-9]*\.?[0-9]+$/.test(value) || !(seconds > 0) || seconds > 86_400) {
    throw new InvalidArgumentError('must be a number of seconds, more than 0 and at most 86400')
  }
  return Math.round(seconds * 1000)
}

/** Commander parser for `--ttl`: a positive whole number of seconds that fits the protocol's uint32. */
export function parseTtl (value: string): number {
  const seconds = parsePositiveInt(value)
  if (seconds > MAX_TTL_SECONDS) {
    throw new InvalidArgumentError(`must be at most ${MAX_TTL_SECONDS} seconds`)
  }
  return seconds
}
