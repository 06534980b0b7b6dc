export { peerConfigSchema } from './schema.js'
export type { PeerConfig, PeerConfigOverrides } from './schema.js'
export { defaultConfig, resolveConfig, loadConfigFile, resolveDataDir, packageVersion, DATA_DIR_ENV, DEFAULT_CONFIG_URL } from './load-config.js'
