import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CliProcess, completion } from '../../helpers/cli.js'
import type { ProcessResult } from '../../helpers/cli.js'

/** The Go module of the go-libp2p interop peer (test/interop/go). */
export const GO_PEER_DIR = fileURLToPath(new URL('../../../../test/interop/go/', import.meta.url))

/** Where the interop suite builds the Go peer (ignored by git). */
export const GO_PEER_BINARY = join(GO_PEER_DIR, 'bin', 'exper-dht-go')

/** Upper bound of `go build`: a first build compiles go-libp2p, minutes on 2 cores. */
export const GO_BUILD_TIMEOUT_MS = 10 * 60_000

const execFileAsync = promisify(execFile)

/**
 * Builds test/interop/go into `GO_PEER_BINARY`. Go's build cache makes a
 * rebuild without changes take about a second. Throws, saying what to install,
 * when there is no Go toolchain: the suite fails rather than skipping.
 */
export async function buildGoPeer (): Promise<void> {
  try {
    await execFileAsync('go', ['build', '-o', GO_PEER_BINARY, '.'], { cwd: GO_PEER_DIR, timeout: GO_BUILD_TIMEOUT_MS })
  } catch (err) {
    const error = err as NodeJS.ErrnoException & { stderr?: string }
    if (error.code === 'ENOENT') {
      throw new Error('the interop suite needs the Go toolchain (go 1.26 or later, https://go.dev/dl/) on PATH to build ' +
        `the go-libp2p peer in ${GO_PEER_DIR}; "go" was not found. Install Go and run it again.`, { cause: err })
    }
    throw new Error(`go build failed in ${GO_PEER_DIR}: ${error.message}\n${error.stderr ?? ''}`, { cause: err })
  }
}

/** Starts `exper-dht-go ARGS` (the Go peer has the CLI contract of exper-dht), writing `stdin` to it if given. */
export function startGo (args: string[], stdin?: Uint8Array): CliProcess {
  return new CliProcess(args, {}, stdin, [GO_PEER_BINARY])
}

/** Runs `exper-dht-go ARGS` to completion, writing `stdin` to it if given. */
export async function runGo (args: string[], stdin?: Uint8Array): Promise<ProcessResult> {
  return completion(startGo(args, stdin))
}
