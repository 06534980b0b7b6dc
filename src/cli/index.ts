#!/usr/bin/env node
/**
 * The `exper-dht` command. The shim comes first so that
 * `Promise.withResolvers` exists (Node 20) before any libp2p module runs.
 */
import '../shim/promise-with-resolvers.js'
import { runCli } from './program.js'

process.exitCode = await runCli(process.argv)
