import { execFile } from 'node:child_process'
import { once } from 'node:events'
import { copyFile, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { CliProcess, completion } from '../../helpers/cli.js'
import { LOOPBACK_LISTEN } from '../../helpers/peers.js'
import { alive, descendants, killSurvivors, processesWith, waitUntilGone } from '../../helpers/processes.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'
import type { ProcessExit } from '../../helpers/cli.js'

/** The package root (this file runs from dist/test/integration/cli/). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const BUILD_IF_STALE = join(ROOT, 'scripts', 'build-if-stale.mjs')

/** npm and a peer starting on a busy 2-core machine can be slow: generous, but bounded. */
const READY_TIMEOUT_MS = 90_000
/** How long npm may take to exit once signalled: the peer's shutdown timeout (5 s), and slack. */
const STOP_TIMEOUT_MS = 30_000

const execFileAsync = promisify(execFile)

/**
 * `npm start -- ARGS` as a user (or a process manager) runs it, in the
 * package root; the child is npm itself, so signalling it signals npm only.
 */
function npmStart (args: string[], options: { detached?: boolean } = {}): CliProcess {
  return new CliProcess(['--prefix', ROOT, 'start', '--', ...args], {}, undefined, ['npm'], options)
}

/**
 * Sends `signal` to npm's pid (or, with `group`, to its process group) and
 * resolves with how npm exited, once it has: its exit, not the end of its
 * output, which a peer left running would hold open (`npm.exited` then
 * waits for the rest of the output).
 */
async function signalNpm (npm: CliProcess, signal: NodeJS.Signals, group = false): Promise<ProcessExit> {
  const exited = once(npm.child, 'exit')
  process.kill(group ? -npm.child.pid! : npm.child.pid!, signal)
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`npm still running ${STOP_TIMEOUT_MS} ms after ${signal}; stderr:\n${npm.stderr}`)) }, STOP_TIMEOUT_MS)
  })
  try {
    const [code, exitSignal] = await Promise.race([exited, late])
    return { code, signal: exitSignal } as ProcessExit
  } finally {
    clearTimeout(timer)
  }
}

/** Modification times of every file under `dir`. */
async function mtimes (dir: string): Promise<Map<string, number>> {
  const times = new Map<string, number>()
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name)
      times.set(path, (await stat(path)).mtimeMs)
    }
  }
  return times
}

describe('npm start (real processes: npm, its scripts, the peer)', function () {
  this.timeout(180_000)

  let dir: string
  const running: CliProcess[] = []

  before(async () => {
    // a stale build would be rebuilt by prestart, under the suite that runs from dist/
    try {
      await execFileAsync(process.execPath, [BUILD_IF_STALE, '--check'])
    } catch (err) {
      throw new Error(`dist/ is not up to date; build first (npm test does): ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err })
    }
  })
  beforeEach(async () => { dir = await makeTempDir() })
  afterEach(async () => {
    const survivors = processesWith(dir)
    killSurvivors(survivors, dir)
    await Promise.all(running.splice(0).map(async (cli) => cli.stop('SIGKILL')))
    await removeDir(dir)
  })

  /** `npm start` of a peer on `dir`, until its ready line: the processes it consists of, and that line. */
  async function startPeer (options: { detached?: boolean } = {}): Promise<{ npm: CliProcess, peerId: unknown, pids: number[] }> {
    const npm = npmStart(['--listen', LOOPBACK_LISTEN, '--data-dir', dir, '--json'], options)
    running.push(npm)
    const { peerId } = await npm.waitForEvent('ready', () => true, READY_TIMEOUT_MS)
    const pids = processesWith(dir)
    expect(pids, 'npm and the peer').to.include(npm.child.pid).and.have.length.of.at.least(2)
    return { npm, peerId, pids }
  }

  /** Once npm has exited: no process of the peer left, and the data dir free for the next peer at once. */
  async function expectAllGoneAndDataDirFree (pids: number[], peerId: unknown): Promise<void> {
    expect(alive(pids, dir), 'processes of the first npm start still running').to.deep.equal([])
    expect(processesWith(dir), 'processes still running on the data dir').to.deep.equal([])
    const again = await startPeer()
    expect(again.peerId).to.equal(peerId)
    expect(await signalNpm(again.npm, 'SIGTERM')).to.deep.equal({ code: 0, signal: null })
  }

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the npm process (not its group, as process managers do) stops the peer cleanly and releases its data dir`, async () => {
      const { npm, peerId, pids } = await startPeer()
      expect(await signalNpm(npm, signal)).to.deep.equal({ code: 0, signal: null })
      await npm.exited
      // the peer itself got the signal and stopped (it exits 0 only after a clean stop)
      expect(npm.events.filter((e) => e.event === 'stopping')).to.deep.equal([{ event: 'stopping', signal }])
      expect(npm.events.at(-1)).to.deep.equal({ event: 'stopped' })
      await expectAllGoneAndDataDirFree(pids, peerId)
    })
  }

  it("SIGINT to the whole process group (a terminal's Ctrl-C: npm forwards its copy as well) is one clean stop", async () => {
    const { npm, peerId, pids } = await startPeer({ detached: true })
    expect(await signalNpm(npm, 'SIGINT', true)).to.deep.equal({ code: 0, signal: null })
    await npm.exited
    expect(npm.stderr).to.not.match(/again/)
    expect(npm.events.filter((e) => e.event === 'stopping')).to.deep.equal([{ event: 'stopping', signal: 'SIGINT' }])
    await expectAllGoneAndDataDirFree(pids, peerId)
  })

  it('prestart with an up-to-date build builds nothing and says so', async () => {
    const before = await mtimes(join(ROOT, 'dist'))
    const prestart = await completion(new CliProcess(['--prefix', ROOT, 'run', 'prestart'], {}, undefined, ['npm']))
    expect(prestart.code, prestart.stderr).to.equal(0)
    expect(prestart.stderr).to.match(/dist\/ is up to date, not building/)
    expect(prestart.stdout).to.not.match(/tsc|esbuild/)
    expect(await mtimes(join(ROOT, 'dist'))).to.deep.equal(before)
  })
})

describe('npm run bench (real processes)', function () {
  this.timeout(180_000)

  /** What every process of the benchmark has in its command line: dist/bench/cli.js, dist/bench/worker.js, dist/src/cli/exper-dht.mjs. */
  const MARKER = 'dist/'
  let pids: number[] = []
  const running: CliProcess[] = []

  afterEach(async () => {
    killSurvivors(pids, MARKER)
    await Promise.all(running.splice(0).map(async (cli) => cli.stop('SIGKILL')))
    pids = []
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the npm process stops the benchmark and every peer process it started`, async () => {
      const npm = new CliProcess(['--prefix', ROOT, 'run', 'bench', '--', '--peers', '3', '--records', '5', '--duration', '120', '--impl', 'exper', '--processes'], {}, undefined, ['npm'])
      running.push(npm)
      // the load phase: every peer process is up
      await new Promise<void>((resolve, reject) => {
        npm.child.stderr!.on('data', () => { if (/\] load: /.test(npm.stderr)) resolve() })
        void npm.exited.then(() => { reject(new Error(`the benchmark ended before its load phase; stderr:\n${npm.stderr}`)) })
      })
      pids = descendants(npm.child.pid!)
      // the benchmark's program, its worker, 3 peers
      expect(pids.filter((pid) => alive([pid], MARKER).length === 1)).to.have.length.of.at.least(5)
      // npm passes the way the benchmark ended on: the signal (the run is lost)
      expect(await signalNpm(npm, signal)).to.deep.equal({ code: null, signal })
      await waitUntilGone(pids, MARKER, STOP_TIMEOUT_MS)
    })
  }
})

describe('scripts/build-if-stale.mjs (prestart, prebench) on a package of its own', function () {
  this.timeout(120_000)

  let dir: string
  const running: CliProcess[] = []

  /** `node scripts/build-if-stale.mjs ARGS` in the package; its build is FIXTURE_BUILD: ok, fail or hang. */
  function buildIfStale (args: string[] = [], build: 'ok' | 'fail' | 'hang' = 'ok'): CliProcess {
    const cli = new CliProcess([join(dir, 'scripts', 'build-if-stale.mjs'), ...args], { FIXTURE_BUILD: build }, undefined, [process.execPath])
    running.push(cli)
    return cli
  }

  async function builds (): Promise<number> {
    return (await readFile(join(dir, 'builds.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean).length
  }

  async function check (): Promise<{ code: number | null, stderr: string }> {
    const { code, stderr } = await completion(buildIfStale(['--check']))
    return { code, stderr }
  }

  async function stampTime (): Promise<number> {
    return (await stat(join(dir, 'dist', '.build-stamp'))).mtimeMs
  }

  beforeEach(async () => {
    dir = await makeTempDir()
    await mkdir(join(dir, 'scripts'))
    await copyFile(BUILD_IF_STALE, join(dir, 'scripts', 'build-if-stale.mjs'))
    await mkdir(join(dir, 'src'))
    await writeFile(join(dir, 'src', 'a.ts'), 'export const a = 1\n')
    // the build: one line in builds.log, then a .js in dist/src for each source (or a failure, or no end
    // after a {"event":"building"} line);
    // the absolute path puts the package dir in the command line of every process of the build
    await writeFile(join(dir, 'build.mjs'), [
      "import { appendFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'",
      "appendFileSync('builds.log', 'build\\n')",
      "if (process.env.FIXTURE_BUILD === 'fail') process.exit(1)",
      "if (process.env.FIXTURE_BUILD === 'hang') { console.log('{\"event\":\"building\"}'); setInterval(() => {}, 1000) } else {",
      "  mkdirSync('dist/src', { recursive: true })",
      "  for (const file of readdirSync('src')) writeFileSync(`dist/src/${file.replace(/\\.ts$/, '.js')}`, '')",
      '}'
    ].join('\n') + '\n')
    await writeFile(join(dir, 'package.json'), JSON.stringify({
      name: 'build-if-stale-fixture',
      version: '1.0.0',
      type: 'module',
      scripts: {
        prebuild: 'node scripts/build-if-stale.mjs --begin',
        build: `node ${JSON.stringify(join(dir, 'build.mjs'))}`,
        postbuild: 'node scripts/build-if-stale.mjs --end'
      }
    }))
    // package.json is an input: make it older than the first build
    await utimes(join(dir, 'package.json'), new Date('2020-01-01'), new Date('2020-01-01'))
  })
  afterEach(async () => {
    killSurvivors(processesWith(dir), dir)
    await Promise.all(running.splice(0).map(async (cli) => cli.stop('SIGKILL')))
    await removeDir(dir)
  })

  it('builds when there is no build, then not until a source changes, is added, or an output is missing', async () => {
    const first = await completion(buildIfStale())
    expect(first.code, first.stderr).to.equal(0)
    expect(first.stderr).to.match(/no completed build in dist\/: building/)
    expect(await builds()).to.equal(1)

    const second = await completion(buildIfStale())
    expect(second.code, second.stderr).to.equal(0)
    expect(second.stderr).to.match(/dist\/ is up to date, not building/)
    expect(await builds()).to.equal(1)
    expect(await check()).to.include({ code: 0 })

    // modified after the build began (and still in the past, so that the next build is newer)
    const changed = new Date(await stampTime() + 10)
    await utimes(join(dir, 'src', 'a.ts'), changed, changed)
    expect(await check()).to.deep.equal({ code: 1, stderr: 'build-if-stale: dist/ is stale: src/a.ts changed since the last build\n' })
    expect((await completion(buildIfStale())).code).to.equal(0)
    expect(await builds()).to.equal(2)
    expect(await check()).to.include({ code: 0 })

    // a new source with an old time (moved in, say) is still new
    await writeFile(join(dir, 'src', 'b.ts'), 'export const b = 2\n')
    await utimes(join(dir, 'src', 'b.ts'), new Date('2020-01-01'), new Date('2020-01-01'))
    expect((await check()).stderr).to.match(/src\/b\.ts is new since the last build/)
    expect((await completion(buildIfStale())).code).to.equal(0)
    expect(await builds()).to.equal(3)

    await rm(join(dir, 'dist', 'src', 'a.js'))
    expect((await check()).stderr).to.match(/dist\/src\/a\.js is missing/)
  })

  it('a failed build leaves dist/ stale', async () => {
    expect((await completion(buildIfStale())).code).to.equal(0)
    expect(await check()).to.include({ code: 0 })
    await utimes(join(dir, 'src', 'a.ts'), new Date(), new Date())
    expect((await completion(buildIfStale([], 'fail'))).code).to.equal(1)
    expect((await check()).stderr).to.match(/no completed build in dist\//)
  })

  it('a signal stops the build it started, every process of it, and leaves dist/ stale', async () => {
    const cli = buildIfStale([], 'hang')
    await cli.waitForEvent('building')
    const builders = processesWith(dir)
    expect(builders, 'build-if-stale, npm, sh and the build').to.have.length.of.at.least(3)
    expect(await cli.stop('SIGTERM')).to.deep.equal({ code: null, signal: 'SIGTERM' })
    await waitUntilGone(builders, dir, 10_000)
    expect(processesWith(dir)).to.deep.equal([])
    expect((await check()).stderr).to.match(/no completed build in dist\//)
  })
})
