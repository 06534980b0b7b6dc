import { execFileSync } from 'node:child_process'
import { availableParallelism, cpus, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'

/** What a benchmark ran on and what it measured. */
export interface Environment {
  /** `node --version`. */
  node: string
  /** Cores available (`nproc`). */
  cores: number
  /** The processor, from /proc/cpuinfo's "model name". */
  cpuModel: string
  /** Physical memory, in bytes. */
  memoryBytes: number
  /** The git commit of the code measured, with "-dirty" when the work tree had changes; absent outside a git checkout. */
  commit?: string
}

/** The repository root (two levels above dist/bench). */
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** Describes this machine and the commit being measured. */
export function describeEnvironment (): Environment {
  return {
    node: process.version,
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    commit: gitCommit()
  }
}

function gitCommit (): string | undefined {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = git('status', '--porcelain', '--untracked-files=no') !== ''
    return git('rev-parse', '--short=12', 'HEAD') + (dirty ? '-dirty' : '')
  } catch {
    return undefined
  }
}
