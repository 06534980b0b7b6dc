#!/usr/bin/env node
/**
 * Whether dist/ is up to date, so that `npm start` and `npm run bench` build
 * only when something changed (the build, tsc and then the esbuild bundle,
 * takes seconds; this check takes milliseconds).
 *
 *   node scripts/build-if-stale.mjs          prestart, prebench: `npm run build` if stale, else say so
 *   node scripts/build-if-stale.mjs --check  exit 0 if up to date, 1 if stale (saying why); builds nothing
 *   node scripts/build-if-stale.mjs --begin  prebuild: forget the last build, note when this one began
 *   node scripts/build-if-stale.mjs --end    postbuild: the build succeeded; stamp it with its start
 *
 * dist/ is stale when there is no stamp (never built, dist/ removed, or the
 * last build failed or was interrupted), when an output is missing (the .js
 * of a source, or a `bin` of package.json: the bundle), when a TypeScript
 * source was added or removed, or when an input was modified after the last
 * build began. The inputs: every .ts file under src/, test/ and bench/ (what
 * tsconfig.json compiles), tsconfig.json, package.json, package-lock.json and
 * node_modules/.package-lock.json (npm rewrites it whenever it changes
 * node_modules, and the bundle holds the dependencies), and the dashboard's
 * files (src/api/dashboard, copied to dist/ as they are). config/default.json
 * is read at run time, not built. Times are modification times: a file that
 * is changed but keeps an older time (`cp -p`, `touch -d`) goes unnoticed;
 * `npm run build` always builds.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import process from 'node:process'
import { fileURLToPath } from 'node:url'

/** The package root: this script lives in its scripts/ folder. */
const ROOT = dirname(dirname(fileURLToPath(import.meta.url)))
const DIST = join(ROOT, 'dist')
/** Written by a successful build: the sources it compiled; its modification time is when the build began. */
const STAMP = join(DIST, '.build-stamp')
/** The stamp of the build under way, until it succeeds. */
const BEGUN = join(DIST, '.build-begun')

const SOURCE_DIRS = ['src', 'test', 'bench']
/** Folders under the source dirs that hold no TypeScript but may hold many files (a Rust interop peer's build). */
const SKIPPED_DIRS = new Set(['node_modules', 'target'])
const CONFIG_INPUTS = ['tsconfig.json', 'package.json', 'package-lock.json', join('node_modules', '.package-lock.json')]
/** Folders of files the build copies as they are (`npm run dashboard`): each folder (its time changes when a file comes or goes) and its files are inputs, their copies in dist/ outputs. */
const ASSET_DIRS = [join('src', 'api', 'dashboard')]

/** The files of the asset folders, relative to the root. */
function assets () {
  return ASSET_DIRS.flatMap((dir) => {
    try {
      return readdirSync(join(ROOT, dir)).map((name) => join(dir, name))
    } catch {
      return []
    }
  })
}

/** Paths relative to the root, with `/` whatever the platform. */
const rel = (path) => relative(ROOT, path).split(sep).join('/')

/** Every .ts file under `dir`, sorted. */
function typeScriptFiles (dir) {
  const files = []
  const walk = (path) => {
    let entries
    try {
      entries = readdirSync(path, { withFileTypes: true })
    } catch {
      return
    }
    for (const entry of entries) {
      const child = join(path, entry.name)
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) {
          walk(child)
        }
      } else if (entry.name.endsWith('.ts')) {
        files.push(rel(child))
      }
    }
  }
  walk(dir)
  return files.sort()
}

function sources () {
  return SOURCE_DIRS.flatMap((dir) => typeScriptFiles(join(ROOT, dir)))
}

function mtimeMs (path) {
  try {
    return statSync(path).mtimeMs
  } catch {
    return undefined
  }
}

/** What the build must have produced: each source's .js, and package.json's `bin` entries. */
function outputs (files) {
  const compiled = files.filter((file) => !file.endsWith('.d.ts')).map((file) => `dist/${file.replace(/\.ts$/, '.js')}`)
  const { bin } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const bins = typeof bin === 'string' ? [bin] : Object.values(bin ?? {})
  return [...compiled, ...bins.map((path) => path.replace(/^\.\//, '')), ...assets().map((file) => join('dist', file))]
}

/** Why dist/ is stale, or undefined when it is up to date. */
function staleness () {
  let stamp
  try {
    stamp = { sources: JSON.parse(readFileSync(STAMP, 'utf8')).sources, builtAt: statSync(STAMP).mtimeMs }
  } catch {
    return 'no completed build in dist/'
  }
  const files = sources()
  const built = new Set(stamp.sources)
  const added = files.find((file) => !built.has(file))
  if (added != null) {
    return `${added} is new since the last build`
  }
  const present = new Set(files)
  const removed = stamp.sources.find((file) => !present.has(file))
  if (removed != null) {
    return `${removed} was removed since the last build`
  }
  for (const input of [...CONFIG_INPUTS, ...ASSET_DIRS, ...assets(), ...files]) {
    const time = mtimeMs(join(ROOT, input))
    if (time != null && time >= stamp.builtAt) {
      return `${input.split(sep).join('/')} changed since the last build`
    }
  }
  const missing = outputs(files).find((output) => mtimeMs(join(ROOT, output)) == null)
  if (missing != null) {
    return `${missing} is missing`
  }
  return undefined
}

/** `npm run build`, with its own prebuild and postbuild; stopped with the signal that stops this script. */
async function build () {
  // npm sets npm_execpath when it runs a script: use the same npm
  const npm = process.env.npm_execpath
  const args = ['--prefix', ROOT, 'run', 'build']
  const [command, npmArgs] = npm != null && /\.[cm]?js$/.test(npm) ? [process.execPath, [npm, ...args]] : ['npm', args]
  // its own process group, so that a signal reaches every process of the build (npm runs it through sh -c)
  const child = spawn(command, npmArgs, { cwd: ROOT, stdio: 'inherit', detached: true })
  const forward = (signal) => {
    try {
      process.kill(-child.pid, signal)
    } catch {}
  }
  process.on('SIGINT', forward)
  process.on('SIGTERM', forward)
  const [code, signal] = await new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (...exit) => { resolve(exit) })
  })
  process.off('SIGINT', forward)
  process.off('SIGTERM', forward)
  if (signal != null) {
    process.kill(process.pid, signal)
  }
  return code ?? 1
}

function log (line) {
  process.stderr.write(`build-if-stale: ${line}\n`)
}

async function main (mode) {
  switch (mode) {
    case '--begin':
      rmSync(STAMP, { force: true })
      mkdirSync(DIST, { recursive: true })
      writeFileSync(BEGUN, JSON.stringify({ sources: sources() }) + '\n')
      return 0
    case '--end':
      renameSync(BEGUN, STAMP)
      return 0
    case '--check':
    case undefined: {
      const reason = staleness()
      if (reason == null) {
        log('dist/ is up to date, not building (npm run build forces a build)')
        return 0
      }
      if (mode === '--check') {
        log(`dist/ is stale: ${reason}`)
        return 1
      }
      log(`${reason}: building (npm run build)`)
      return build()
    }
    default:
      log(`unknown argument ${mode} (expected --check, --begin or --end)`)
      return 2
  }
}

process.exitCode = await main(process.argv[2])
