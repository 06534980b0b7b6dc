import { fork } from 'node:child_process'
import { once } from 'node:events'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { CLI_PATH, CliProcess, runCli } from '../../helpers/cli.js'
import { LOOPBACK_LISTEN } from '../../helpers/peers.js'
import { CLI_PATH as SUPERVISED_CLI_PATH } from '../../../src/supervisor/peer-process.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

const running: CliProcess[] = []

/** Starts `exper-dht start ARGS --json` on loopback; stopped after each test. */
function start (...args: string[]): CliProcess {
  const cli = new CliProcess(['start', '--listen', LOOPBACK_LISTEN, '--json', ...args])
  running.push(cli)
  return cli
}

describe('exper-dht start (real processes)', () => {
  let dir: string

  beforeEach(async () => { dir = await makeTempDir() })
  afterEach(async () => {
    await Promise.all(running.splice(0).map(async (cli) => cli.stop('SIGKILL')))
    await removeDir(dir)
  })

  it("is the bundled CLI that package.json's bin installs and the supervisor runs", async () => {
    const root = fileURLToPath(new URL('../../../../', import.meta.url))
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> }
    expect(join(root, pkg.bin['exper-dht'])).to.equal(CLI_PATH)
    expect(SUPERVISED_CLI_PATH).to.equal(CLI_PATH)
    expect((await readFile(CLI_PATH, 'utf8')).startsWith('#!/usr/bin/env node\n')).to.equal(true)
  })

  it('prints exactly the ready line, with loopback addresses ending in /p2p/<id>', async () => {
    const cli = start('--ephemeral')
    const ready = await cli.waitForEvent('ready')
    expect(Object.keys(ready)).to.deep.equal(['event', 'peerId', 'addrs'])
    expect(ready.addrs).to.be.an('array').with.length.above(0)
    for (const addr of ready.addrs as string[]) {
      expect(addr).to.match(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${String(ready.peerId)}$`))
    }
  })

  it('exits 0 on SIGTERM and on SIGINT', async () => {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      const cli = start('--ephemeral')
      await cli.waitForEvent('ready')
      expect(await cli.stop(signal)).to.deep.equal({ code: 0, signal: null })
      expect(cli.events.map((e) => e.event)).to.include.members(['stopping', 'stopped'])
    }
  })

  it('a second peer bootstraps from the first and both see each other', async () => {
    const first = start('--ephemeral')
    const firstReady = await first.waitForEvent('ready')
    const second = start('--ephemeral', '--bootstrap', (firstReady.addrs as string[])[0])
    const secondReady = await second.waitForEvent('ready')
    await second.waitForEvent('peer-connected', (e) => e.peerId === firstReady.peerId)
    await first.waitForEvent('peer-connected', (e) => e.peerId === secondReady.peerId)
    await second.waitForEvent('bootstrap-connected', (e) => e.peerId === firstReady.peerId)
  })

  it('reports each periodic refresh of its routing table (dht.refreshIntervalMs)', async () => {
    const config = join(dir, 'fast-refresh.json')
    await writeFile(config, JSON.stringify({ dht: { refreshIntervalMs: 100 } }))
    const first = start('--ephemeral')
    const firstReady = await first.waitForEvent('ready')
    const second = start('--ephemeral', '--config', config, '--bootstrap', (firstReady.addrs as string[])[0])
    const refreshed = await second.waitForEvent('refreshed')
    expect(Object.keys(refreshed)).to.deep.equal(['event', 'routingTableSize', 'durationMs'])
    expect(refreshed.routingTableSize).to.equal(1)
    expect(refreshed.durationMs).to.be.a('number').and.at.least(0)
  })

  it('keeps its peer id across restarts on the same --data-dir, and refuses a second process on it', async () => {
    const first = start('--data-dir', dir)
    const { peerId } = await first.waitForEvent('ready')
    const intruder = await runCli(['start', '--listen', LOOPBACK_LISTEN, '--data-dir', dir])
    expect(intruder.code).to.equal(1)
    expect(intruder.stderr).to.match(/is in use by another exper-dht peer/)
    expect(await first.stop()).to.deep.equal({ code: 0, signal: null })

    const again = start('--data-dir', dir)
    expect((await again.waitForEvent('ready')).peerId).to.equal(peerId)
  })

  it('takes the data dir from $EXPER_DHT_HOME', async () => {
    const cli = new CliProcess(['start', '--listen', LOOPBACK_LISTEN, '--json'], { EXPER_DHT_HOME: dir })
    running.push(cli)
    const { peerId } = await cli.waitForEvent('ready')
    await cli.stop()
    const again = new CliProcess(['start', '--listen', LOOPBACK_LISTEN, '--json'], { EXPER_DHT_HOME: dir })
    running.push(again)
    expect((await again.waitForEvent('ready')).peerId).to.equal(peerId)
  })

  it('reports an unreachable bootstrap peer and retries it with backoff, without crashing', async () => {
    const config = join(dir, 'fast-retry.json')
    await writeFile(config, JSON.stringify({ bootstrapRetry: { initialDelayMs: 20, maxDelayMs: 100 } }))
    // a port that nothing listens on: bind-then-close is not needed, port 1 is privileged and closed
    const cli = start('--ephemeral', '--config', config, '--bootstrap', '/ip4/127.0.0.1/tcp/1')
    const firstRetry = await cli.waitForEvent('bootstrap-retry', (e) => e.attempt === 1)
    expect(firstRetry.retryInMs).to.equal(20)
    expect(firstRetry.error).to.be.a('string').and.not.equal('')
    const third = await cli.waitForEvent('bootstrap-retry', (e) => e.attempt === 3)
    expect(third.retryInMs).to.equal(80)
    expect(await cli.stop()).to.deep.equal({ code: 0, signal: null })
  })

  it('logs what its components do on stderr when DEBUG names them (exper-dht:*), and prints nothing there otherwise', async () => {
    const server = start('--ephemeral')
    const { addrs } = await server.waitForEvent('ready')
    const debugged = new CliProcess(['start', '--listen', LOOPBACK_LISTEN, '--json', '--ephemeral', '--bootstrap', (addrs as string[])[0]], { DEBUG: 'exper-dht:*' })
    running.push(debugged)
    await debugged.waitForEvent('bootstrap-connected')
    await server.waitForEvent('peer-connected')
    expect(await debugged.stop()).to.deep.equal({ code: 0, signal: null })
    expect(await server.stop()).to.deep.equal({ code: 0, signal: null })
    expect(debugged.stderr).to.match(/exper-dht:peer:bootstrap connected to \/ip4\/127\.0\.0\.1\//)
    expect(debugged.stderr).to.not.match(/\blibp2p:/)
    expect(server.stderr).to.equal('')
  })

  it('--client runs a query-only peer that joins through a server', async () => {
    const server = start('--ephemeral')
    const { addrs } = await server.waitForEvent('ready')
    const client = start('--ephemeral', '--client', '--bootstrap', (addrs as string[])[0])
    await client.waitForEvent('ready')
  })

  it('under a supervisor: reports its routing table size and readiness over IPC, and stops once the channel closes', async () => {
    const first = start('--ephemeral')
    const firstReady = await first.waitForEvent('ready')
    const child = fork(CLI_PATH, ['start', '--listen', LOOPBACK_LISTEN, '--ephemeral', '--json', '--bootstrap', (firstReady.addrs as string[])[0]],
      { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    try {
      let stdout = ''
      child.stdout!.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
      const exited = once(child, 'exit')
      const messages: Array<Record<string, unknown>> = []
      await new Promise<void>((resolve) => {
        child.on('message', (message: Record<string, unknown>) => {
          messages.push(message)
          if (message.type === 'ready') {
            resolve()
          }
        })
      })
      // the size at once (0: not bootstrapped yet), then at each change; ready once it holds the first peer
      expect(messages[0]).to.deep.equal({ type: 'routing-table', size: 0 })
      expect(messages.at(-2)).to.deep.equal({ type: 'routing-table', size: 1 })
      const ready = messages.at(-1)!
      expect(ready).to.have.keys(['type', 'peerId', 'addrs'])

      child.disconnect()
      expect(await exited).to.deep.equal([0, null])
      const events = stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(events.find((event) => event.event === 'ready')).to.deep.equal({ event: 'ready', peerId: ready.peerId, addrs: ready.addrs })
      expect(events.slice(-2)).to.deep.equal([{ event: 'stopping', reason: 'supervisor-disconnected' }, { event: 'stopped' }])
    } finally {
      child.kill('SIGKILL')
    }
  })

  describe('bad input: the reason on stderr, exit 2', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['an unknown flag', ['start', '--bogus'], /unknown option '--bogus'/],
      ['a malformed --listen', ['start', '--listen', 'not-an-addr'], /--listen.*not a valid multiaddr/],
      ['a malformed --bootstrap', ['start', '--bootstrap', '/ip4/999.1.1.1/tcp/1'], /--bootstrap.*not a valid multiaddr/],
      ['an unreadable --config', ['start', '--config', '/nonexistent/config.json'], /cannot read config file/],
      ['an unknown command', ['launch'], /unknown command 'launch'/]
    ]
    for (const [what, args, message] of cases) {
      it(what, async () => {
        const result = await runCli(args)
        expect(result.code).to.equal(2)
        expect(result.stderr).to.match(message)
      })
    }

    it('an invalid --config', async () => {
      const config = join(dir, 'invalid.json')
      await writeFile(config, JSON.stringify({ dht: { protocol: 'no-slash' } }))
      const result = await runCli(['start', '--config', config])
      expect(result.code).to.equal(2)
      expect(result.stderr).to.match(/dht\.protocol/)
    })
  })
})
