export { Cluster, startCluster, CLUSTER_DIR } from './cluster.js'
export type { ClusterInit, ClusterEvents } from './cluster.js'
export type { ClusterPeer, PeerExit, PeerGaveUp, PeerState, ReadyPeer, SupervisorConfig } from './supervised-peer.js'
export type { ProcessExit } from './peer-process.js'
