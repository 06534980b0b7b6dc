import { InvalidArgumentError } from 'commander'
import { multiaddr } from '@multiformats/multiaddr'

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
