import { buildGoPeer, GO_BUILD_TIMEOUT_MS } from './helpers/go-peer.js'
import { buildRustPeer, RUST_BUILD_TIMEOUT_MS } from './helpers/rust-peer.js'

/**
 * Mocha root hooks of the interop suite (loaded by .mocharc.interop.json):
 * builds the Go and the Rust peers once before any spec runs.
 */
export const mochaHooks = {
  async beforeAll (this: Mocha.Context): Promise<void> {
    this.timeout(GO_BUILD_TIMEOUT_MS + RUST_BUILD_TIMEOUT_MS)
    await buildGoPeer()
    await buildRustPeer()
  }
}
