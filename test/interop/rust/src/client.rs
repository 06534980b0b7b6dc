//! The thin-client commands `put`, `get` and `kad-put`: a host that only
//! dials, one request to one peer.

use std::io::Read;
use std::time::Duration;

use base64::Engine;
use futures::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::{Multiaddr, PeerId};
use serde::Serialize;

use crate::cli::{self, json_seq, CliError, Output};
use crate::kadwire::{send_put_value, MAX_KAD_MESSAGE_BYTES};
use crate::kvproto::{self, Request, Status, DEFAULT_CLIENT_TIMEOUT, MAX_QUORUM, RETRIEVE, STORE};
use crate::kvrecord::{self, MAX_VALUE_BYTES};
use crate::node::new_swarm;

#[derive(Serialize)]
struct PutResult<'a> {
    key: &'a str,
    replicas: u32,
    seq: serde_json::Value,
    expires: u64,
}

#[derive(Serialize)]
struct GetResult<'a> {
    key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    out: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<usize>,
    seq: serde_json::Value,
    expires: u64,
}

#[derive(Serialize)]
struct KadPutResult {
    stored: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// `--timeout S`: more than 0, at most 86400 seconds (fractions allowed).
fn timeout(args: &cli::Args) -> Result<Duration, CliError> {
    match args.one("timeout") {
        None => Ok(DEFAULT_CLIENT_TIMEOUT),
        Some(v) => v
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0 && *s <= 86_400.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(|| CliError::usage("--timeout must be a number of seconds, more than 0 and at most 86400")),
    }
}

/// The required `--peer MA`.
fn peer(args: &cli::Args) -> Result<(Multiaddr, PeerId), CliError> {
    cli::peer_addr("peer", args.one("peer").ok_or_else(|| CliError::usage("--peer is required"))?)
}

/// Runs `exchange` with a stream control of a swarm connected to `addr`,
/// within `limit`.
async fn with_client<T>(
    addr: Multiaddr,
    peer: PeerId,
    limit: Duration,
    exchange: impl AsyncFnOnce(libp2p_stream::Control) -> Result<T, CliError>,
) -> Result<T, CliError> {
    let work = async {
        let mut swarm = new_swarm(|_| libp2p_stream::Behaviour::new())?;
        let control = swarm.behaviour().new_control();
        swarm.dial(addr.clone()).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        loop {
            match swarm.select_next_some().await {
                SwarmEvent::ConnectionEstablished { peer_id, .. } if peer_id == peer => break,
                SwarmEvent::OutgoingConnectionError { error, .. } => return Err(CliError::failed(format!("cannot connect to {addr}: {error}"))),
                _ => {}
            }
        }
        let driver = tokio::spawn(async move {
            loop {
                swarm.select_next_some().await;
            }
        });
        let result = exchange(control).await;
        driver.abort();
        result
    };
    tokio::time::timeout(limit, work)
        .await
        .unwrap_or_else(|_| Err(CliError::failed(format!("no answer within {limit:?} (--timeout)"))))
}

fn check_key(key: &str) -> Result<(), CliError> {
    kvrecord::validate_user_key(key.as_bytes()).map(|_| ()).map_err(CliError::usage)
}

/// Runs `put KEY VALUE --peer MA [--quorum N] [--ttl S] [--timeout S] [--json]`.
pub async fn run_put(args: &[String]) -> Result<(), CliError> {
    let args = cli::parse("put", args, &[("peer", true), ("quorum", true), ("ttl", true), ("timeout", true), ("json", false)])?;
    let [key, value] = args.positional.as_slice() else {
        return Err(CliError::usage(format!("put takes KEY VALUE, got {} arguments", args.positional.len())));
    };
    let (addr, peer) = peer(&args)?;
    let quorum = match args.one("quorum") {
        None => 0,
        Some(q) => q.parse::<u32>().ok().filter(|q| (1..=MAX_QUORUM).contains(q)).ok_or_else(|| CliError::usage(format!("--quorum must be from 1 to {MAX_QUORUM}")))?,
    };
    let ttl = match args.one("ttl") {
        None => 0,
        Some(t) => t.parse::<u32>().ok().filter(|t| *t > 0).ok_or_else(|| CliError::usage(format!("--ttl must be a whole number of seconds from 1 to {}", u32::MAX)))?,
    };
    if value.len() > MAX_VALUE_BYTES {
        return Err(CliError::usage(format!("value has {} bytes; the limit is {MAX_VALUE_BYTES} (64 KiB)", value.len())));
    }
    check_key(key)?;
    let limit = timeout(&args)?;
    let req = Request { r#type: STORE, key: key.clone(), value: value.as_bytes().to_vec(), quorum, ttl, ..Default::default() };
    let resp = with_client(addr, peer, limit, async move |mut control| Ok(kvproto::request(&mut control, peer, &req).await?)).await?;
    if resp.status != Status::Ok as i32 {
        return Err(CliError::failed(status_error(resp.status, &resp.error)));
    }
    let plural = if resp.replicas == 1 { "" } else { "s" };
    Output::new(args.flag("json")).print(
        &PutResult { key, replicas: resp.replicas, seq: json_seq(resp.seq), expires: resp.expires },
        &format!("stored {key:?} on {} peer{plural} (seq {})", resp.replicas, resp.seq),
    )
}

fn status_error(status: i32, reason: &str) -> String {
    if reason.is_empty() {
        Status::name(status)
    } else {
        format!("{}: {reason}", Status::name(status))
    }
}

/// Runs `get KEY --peer MA [--timeout S] [--out FILE] [--json]`: the value
/// raw on stdout (or in FILE); exit 3 for NOT_FOUND, 1 for any other failure,
/// an OK without a record included.
pub async fn run_get(args: &[String]) -> Result<(), CliError> {
    let args = cli::parse("get", args, &[("peer", true), ("timeout", true), ("out", true), ("json", false)])?;
    let [key] = args.positional.as_slice() else {
        return Err(CliError::usage(format!("get takes KEY, got {} arguments", args.positional.len())));
    };
    let (addr, peer) = peer(&args)?;
    check_key(key)?;
    let limit = timeout(&args)?;
    let req = Request { r#type: RETRIEVE, key: key.clone(), ..Default::default() };
    let resp = with_client(addr, peer, limit, async move |mut control| Ok(kvproto::request(&mut control, peer, &req).await?))
        .await
        .map_err(|e| CliError { message: format!("get {key:?}: {}", e.message), ..e })?;
    match resp.status {
        s if s == Status::NotFound as i32 => return Err(CliError::not_found(if resp.error.is_empty() { "not found".into() } else { resp.error })),
        s if s != Status::Ok as i32 => return Err(CliError::failed(format!("get {key:?}: {}", status_error(s, &resp.error)))),
        _ if resp.seq == 0 && resp.expires == 0 && resp.value.is_empty() => {
            return Err(CliError::failed(format!("get {key:?}: the peer answered OK without a record (no value, seq or expires)")))
        }
        _ => {}
    }
    let mut result = GetResult { key, value: None, encoding: None, out: None, bytes: None, seq: json_seq(resp.seq), expires: resp.expires };
    if let Some(file) = args.one("out") {
        std::fs::write(file, &resp.value).map_err(|e| format!("writing {file}: {e}"))?;
        result.out = Some(file);
        result.bytes = Some(resp.value.len());
    } else if let Ok(text) = std::str::from_utf8(&resp.value) {
        result.value = Some(text.to_string());
    } else {
        result.value = Some(base64::engine::general_purpose::STANDARD.encode(&resp.value));
        result.encoding = Some("base64");
    }
    if args.flag("json") {
        return Output::new(true).print(&result, "");
    }
    if args.one("out").is_none() && !resp.value.is_empty() {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(&resp.value).and_then(|()| out.flush()).map_err(|e| format!("writing the result to stdout: {e}"))?;
    }
    // an empty value prints as nothing, as exper-dht's get prints it
    Ok(())
}

/// Runs `kad-put --peer MA --key-hex HEX [--json] < RECORD`: a raw Kad-DHT
/// PUT_VALUE of the bytes on stdin, valid or not; exit 0 when the peer stored
/// (echoed) it, 1 when it refused it.
pub async fn run_kad_put(args: &[String]) -> Result<(), CliError> {
    let args = cli::parse("kad-put", args, &[("peer", true), ("key-hex", true), ("json", false)])?;
    if !args.positional.is_empty() {
        return Err(CliError::usage(format!("kad-put takes no arguments, got {:?}", args.positional)));
    }
    let (addr, peer) = peer(&args)?;
    let key = args.one("key-hex").and_then(unhex).filter(|k| !k.is_empty()).ok_or_else(|| CliError::usage("--key-hex must be non-empty hex"))?;
    let mut value = Vec::new();
    std::io::stdin()
        .take(MAX_KAD_MESSAGE_BYTES as u64)
        .read_to_end(&mut value)
        .map_err(|e| format!("reading the record from stdin: {e}"))?;
    let outcome = with_client(addr, peer, DEFAULT_CLIENT_TIMEOUT, async move |mut control| Ok(send_put_value(&mut control, peer, &key, &value).await)).await?;
    let result = KadPutResult { stored: outcome.is_ok(), error: outcome.clone().err() };
    Output::new(args.flag("json")).print(&result, &format!("stored: {}", result.stored))?;
    outcome.map_err(|e| CliError::failed(format!("the peer did not store the record: {e}")))
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || !s.is_ascii() {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
}
