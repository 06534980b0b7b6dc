/** Exit codes of every `exper-dht` command; scripts rely on them. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** The command failed (unreachable peer, quorum failed, data dir in use, ...). */
  ERROR: 1,
  /** The command line or a configuration file is wrong; nothing was done. */
  USAGE: 2,
  /** The key has no record. */
  NOT_FOUND: 3
} as const

export type ExitCode = typeof ExitCode[keyof typeof ExitCode]

/** A wrong command line or configuration: reported with exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** An error that carries the exit code it should end the process with. */
export class CommandError extends Error {
  override readonly name = 'CommandError'
  constructor (message: string, readonly exitCode: ExitCode) {
    super(message)
  }
}
