//! An exper-dht peer on rust-libp2p: a swarm with Kad-DHT (server mode on
//! /exper-dht/kad/1.0.0, every record through the validating `KvStore`),
//! identify (which tells Kad the addresses of the peers it meets), the kv
//! protocol's server (request-response) and raw streams for the counted
//! PUT_VALUEs. The swarm runs in
//! one task; `NodeHandle` asks it for DHT work over a channel.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use libp2p::core::ConnectedPoint;
use libp2p::kad::{self, store::RecordStore, GetClosestPeersError, GetRecordOk, Mode, QueryId, QueryResult, Record, RecordKey};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{ConnectionId, NetworkBehaviour, SwarmEvent};
use libp2p::{identify, noise, request_response, tcp, yamux, Multiaddr, PeerId, Swarm, SwarmBuilder};
use tokio::sync::{mpsc, oneshot};

use crate::kadwire::{send_put_value, KAD_PROTOCOL, MAX_KAD_MESSAGE_BYTES};
use crate::kvproto::{self, Backend, BackendError, Stored};
use crate::kvrecord::{self, unix_ms, KvRecord, MAX_TTL_MS};
use crate::store::KvStore;

/// Bootstrap retry timing: the defaults of exper-dht's `bootstrapRetry`
/// configuration (config/default.json).
pub const INITIAL_RETRY_DELAY: Duration = Duration::from_millis(250);
/// The longest wait between two bootstrap dials.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(30);
/// How often a publisher republishes its records with a later expires
/// (config/default.json `records.republishIntervalMs`, 22 h).
pub const REPUBLISH_INTERVAL: Duration = Duration::from_millis(79_200_000);
/// How often the records held are sent again to the k closest peers
/// (`records.replicateIntervalMs`, 1 h): rust-libp2p's replication job.
pub const REPLICATE_INTERVAL: Duration = Duration::from_millis(3_600_000);
/// How often ended records are dropped (`records.expireIntervalMs`, 5 min).
pub const EXPIRE_INTERVAL: Duration = Duration::from_millis(300_000);
/// Bounds one Kad-DHT query (lookups of closest peers and of records).
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(20);
/// How long an unused connection stays open.
pub const IDLE_CONNECTION_TIMEOUT: Duration = Duration::from_secs(120);
/// How many DHT requests may wait for the swarm's task.
const COMMAND_QUEUE: usize = 256;

/// The behaviour of an exper-dht node.
#[derive(NetworkBehaviour)]
pub struct Behaviour {
    kad: kad::Behaviour<KvStore>,
    identify: identify::Behaviour,
    /// outbound streams: the counted PUT_VALUEs
    stream: libp2p_stream::Behaviour,
    /// the /exper-dht/kv/1.0.0 server
    kv: request_response::Behaviour<kvproto::KvCodec>,
}

/// What a node reports while it runs.
pub enum NodeEvent {
    /// The bootstrap peer at `addr` answered.
    BootstrapConnected { addr: Multiaddr, peer: PeerId },
    /// A bootstrap dial failed; the next one starts in `retry_in`.
    BootstrapRetry { addr: Multiaddr, attempt: u32, retry_in: Duration, error: String },
}

/// Hears a node's events.
pub type Reporter = Arc<dyn Fn(NodeEvent) + Send + Sync>;

/// A running node.
pub struct Node {
    pub handle: NodeHandle,
    /// Fires with the node's addresses (each ending in /p2p/<id>) once it
    /// listens and, with bootstrap peers, its routing table holds a peer.
    pub ready: oneshot::Receiver<Vec<String>>,
    shutdown: oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Node {
    /// Stops the swarm and waits for its task to end.
    pub async fn close(self) {
        let _ = self.shutdown.send(());
        let _ = self.task.await;
    }
}

/// A libp2p swarm that speaks what every exper-dht peer speaks (TCP, Noise,
/// Yamux) with a fresh Ed25519 identity and the behaviour `make` builds.
pub fn new_swarm<B: NetworkBehaviour>(make: impl FnOnce(&libp2p::identity::Keypair) -> B) -> Result<Swarm<B>, String> {
    Ok(SwarmBuilder::with_new_identity()
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .map_err(|e| format!("setting up TCP + Noise + Yamux: {e}"))?
        .with_behaviour(|key| make(key))
        .map_err(|e| format!("building the swarm: {e}"))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(IDLE_CONNECTION_TIMEOUT))
        .build())
}

/// The Kad-DHT configuration of an exper-dht network.
fn kad_config() -> kad::Config {
    let mut cfg = kad::Config::new(KAD_PROTOCOL);
    cfg.set_max_packet_size(MAX_KAD_MESSAGE_BYTES)
        .set_query_timeout(QUERY_TIMEOUT)
        // a record's life is its KvRecord expires, not Kad's own TTL
        .set_record_ttl(None)
        // Kad's publication job would send the same bytes again, never a
        // later expires: the publisher's republication is NodeHandle's
        .set_publication_interval(None)
        .set_replication_interval(Some(REPLICATE_INTERVAL));
    // Unfiltered: KvStore::put validates, and its refusal resets the
    // PUT_VALUE stream. (FilterBoth echoes every PUT_VALUE before the
    // application has looked at it, so a refused record would count as stored.)
    cfg.set_record_filtering(kad::StoreInserts::Unfiltered);
    cfg
}

/// Starts a node listening on `listen` and joining through `bootstrap`
/// (each ending in /p2p/<peer id>; dialled until they answer).
pub fn start(listen: &[Multiaddr], bootstrap: &[Multiaddr], reporter: Reporter) -> Result<Node, String> {
    let mut swarm = new_swarm(|key| {
        let peer = key.public().to_peer_id();
        let mut kad = kad::Behaviour::with_config(peer, KvStore::new(peer), kad_config());
        // the default (auto) mode acts as a client until an external address
        // is confirmed, which never happens on loopback
        kad.set_mode(Some(Mode::Server));
        let identify = identify::Behaviour::new(
            identify::Config::new("/exper-dht/1.0.0".into(), key.public())
                .with_agent_version(format!("exper-dht-rust/{}", env!("CARGO_PKG_VERSION"))),
        );
        Behaviour { kad, identify, stream: libp2p_stream::Behaviour::new(), kv: kvproto::server_behaviour() }
    })?;
    let mut listeners = HashSet::new();
    for addr in listen {
        listeners.insert(swarm.listen_on(addr.clone()).map_err(|e| format!("cannot listen on {addr}: {e}"))?);
    }
    let mut peers = Vec::new();
    for addr in bootstrap {
        peers.push(BootstrapPeer::parse(addr)?);
    }
    let (commands, rx) = mpsc::channel(COMMAND_QUEUE);
    let (ready_tx, ready) = oneshot::channel();
    let (shutdown, shutdown_rx) = oneshot::channel();
    let handle = NodeHandle {
        peer_id: *swarm.local_peer_id(),
        commands,
        control: swarm.behaviour().stream.new_control(),
        published: Arc::default(),
    };
    tokio::spawn(handle.clone().republish_forever());
    let event_loop = EventLoop {
        swarm,
        listeners,
        bootstrap: peers,
        dialing: HashMap::new(),
        retries: FuturesUnordered::new(),
        ready: Some(ready_tx),
        bootstrapped: false,
        pending: HashMap::new(),
        serving: 0,
        handle: handle.clone(),
        reporter,
    };
    let task = tokio::spawn(event_loop.run(rx, shutdown_rx));
    Ok(Node { handle, ready, shutdown, task })
}

/// A bootstrap peer being dialled.
struct BootstrapPeer {
    addr: Multiaddr,
    peer: PeerId,
    attempt: u32,
    delay: Duration,
}

impl BootstrapPeer {
    fn parse(addr: &Multiaddr) -> Result<Self, String> {
        match addr.iter().last() {
            Some(Protocol::P2p(peer)) => Ok(BootstrapPeer { addr: addr.clone(), peer, attempt: 0, delay: INITIAL_RETRY_DELAY }),
            _ => Err(format!("--bootstrap {addr}: the multiaddr must end in /p2p/<peer id>")),
        }
    }
}

/// The address without its trailing /p2p/<peer id>.
pub fn without_peer_id(addr: &Multiaddr) -> Multiaddr {
    addr.iter().filter(|p| !matches!(p, Protocol::P2p(_))).collect()
}

/// Requests to the swarm's task.
enum Command {
    ClosestPeers { key: Vec<u8>, reply: oneshot::Sender<Result<Vec<PeerId>, String>> },
    GetRecord { key: Vec<u8>, reply: oneshot::Sender<Vec<(Option<PeerId>, Vec<u8>)>> },
    PutLocal { key: Vec<u8>, value: Vec<u8>, reply: oneshot::Sender<Result<(), String>> },
    Held { key: Vec<u8>, reply: oneshot::Sender<Option<Vec<u8>>> },
    RoutingTable { reply: oneshot::Sender<Vec<PeerId>> },
    Respond { channel: request_response::ResponseChannel<kvproto::Response>, response: kvproto::Response },
}

/// A query waiting for its results.
enum Pending {
    Closest(oneshot::Sender<Result<Vec<PeerId>, String>>),
    Record(Vec<(Option<PeerId>, Vec<u8>)>, oneshot::Sender<Vec<(Option<PeerId>, Vec<u8>)>>),
}

struct EventLoop {
    swarm: Swarm<Behaviour>,
    /// Listeners that have not reported an address yet.
    listeners: HashSet<libp2p::core::transport::ListenerId>,
    bootstrap: Vec<BootstrapPeer>,
    /// Bootstrap dials in flight: connection → index in `bootstrap`.
    dialing: HashMap<ConnectionId, usize>,
    retries: FuturesUnordered<futures::future::BoxFuture<'static, usize>>,
    ready: Option<oneshot::Sender<Vec<String>>>,
    bootstrapped: bool,
    pending: HashMap<QueryId, Pending>,
    /// kv requests being answered.
    serving: usize,
    /// The backend of the kv requests.
    handle: NodeHandle,
    reporter: Reporter,
}

impl EventLoop {
    async fn run(mut self, mut commands: mpsc::Receiver<Command>, mut shutdown: oneshot::Receiver<()>) {
        for i in 0..self.bootstrap.len() {
            self.dial_bootstrap(i);
        }
        let mut expire = tokio::time::interval(EXPIRE_INTERVAL);
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                Some(command) = commands.recv() => self.on_command(command),
                Some(i) = self.retries.next(), if !self.retries.is_empty() => self.dial_bootstrap(i),
                _ = expire.tick() => { self.swarm.behaviour_mut().kad.store_mut().remove_ended(); }
                _ = &mut shutdown => break,
            }
        }
    }

    fn dial_bootstrap(&mut self, i: usize) {
        let peer = &mut self.bootstrap[i];
        peer.attempt += 1;
        let opts = DialOpts::peer_id(peer.peer)
            .addresses(vec![without_peer_id(&peer.addr)])
            .condition(PeerCondition::Always)
            .build();
        let id = opts.connection_id();
        match self.swarm.dial(opts) {
            Ok(()) => {
                self.dialing.insert(id, i);
            }
            Err(e) => self.retry_bootstrap(i, e.to_string()),
        }
    }

    fn retry_bootstrap(&mut self, i: usize, error: String) {
        let peer = &mut self.bootstrap[i];
        let delay = peer.delay;
        (self.reporter)(NodeEvent::BootstrapRetry { addr: peer.addr.clone(), attempt: peer.attempt, retry_in: delay, error });
        peer.delay = (delay * 2).min(MAX_RETRY_DELAY);
        self.retries.push(Box::pin(async move {
            tokio::time::sleep(delay).await;
            i
        }));
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::NewListenAddr { listener_id, .. } => {
                self.listeners.remove(&listener_id);
                self.check_ready();
            }
            SwarmEvent::ConnectionEstablished { peer_id, connection_id, endpoint, .. } => {
                if let Some(i) = self.dialing.remove(&connection_id) {
                    let addr = self.bootstrap[i].addr.clone();
                    (self.reporter)(NodeEvent::BootstrapConnected { addr: addr.clone(), peer: peer_id });
                    let kad = &mut self.swarm.behaviour_mut().kad;
                    let dialed = match endpoint {
                        ConnectedPoint::Dialer { address, .. } => address,
                        ConnectedPoint::Listener { .. } => without_peer_id(&addr),
                    };
                    kad.add_address(&peer_id, without_peer_id(&dialed));
                    if !self.bootstrapped {
                        self.bootstrapped = true;
                        // a self-lookup fills the routing table
                        let _ = kad.bootstrap();
                    }
                    self.check_ready();
                }
            }
            SwarmEvent::OutgoingConnectionError { connection_id, error, .. } => {
                if let Some(i) = self.dialing.remove(&connection_id) {
                    self.retry_bootstrap(i, error.to_string());
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }))
                if info.protocols.contains(&KAD_PROTOCOL) =>
            {
                for addr in info.listen_addrs {
                    self.swarm.behaviour_mut().kad.add_address(&peer_id, without_peer_id(&addr));
                }
            }
            SwarmEvent::Behaviour(BehaviourEvent::Kad(event)) => self.on_kad_event(event),
            SwarmEvent::Behaviour(BehaviourEvent::Kv(request_response::Event::Message {
                message: request_response::Message::Request { request, channel, .. },
                ..
            })) if self.serving < kvproto::MAX_INBOUND_STREAMS => {
                self.serving += 1;
                let handle = self.handle.clone();
                tokio::spawn(async move {
                    let response = kvproto::answer(request, handle.clone()).await;
                    let _ = handle.commands.send(Command::Respond { channel, response }).await;
                });
            }
            // a kv request over MAX_INBOUND_STREAMS falls through to here: its
            // channel is dropped unanswered, and the stream is reset
            _ => {}
        }
    }

    fn on_kad_event(&mut self, event: kad::Event) {
        match event {
            kad::Event::RoutingUpdated { .. } => self.check_ready(),
            kad::Event::OutboundQueryProgressed { id, result, step, .. } => match result {
                QueryResult::GetClosestPeers(result) => {
                    if let Some(Pending::Closest(reply)) = self.pending.remove(&id) {
                        let peers = match result {
                            Ok(ok) => ok.peers,
                            Err(GetClosestPeersError::Timeout { peers, .. }) => peers,
                        };
                        let _ = reply.send(Ok(peers.into_iter().map(|p| p.peer_id).collect()));
                    }
                }
                QueryResult::GetRecord(result) => {
                    if let Ok(GetRecordOk::FoundRecord(found)) = result {
                        if let Some(Pending::Record(values, _)) = self.pending.get_mut(&id) {
                            values.push((found.peer, found.record.value));
                        }
                    }
                    if step.last {
                        if let Some(Pending::Record(values, reply)) = self.pending.remove(&id) {
                            let _ = reply.send(values);
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }

    fn on_command(&mut self, command: Command) {
        if let Command::Respond { channel, response } = command {
            self.serving -= 1;
            let _ = self.swarm.behaviour_mut().kv.send_response(channel, response);
            return;
        }
        let kad = &mut self.swarm.behaviour_mut().kad;
        match command {
            Command::ClosestPeers { key, reply } => {
                let id = kad.get_closest_peers(key);
                self.pending.insert(id, Pending::Closest(reply));
            }
            Command::GetRecord { key, reply } => {
                let id = kad.get_record(RecordKey::new(&key));
                self.pending.insert(id, Pending::Record(Vec::new(), reply));
            }
            Command::PutLocal { key, value, reply } => {
                let store = kad.store_mut();
                let result = store.put(Record::new(RecordKey::new(&key), value)).map_err(|e| {
                    store.last_refusal.take().unwrap_or_else(|| e.to_string())
                });
                let _ = reply.send(result);
            }
            Command::Held { key, reply } => {
                let _ = reply.send(kad.store_mut().get(&RecordKey::new(&key)).map(|r| r.value.clone()));
            }
            Command::RoutingTable { reply } => {
                let peers = kad.kbuckets().flat_map(|b| b.iter().map(|e| *e.node.key.preimage()).collect::<Vec<_>>()).collect();
                let _ = reply.send(peers);
            }
            Command::Respond { .. } => unreachable!("handled above"),
        }
    }

    fn check_ready(&mut self) {
        if !self.listeners.is_empty() {
            return;
        }
        let kad = &mut self.swarm.behaviour_mut().kad;
        let has_peer = kad.kbuckets().any(|b| b.num_entries() > 0);
        if !self.bootstrap.is_empty() && !has_peer {
            return;
        }
        if let Some(ready) = self.ready.take() {
            let id = *self.swarm.local_peer_id();
            let addrs = self.swarm.listeners().map(|a| a.clone().with(Protocol::P2p(id)).to_string()).collect();
            let _ = ready.send(addrs);
        }
    }
}

/// What a put did.
pub struct PutResult {
    /// Whether this peer stored the record.
    pub local: bool,
    /// The remote peers that stored it.
    pub remote: u32,
    /// The remote peers it was sent to.
    pub targets: u32,
    pub seq: u64,
    pub expires: u64,
}

/// A record this peer published, republished until `end`.
struct Published {
    value: Vec<u8>,
    seq: u64,
    /// When the record ends for good (Unix ms): the STORE's ttl; `None`:
    /// republished while the peer runs.
    end: Option<u64>,
}

/// Asks a node's swarm for DHT work; cheap to clone.
#[derive(Clone)]
pub struct NodeHandle {
    pub peer_id: PeerId,
    commands: mpsc::Sender<Command>,
    control: libp2p_stream::Control,
    published: Arc<Mutex<HashMap<String, Published>>>,
}

impl NodeHandle {
    async fn ask<T>(&self, command: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, String> {
        let (reply, rx) = oneshot::channel();
        self.commands.send(command(reply)).await.map_err(|_| "the node has stopped".to_string())?;
        rx.await.map_err(|_| "the node has stopped".to_string())
    }

    /// The peers in this node's routing table.
    pub async fn routing_table(&self) -> Result<Vec<PeerId>, String> {
        self.ask(|reply| Command::RoutingTable { reply }).await
    }

    /// The clock in ms, or one more than the seq held for the key when that is later.
    async fn next_seq(&self, dht_key: &[u8]) -> Result<u64, String> {
        let now = unix_ms();
        let held = self.ask(|reply| Command::Held { key: dht_key.to_vec(), reply }).await?;
        match held.and_then(|v| kvrecord::decode(&v).ok()) {
            Some(r) if r.seq == u64::MAX => Err("the record held for the key has the largest seq; no newer one can be published".into()),
            Some(r) if r.seq >= now => Ok(r.seq + 1),
            _ => Ok(now),
        }
    }

    /// Publishes `value` under the user key `key`: a KvRecord with the next
    /// seq, this peer as publisher and expires = now + ttl (at most, and by
    /// default, 48 h), stored here and sent as PUT_VALUE to the k closest
    /// peers, counting those that echoed it.
    pub async fn put(&self, key: &str, value: Vec<u8>, ttl: Option<Duration>) -> Result<PutResult, String> {
        let dht_key = kvrecord::dht_key(key);
        let seq = self.next_seq(&dht_key).await?;
        let expires = kvrecord::expires_at(unix_ms(), ttl);
        self.publish(&dht_key, KvRecord { value, seq, publisher: self.peer_id.to_bytes(), expires, ..Default::default() }).await
    }

    /// Stores `record` here and sends it to the k peers closest to its key.
    async fn publish(&self, dht_key: &[u8], record: KvRecord) -> Result<PutResult, String> {
        let bytes = kvrecord::encode(&record);
        let local = self.ask(|reply| Command::PutLocal { key: dht_key.to_vec(), value: bytes.clone(), reply }).await?.is_ok();
        let mut result = PutResult { local, remote: 0, targets: 0, seq: record.seq, expires: record.expires };
        if self.routing_table().await?.is_empty() {
            return Ok(result);
        }
        let peers = self.ask(|reply| Command::ClosestPeers { key: dht_key.to_vec(), reply }).await??;
        let sends: FuturesUnordered<_> = peers
            .into_iter()
            .filter(|p| *p != self.peer_id)
            .map(|peer| {
                let mut control = self.control.clone();
                let (key, bytes) = (dht_key.to_vec(), bytes.clone());
                async move { send_put_value(&mut control, peer, &key, &bytes).await.is_ok() }
            })
            .collect();
        let outcomes: Vec<bool> = sends.collect().await;
        result.targets = outcomes.len() as u32;
        result.remote = outcomes.iter().filter(|&&ok| ok).count() as u32;
        Ok(result)
    }

    /// Republishes, every `REPUBLISH_INTERVAL`, each record this peer
    /// published (same seq and value, a later expires, never past its end),
    /// and forgets those whose end has passed.
    async fn republish_forever(self) {
        let mut ticks = tokio::time::interval(REPUBLISH_INTERVAL);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if self.commands.is_closed() {
                return;
            }
            let due = republications(&mut self.published.lock().expect("published records"), &self.peer_id.to_bytes(), unix_ms());
            for (key, record) in due {
                let _ = self.publish(&kvrecord::dht_key(&key), record).await;
            }
        }
    }
}

/// The records to publish again at `now` (Unix ms): each one published, with
/// its seq and value and a later expires, `MAX_TTL_MS` from now but never past
/// its end; those whose end has passed are forgotten.
fn republications(published: &mut HashMap<String, Published>, publisher: &[u8], now: u64) -> Vec<(String, KvRecord)> {
    published.retain(|_, p| p.end.is_none_or(|end| end > now));
    published
        .iter()
        .map(|(key, p)| {
            let expires = (now + MAX_TTL_MS).min(p.end.unwrap_or(u64::MAX));
            (key.clone(), KvRecord { value: p.value.clone(), seq: p.seq, publisher: publisher.to_vec(), expires, ..Default::default() })
        })
        .collect()
}

impl Backend for NodeHandle {
    async fn store(&self, key: String, value: Vec<u8>, quorum: u32, ttl: u32) -> Result<Stored, BackendError> {
        let ttl = (ttl > 0).then(|| Duration::from_secs(u64::from(ttl)));
        let r = self.put(&key, value.clone(), ttl).await.map_err(BackendError::Internal)?;
        let stored = stored_or_quorum_failed(&r, quorum)?;
        let end = ttl.map(|t| unix_ms() + t.as_millis() as u64);
        self.published.lock().expect("published records").insert(key, Published { value, seq: r.seq, end });
        Ok(stored)
    }

    async fn retrieve(&self, key: String) -> Result<KvRecord, BackendError> {
        let best = self.find_best(&kvrecord::dht_key(&key)).await?;
        kvrecord::decode(&best).map_err(BackendError::Internal)
    }

    async fn store_signed(&self, dht_key: Vec<u8>, record: Vec<u8>, quorum: u32) -> Result<Stored, BackendError> {
        let signed = kvrecord::validate(&dht_key, &record, Some(unix_ms())).map_err(BackendError::InvalidRecord)?;
        let held = self.ask(|reply| Command::Held { key: dht_key.clone(), reply }).await.map_err(BackendError::Internal)?;
        if let Some(held) = held.and_then(|h| kvrecord::decode(&h).ok()) {
            if kvrecord::compare(&signed, &held).is_lt() {
                return Err(BackendError::InvalidRecord(format!(
                    "the record (seq {}) is older than the one this peer holds for its key (seq {}): a replay?",
                    signed.seq, held.seq
                )));
            }
        }
        // published once, not remembered for republication: only its owner can sign a later expires
        let r = self.publish(&dht_key, signed).await.map_err(BackendError::Internal)?;
        stored_or_quorum_failed(&r, quorum)
    }

    async fn retrieve_signed(&self, dht_key: Vec<u8>) -> Result<Vec<u8>, BackendError> {
        self.find_best(&dht_key).await
    }
}

impl NodeHandle {
    /// Looks `dht_key` up and returns the best record found (this peer's
    /// own included) that passes the full validator of its namespace.
    async fn find_best(&self, dht_key: &[u8]) -> Result<Vec<u8>, BackendError> {
        let found = self.ask(|reply| Command::GetRecord { key: dht_key.to_vec(), reply }).await.map_err(BackendError::Internal)?;
        let now = unix_ms();
        // the full validator on every record found, then the selector
        let live: Vec<&[u8]> =
            found.iter().map(|(_, v)| v.as_slice()).filter(|v| kvrecord::validate(dht_key, v, Some(now)).is_ok()).collect();
        if let Ok(i) = kvrecord::select(dht_key, &live) {
            return Ok(live[i].to_vec());
        }
        let empty = self.routing_table().await.map(|t| t.is_empty()).unwrap_or(false);
        Err(BackendError::NotFound(if empty {
            "this peer knows no other peer (its routing table is empty) and holds no copy".into()
        } else if found.is_empty() {
            "no peer on the lookup path holds it".into()
        } else {
            format!("none of the {} records found is valid and live", found.len())
        }))
    }
}

/// What a STORE answers for the put `r`: stored, or QUORUM_FAILED when
/// fewer than `quorum` peers (this one included) stored the record.
fn stored_or_quorum_failed(r: &PutResult, quorum: u32) -> Result<Stored, BackendError> {
    let replicas = r.remote + u32::from(r.local);
    if replicas < quorum {
        let local = if r.local { "this peer stored it" } else { "this peer did not store it" };
        return Err(BackendError::QuorumFailed {
            replicas,
            reason: format!("{replicas} of the {quorum} replicas required stored the record: {local} and {} of {} remote peers did", r.remote, r.targets),
        });
    }
    Ok(Stored { replicas, seq: r.seq, expires: r.expires })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn republishes_same_seq_and_value_with_a_later_expires_until_the_end() {
        let now = 1_000_000_000_000;
        let mut published = HashMap::new();
        published.insert("forever".to_string(), Published { value: b"a".to_vec(), seq: 7, end: None });
        published.insert("ending".to_string(), Published { value: b"b".to_vec(), seq: 8, end: Some(now + 60_000) });
        published.insert("ended".to_string(), Published { value: b"c".to_vec(), seq: 9, end: Some(now) });
        let mut due = republications(&mut published, b"me", now);
        due.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            due,
            vec![
                ("ending".to_string(), KvRecord { value: b"b".to_vec(), seq: 8, publisher: b"me".to_vec(), expires: now + 60_000, ..Default::default() }),
                ("forever".to_string(), KvRecord { value: b"a".to_vec(), seq: 7, publisher: b"me".to_vec(), expires: now + MAX_TTL_MS, ..Default::default() }),
            ]
        );
        assert!(!published.contains_key("ended"), "a record past its end is still republished");
        // each republication is live and better than the copy it replaces
        let older = KvRecord { expires: now - 1, ..due[1].1.clone() };
        assert!(kvrecord::live(&due[1].1, now).is_ok());
        assert!(kvrecord::compare(&due[1].1, &older).is_gt());
    }
}
