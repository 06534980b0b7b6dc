import { execFile } from 'node:child_process'
import { copyFile, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { expect } from 'chai'
import { CliProcess, completion } from '../../helpers/cli.js'
import { killSurvivors, processesWith, waitUntilGone } from '../../helpers/processes.js'
import { makeTempDir, removeDir } from '../../helpers/temp-dir.js'

/** The package root (this file runs from dist/test/integration/cli/). */
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const BUILD_IF_STALE = join(ROOT, 'scripts', 'build-if-stale.mjs')

const execFileAsync = promisify(execFile)

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

  before(async () => {
    // a stale build would be rebuilt by prestart, under the suite that runs from dist/
    try {
      await execFileAsync(process.execPath, [BUILD_IF_STALE, '--check'])
    } catch (err) {
      throw new Error(`dist/ is not up to date; build first (npm test does): ${(err as { stderr?: string }).stderr ?? String(err)}`, { cause: err })
    }
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
