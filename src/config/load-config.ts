import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '../errors.js'
import { peerConfigSchema } from './schema.js'
import type { PeerConfig, PeerConfigOverrides } from './schema.js'

/** Where the package's defaults live: config/default.json at the package root. */
export const DEFAULT_CONFIG_URL = new URL('../../../config/default.json', import.meta.url)

/** The package's package.json, at the package root. */
const PACKAGE_JSON_URL = new URL('../../../package.json', import.meta.url)

let version: string | undefined

/** This package's version (package.json, read once). */
export function packageVersion (): string {
  version ??= String((readJson(PACKAGE_JSON_URL) as { version?: unknown }).version)
  return version
}

/** Environment variable that overrides the configured data directory. */
export const DATA_DIR_ENV = 'EXPER_DHT_HOME'

let defaults: PeerConfig | undefined

/** The validated contents of config/default.json (read once). */
export function defaultConfig (): PeerConfig {
  defaults ??= parseConfig(readJson(DEFAULT_CONFIG_URL), DEFAULT_CONFIG_URL.pathname)
  return structuredClone(defaults)
}

/**
 * Merges `overrides` (objects key by key, arrays replaced) over
 * config/default.json and validates the result. Throws a `ConfigError` that
 * names the offending key.
 */
export function resolveConfig (overrides: PeerConfigOverrides = {}, source = 'configuration'): PeerConfig {
  return parseConfig(mergeConfig(defaultConfig(), overrides), source)
}

/** Reads a JSON file of overrides (`--config FILE`) and resolves it over the defaults. */
export function loadConfigFile (path: string): PeerConfig {
  return resolveConfig(readJson(path) as PeerConfigOverrides, path)
}

/** The data directory: `$EXPER_DHT_HOME` if set, else the configured one, with `~` expanded. */
export function resolveDataDir (config: PeerConfig, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env[DATA_DIR_ENV] != null && env[DATA_DIR_ENV] !== '' ? env[DATA_DIR_ENV] : config.dataDir
  return dir === '~' || dir.startsWith('~/') ? join(homedir(), dir.slice(1)) : dir
}

function readJson (path: string | URL): unknown {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    throw new ConfigError(`cannot read config file ${String(path)}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new ConfigError(`config file ${String(path)} is not valid JSON: ${(err as Error).message}`)
  }
}

function parseConfig (value: unknown, source: string): PeerConfig {
  const result = peerConfigSchema.safeParse(value)
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`)
    throw new ConfigError(`invalid ${source}: ${problems.join('; ')}`)
  }
  return result.data
}

function mergeConfig (base: Record<string, unknown>, overrides: unknown): Record<string, unknown> {
  if (!isPlainObject(overrides)) {
    throw new ConfigError('a configuration must be a JSON object')
  }
  const merged: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(overrides)) {
    const current = merged[key]
    merged[key] = isPlainObject(current) && isPlainObject(value) ? { ...current, ...value } : value
  }
  return merged
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
