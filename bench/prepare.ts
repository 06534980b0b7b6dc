import { buildGoPeer } from '../test/interop/helpers/go-peer.js'
import type { Implementation } from './options.js'

/**
 * Readies an implementation before its first run, outside every timing:
 * `go` builds the Go interop peer the way the interop suite does
 * (test/interop/helpers/go-peer.ts; about a second when Go's build cache is
 * warm). Throws when that is impossible (no Go toolchain), and the benchmark
 * then skips the implementation, saying why.
 */
export async function prepareImplementation (impl: Implementation, log: (line: string) => void): Promise<void> {
  if (impl === 'go') {
    log('building the Go interop peer (test/interop/go)')
    await buildGoPeer()
  }
}
