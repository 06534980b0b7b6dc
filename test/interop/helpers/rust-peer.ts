import { execFile } from 'node:child_process'
import { copyFile, mkdir, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { CliProcess, completion } from '../../helpers/cli.js'
import type { ProcessResult } from '../../helpers/cli.js'

/** The Cargo package of the rust-libp2p interop peer (test/interop/rust). */
export const RUST_PEER_DIR = fileURLToPath(new URL('../../../../test/interop/rust/', import.meta.url))

/** Where the interop suite puts the Rust peer (ignored by git), as the Go peer's in test/interop/go/bin. */
export const RUST_PEER_BINARY = join(RUST_PEER_DIR, 'bin', 'exper-dht-rust')

/** Upper bound of `cargo build`: a cold build fetches and compiles rust-libp2p, minutes on 2 cores. */
export const RUST_BUILD_TIMEOUT_MS = 20 * 60_000

const execFileAsync = promisify(execFile)

/**
 * Builds test/interop/rust (`cargo build --release --locked`, into its
 * ignored target/) and copies the binary to `RUST_PEER_BINARY`. A rebuild
 * without changes takes about a second. Throws, saying what to install, when
 * there is no Rust toolchain: the suite fails rather than skipping.
 */
export async function buildRustPeer (): Promise<void> {
  try {
    await execFileAsync('cargo', ['build', '--release', '--locked'], { cwd: RUST_PEER_DIR, timeout: RUST_BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 })
  } catch (err) {
    const error = err as NodeJS.ErrnoException & { stderr?: string }
    if (error.code === 'ENOENT') {
      throw new Error('the interop suite needs the Rust toolchain (cargo, Rust 1.85 or later, https://rustup.rs/) on PATH to build ' +
        `the rust-libp2p peer in ${RUST_PEER_DIR}; "cargo" was not found. Install Rust and run it again.`, { cause: err })
    }
    throw new Error(`cargo build failed in ${RUST_PEER_DIR}: ${error.message}\n${error.stderr ?? ''}`, { cause: err })
  }
  await mkdir(join(RUST_PEER_DIR, 'bin'), { recursive: true })
  // copied beside it, then renamed over it: a peer still running the old binary keeps its file
  const fresh = `${RUST_PEER_BINARY}.new`
  await copyFile(join(RUST_PEER_DIR, 'target', 'release', 'exper-dht-rust'), fresh)
  await rename(fresh, RUST_PEER_BINARY)
}

/** Starts `exper-dht-rust ARGS` (the Rust peer has the CLI contract of exper-dht), writing `stdin` to it if given. */
export function startRust (args: string[], stdin?: Uint8Array): CliProcess {
  return new CliProcess(args, {}, stdin, [RUST_PEER_BINARY])
}

/** Runs `exper-dht-rust ARGS` to completion, writing `stdin` to it if given. */
export async function runRust (args: string[], stdin?: Uint8Array): Promise<ProcessResult> {
  return completion(startRust(args, stdin))
}
