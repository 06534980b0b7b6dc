import { Command } from 'commander'
import { createIdentity, defaultIdentityPath, loadIdentity } from './identity-file.js'
import type { Identity } from './identity-file.js'

interface IdentityFlags {
  identity?: string
  json?: boolean
}

/** `exper-dht identity new|show`: the Ed25519 key a thin client signs its `/kvs` records with. */
export function identityCommand (): Command {
  const command = new Command('identity')
    .description('the Ed25519 identity that signs your /kvs records (only its owner can write them)')
  command.addCommand(new Command('new')
    .description(`create an identity (mode 0600; never overwrites one) and print its owner id (default file: $EXPER_DHT_HOME/identity.key, else ~/.exper-dht/identity.key)`)
    .option('--identity <file>', 'the identity file to create')
    .option('--json', 'print {"owner","identity"}')
    .action(async (flags: IdentityFlags) => { print(await createIdentity(flags.identity ?? defaultIdentityPath()), flags, 'created') }))
  command.addCommand(new Command('show')
    .description('print the owner id of an identity')
    .option('--identity <file>', 'the identity file to read')
    .option('--json', 'print {"owner","identity"}')
    .action(async (flags: IdentityFlags) => { print(await loadIdentity(flags.identity ?? defaultIdentityPath()), flags, 'identity') }))
  for (const sub of command.commands) {
    sub.exitOverride().showHelpAfterError(`(run "exper-dht identity ${sub.name()} --help" for usage)`)
  }
  return command
}

function print (identity: Identity, flags: IdentityFlags, what: string): void {
  if (flags.json === true) {
    process.stdout.write(JSON.stringify({ owner: identity.owner, identity: identity.path }) + '\n')
  } else {
    process.stdout.write(`${identity.owner}\n(owner id; ${what} ${identity.path})\n`)
  }
}
