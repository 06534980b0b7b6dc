import { buildGoPeer } from '../test/interop/helpers/go-peer.js'
import { buildRustPeer } from '../test/interop/helpers/rust-peer.js'
import type { Implementation } from './options.js'

/**
 * Readies an implementation before its first run, outside every timing:
 * `go` builds the Go interop peer the way the interop suite does
 * (test/interop/helpers/go-peer.ts; about a second when Go's build cache is
 * warm), `rust` the Rust one (test/interop/helpers/rust-peer.ts; about a
 * second when cargo's target/ is warm, minutes when cold). Throws when that
 * is impossible (no Go or Rust toolchain), and the benchmark
 * then skips the implementation, saying why.
 */
export async function prepareImplementation (impl: Implementation, log: (line: string) => void): Promise<void> {
  if (impl === 'go') {
    log('building the Go interop peer (test/interop/go)')
    await buildGoPeer()
  }
  if (impl === 'rust') {
    log('building the Rust interop peer (test/interop/rust)')
    await buildRustPeer()
  }
}
