import { buildGoPeer, GO_BUILD_TIMEOUT_MS } from './helpers/go-peer.js'

/**
 * Mocha root hooks of the interop suite (loaded by .mocharc.interop.json):
 * builds the Go peer once before any spec runs.
 */
export const mochaHooks = {
  async beforeAll (this: Mocha.Context): Promise<void> {
    this.timeout(GO_BUILD_TIMEOUT_MS)
    await buildGoPeer()
  }
}
