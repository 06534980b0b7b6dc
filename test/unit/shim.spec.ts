import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { expect } from 'chai'
import '../../src/shim/promise-with-resolvers.js'
import { CliProcess } from '../helpers/cli.js'

const run = promisify(execFile)
const LIBRARY_URL = new URL('../../src/index.js', import.meta.url).href
/** Preloaded before an entry point: makes any runtime look like Node 20, which lacks the method. */
const REMOVE_WITH_RESOLVERS = 'data:text/javascript,delete%20Promise.withResolvers'

describe('Promise.withResolvers shim (Node 20)', () => {
  it('resolves and rejects like the ES2024 method', async () => {
    const ok = Promise.withResolvers<number>()
    ok.resolve(42)
    expect(await ok.promise).to.equal(42)
    const failed = Promise.withResolvers<number>()
    failed.reject(new Error('no'))
    const reason = await failed.promise.then(() => undefined, (err: Error) => err)
    expect(reason?.message).to.equal('no')
  })

  it('is installed by the library entry point before libp2p runs: two peers can ping', async () => {
    const script = `
      if (typeof Promise.withResolvers === 'function') throw new Error('the runtime still has Promise.withResolvers')
      const { createPeer } = await import(${JSON.stringify(LIBRARY_URL)})
      const listen = ['/ip4/127.0.0.1/tcp/0']
      const a = await createPeer({ ephemeral: true, listen })
      const b = await createPeer({ ephemeral: true, listen })
      const rtt = await a.libp2p.services.ping.ping(b.getMultiaddrs()[0])
      await a.stop(); await b.stop()
      console.log(typeof Promise.withResolvers, typeof rtt)
    `
    const { stdout } = await run(process.execPath, ['--import', REMOVE_WITH_RESOLVERS, '--input-type=module', '-e', script])
    expect(stdout.trim()).to.equal('function number')
  })

  it('is installed by the CLI entry point: a peer starts and stops', async () => {
    const cli = new CliProcess(['start', '--ephemeral', '--listen', '/ip4/127.0.0.1/tcp/0', '--json'], { NODE_OPTIONS: `--import=${REMOVE_WITH_RESOLVERS}` })
    await cli.waitForEvent('ready')
    expect(await cli.stop('SIGTERM')).to.deep.equal({ code: 0, signal: null })
  })
})
