import { Command, CommanderError } from 'commander'
import { ConfigError, IdentityError, InvalidKeyError, NotFoundError, ValueTooLargeError } from '../errors.js'
import { CommandError, ExitCode, UsageError } from './exit-codes.js'
import { printError } from './output.js'
import { getCommand } from './get.js'
import { identityCommand } from './identity.js'
import { putCommand } from './put.js'
import { startCommand } from './start.js'
import { superviseCommand } from './supervise.js'

/** The `exper-dht` program with all its commands. */
export function createProgram (): Command {
  const program = new Command('exper-dht')
    .description('a Kademlia DHT peer storing key/value records over libp2p')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => { write(text) } })
  program.addCommand(startCommand())
  program.addCommand(putCommand())
  program.addCommand(getCommand())
  program.addCommand(superviseCommand())
  program.addCommand(identityCommand())
  for (const command of program.commands) {
    command.exitOverride().showHelpAfterError(`(run "exper-dht ${command.name()} --help" for usage)`)
  }
  return program
}

/**
 * Runs the program on `argv` and returns the exit code: 0 ok, 1 error,
 * 2 usage, 3 not found. Errors are printed to stderr with their reason.
 */
export async function runCli (argv: string[]): Promise<ExitCode> {
  try {
    await createProgram().parseAsync(argv)
    return ExitCode.OK
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has already printed the message (or the help)
      return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE
    }
    const exitCode = exitCodeOf(err as Error)
    printError((err as Error).message)
    return exitCode
  }
}

function exitCodeOf (err: Error): ExitCode {
  if (err instanceof CommandError) {
    return err.exitCode
  }
  if (err instanceof UsageError || err instanceof ConfigError || err instanceof IdentityError || err instanceof InvalidKeyError || err instanceof ValueTooLargeError) {
    return ExitCode.USAGE
  }
  if (err instanceof NotFoundError) {
    return ExitCode.NOT_FOUND
  }
  return ExitCode.ERROR
}
