import { once } from 'node:events'
import { createServer } from 'node:net'
import { expect } from 'chai'
import { CliProcess, runCli } from '../../helpers/cli.js'
import { call } from '../../helpers/api.js'
import { LOOPBACK_LISTEN } from '../../helpers/peers.js'

describe('exper-dht start --api (real processes)', () => {
  const running: CliProcess[] = []
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async (cli) => cli.stop('SIGKILL')))
  })

  it('serves the API: the ready line gains "api", /metrics has libp2p\'s own metrics, SIGTERM stops it', async () => {
    const cli = new CliProcess(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', '/ip4/127.0.0.1/tcp/0', '--json'])
    running.push(cli)
    const ready = await cli.waitForEvent('ready')
    expect(Object.keys(ready)).to.deep.equal(['event', 'peerId', 'addrs', 'api'])
    const url = String(ready.api)
    expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/)
    const put = await call('PUT', `${url}/api/v1/kv/from-curl`, 'hello')
    expect(put.status).to.equal(201)
    const get = await call('GET', `${url}/api/v1/kv/from-curl`)
    expect(get.bytes.toString()).to.equal('hello')
    expect((await call('GET', `${url}/api/v1/peer`)).json.peerId).to.equal(ready.peerId)
    const metrics = (await call('GET', `${url}/metrics`)).bytes.toString()
    expect(metrics).to.match(/^libp2p_[a-z_]+/m)
    expect(metrics).to.match(/^exper_dht_operations_total\{op="put",result="ok"\} 1$/m)
    expect(metrics).to.match(/^nodejs_heap_size_used_bytes /m)
    expect(await cli.stop('SIGTERM')).to.deep.equal({ code: 0, signal: null })
    expect(cli.stderr).to.equal('')
  })

  it('prints the URL in its human output', async () => {
    const cli = new CliProcess(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', '/ip4/127.0.0.1/tcp/0'])
    running.push(cli)
    await new Promise<void>((resolve, reject) => {
      const check = (): void => { if (/HTTP API and dashboard: http:\/\/127\.0\.0\.1:\d+\n/.test(cli.stdout)) resolve() }
      cli.child.stdout!.on('data', check)
      void cli.exited.then(() => { reject(new Error(`exited before printing the URL:\n${cli.stdout}\n${cli.stderr}`)) })
      check()
    })
  })

  it('exits 1 with the reason when the API cannot listen (its port is taken), leaving nothing running', async () => {
    const taken = createServer()
    taken.listen(0, '127.0.0.1')
    await once(taken, 'listening')
    try {
      const port = (taken.address() as { port: number }).port
      const result = await runCli(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', `/ip4/127.0.0.1/tcp/${port}`, '--json'])
      expect(result.code).to.equal(1)
      expect(result.stderr).to.match(new RegExp(`the HTTP API could not start on /ip4/127\\.0\\.0\\.1/tcp/${port}: .*EADDRINUSE`))
    } finally {
      taken.close()
    }
  })

  it('refuses (exit 2, with the reason) an --api beyond loopback without a token, a short token and a non-TCP address', async () => {
    const open = await runCli(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', '/ip4/0.0.0.0/tcp/0'])
    expect(open.code).to.equal(2)
    expect(open.stderr).to.match(/beyond loopback: give it a token/)
    const short = await runCli(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', '/ip4/127.0.0.1/tcp/0', '--api-token', 'short'])
    expect(short.code).to.equal(2)
    expect(short.stderr).to.match(/at least 16 characters/)
    const udp = await runCli(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', '/ip4/127.0.0.1/udp/5080'])
    expect(udp.code).to.equal(2)
    expect(udp.stderr).to.match(/\/tcp\/<port>/)
    const bad = await runCli(['start', '--ephemeral', '--listen', LOOPBACK_LISTEN, '--api', 'localhost:5080'])
    expect(bad.code).to.equal(2)
  })
})
