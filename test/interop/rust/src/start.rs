//! `start`: one DHT node, or `--peers N` in this process (node 0 joins
//! through --bootstrap, the others through node 0), until SIGINT/SIGTERM.

use std::sync::Arc;
use std::time::Duration;

use libp2p::Multiaddr;
use serde::Serialize;
use tokio::signal::unix::{signal, SignalKind};

use crate::cli::{self, CliError, Output, EXIT_ERROR};
use crate::node::{self, Node, NodeEvent};

/// Keeps a test peer on loopback, on a port the OS picks.
const DEFAULT_LISTEN: &str = "/ip4/127.0.0.1/tcp/0";
/// Bounds a clean shutdown, as exper-dht's `shutdownTimeoutMs`.
const SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(5);

#[derive(Serialize)]
struct Ready<'a> {
    event: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
    #[serde(rename = "peerId")]
    peer_id: String,
    addrs: &'a [String],
}

#[derive(Serialize)]
struct ClusterPeer {
    index: usize,
    #[serde(rename = "peerId")]
    peer_id: String,
    addrs: Vec<String>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Event {
    BootstrapConnected {
        event: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
        addr: String,
        #[serde(rename = "peerId")]
        peer_id: String,
    },
    BootstrapRetry {
        event: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        index: Option<usize>,
        addr: String,
        attempt: u32,
        #[serde(rename = "retryInMs")]
        retry_in_ms: u128,
        error: String,
    },
    ClusterReady { event: &'static str, peers: Vec<ClusterPeer> },
    Stopping { event: &'static str, signal: &'static str },
    Stopped { event: &'static str },
}

/// Runs `start ARGS`.
pub async fn run(args: &[String]) -> Result<(), CliError> {
    let args = cli::parse("start", args, &[("listen", true), ("bootstrap", true), ("peers", true), ("json", false)])?;
    if !args.positional.is_empty() {
        return Err(CliError::usage(format!("start takes no arguments, got {:?}", args.positional)));
    }
    let peers = match args.one("peers") {
        None => None,
        Some(n) => Some(n.parse::<usize>().ok().filter(|&n| n >= 1).ok_or_else(|| CliError::usage("--peers must be at least 1"))?),
    };
    let mut listen = args.all("listen").iter().map(|a| cli::multiaddr("listen", a)).collect::<Result<Vec<_>, _>>()?;
    if listen.is_empty() {
        listen.push(DEFAULT_LISTEN.parse().expect("the default listen address"));
    }
    let bootstrap = args.all("bootstrap").iter().map(|a| cli::peer_addr("bootstrap", a).map(|(addr, _)| addr)).collect::<Result<Vec<_>, _>>()?;
    let out = Arc::new(Output::new(args.flag("json")));

    let mut interrupt = signal(SignalKind::interrupt()).map_err(|e| format!("listening for SIGINT: {e}"))?;
    let mut terminate = signal(SignalKind::terminate()).map_err(|e| format!("listening for SIGTERM: {e}"))?;
    let (nodes, peer_list) = start_nodes(&listen, bootstrap, peers, &out).await?;
    let cluster = peers.is_some();
    let readiness = tokio::spawn(report_readiness(peer_list, cluster, out.clone()));

    let name = tokio::select! {
        _ = interrupt.recv() => "SIGINT",
        _ = terminate.recv() => "SIGTERM",
    };
    readiness.abort();
    let _ = out.print(&Event::Stopping { event: "stopping", signal: name }, &format!("{name}: stopping"));
    tokio::spawn(async move {
        tokio::select! {
            _ = interrupt.recv() => eprintln!("exper-dht-rust: error: SIGINT again: exiting without a clean shutdown"),
            _ = terminate.recv() => eprintln!("exper-dht-rust: error: SIGTERM again: exiting without a clean shutdown"),
            _ = tokio::time::sleep(SHUTDOWN_TIMEOUT) => eprintln!("exper-dht-rust: error: shutdown took longer than {SHUTDOWN_TIMEOUT:?}; exiting"),
        }
        std::process::exit(EXIT_ERROR);
    });
    futures::future::join_all(nodes.into_iter().map(Node::close)).await;
    out.print(&Event::Stopped { event: "stopped" }, "stopped")
}

/// A started node's readiness and peer id.
type Pending = (usize, String, tokio::sync::oneshot::Receiver<Vec<String>>);

/// Starts node 0, then the others bootstrapping from it once it listens.
async fn start_nodes(listen: &[Multiaddr], mut bootstrap: Vec<Multiaddr>, peers: Option<usize>, out: &Arc<Output>) -> Result<(Vec<Node>, Vec<Pending>), CliError> {
    let mut nodes = Vec::new();
    let mut pending = Vec::new();
    for i in 0..peers.unwrap_or(1) {
        let index = peers.map(|_| i);
        let mut node = match node::start(listen, &bootstrap, reporter(out.clone(), index)) {
            Ok(node) => node,
            Err(e) => {
                futures::future::join_all(nodes.into_iter().map(Node::close)).await;
                return Err(CliError::failed(format!("starting node {i}: {e}")));
            }
        };
        let peer_id = node.handle.peer_id.to_string();
        if i == 0 && peers.is_some_and(|n| n > 1) {
            // the others need node 0's address: wait until it is ready
            let addrs = (&mut node.ready).await.map_err(|_| CliError::failed("node 0 stopped before it was ready"))?;
            bootstrap = vec![addrs[0].parse().expect("a listen address")];
            let (tx, rx) = tokio::sync::oneshot::channel();
            let _ = tx.send(addrs);
            pending.push((i, peer_id, rx));
        } else {
            let rx = std::mem::replace(&mut node.ready, tokio::sync::oneshot::channel().1);
            pending.push((i, peer_id, rx));
        }
        nodes.push(node);
    }
    Ok((nodes, pending))
}

/// Prints each node's ready line as it becomes ready, then `cluster-ready`
/// once all are (in --peers mode).
async fn report_readiness(pending: Vec<Pending>, cluster: bool, out: Arc<Output>) {
    let ready = pending.into_iter().map(|(index, peer_id, rx)| {
        let out = out.clone();
        async move {
            let addrs = rx.await.ok()?;
            let event = Ready { event: "ready", index: cluster.then_some(index), peer_id: peer_id.clone(), addrs: &addrs };
            let _ = out.print(&event, &format!("node {index} ready: {peer_id}\n  {}", addrs.join("\n  ")));
            Some(ClusterPeer { index, peer_id, addrs })
        }
    });
    let peers: Option<Vec<ClusterPeer>> = futures::future::join_all(ready).await.into_iter().collect();
    if let (true, Some(peers)) = (cluster, peers) {
        let n = peers.len();
        let _ = out.print(&Event::ClusterReady { event: "cluster-ready", peers }, &format!("all {n} nodes ready"));
    }
}

/// Prints a node's bootstrap progress.
fn reporter(out: Arc<Output>, index: Option<usize>) -> node::Reporter {
    Arc::new(move |event| {
        let _ = match event {
            NodeEvent::BootstrapConnected { addr, peer } => out.print(
                &Event::BootstrapConnected { event: "bootstrap-connected", index, addr: addr.to_string(), peer_id: peer.to_string() },
                &format!("bootstrap peer {addr} connected"),
            ),
            NodeEvent::BootstrapRetry { addr, attempt, retry_in, error } => out.print(
                &Event::BootstrapRetry { event: "bootstrap-retry", index, addr: addr.to_string(), attempt, retry_in_ms: retry_in.as_millis(), error: error.clone() },
                &format!("bootstrap peer {addr} unreachable (attempt {attempt}: {error}); retrying in {retry_in:?}"),
            ),
        };
    })
}
