//! The store/retrieve protocol /exper-dht/kv/1.0.0 (docs/protocol.md): its
//! messages, limits, a client and a server.

use std::io;
use std::time::Duration;

use futures::{AsyncRead, AsyncWrite, AsyncWriteExt};
use libp2p::{request_response, PeerId, StreamProtocol};
use prost::Message;

use crate::frames::{read_frame, write_frame};
use crate::kvrecord::{self, MAX_VALUE_BYTES};

/// The protocol id negotiated by multistream-select.
pub const PROTOCOL: StreamProtocol = StreamProtocol::new("/exper-dht/kv/1.0.0");
/// The largest Request or Response after the length prefix (64 KiB + 1 KiB).
pub const MAX_FRAME_BYTES: usize = MAX_VALUE_BYTES + 1024;
/// Bounds a request, from the stream's opening to the response.
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(30);
/// Kept back from the deadline to answer TIMEOUT in time.
pub const RESPONSE_MARGIN: Duration = Duration::from_secs(1);
/// How many kv streams one connection may have open at once; more are reset.
pub const MAX_INBOUND_STREAMS_PER_CONNECTION: usize = 32;
/// How many kv streams a peer serves at once; more are reset.
pub const MAX_INBOUND_STREAMS: usize = 256;
/// The largest quorum a STORE may ask for.
pub const MAX_QUORUM: u32 = 64;
/// Replaces a STORE's quorum of 0: the serving peer alone suffices.
pub const DEFAULT_QUORUM: u32 = 1;
/// Bounds a client's request: a little over the deadline, so that the peer's
/// TIMEOUT answer arrives first.
pub const DEFAULT_CLIENT_TIMEOUT: Duration = Duration::from_secs(35);

/// `Request.type`.
pub const STORE: i32 = 0;
/// `Request.type`.
pub const RETRIEVE: i32 = 1;

/// A client's request.
#[derive(Clone, PartialEq, Message)]
pub struct Request {
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    #[prost(string, tag = "2")]
    pub key: String,
    #[prost(bytes = "vec", tag = "3")]
    pub value: Vec<u8>,
    #[prost(uint32, tag = "4")]
    pub quorum: u32,
    #[prost(uint32, tag = "5")]
    pub ttl: u32,
}

/// A peer's answer.
#[derive(Clone, PartialEq, Message)]
pub struct Response {
    #[prost(int32, tag = "1")]
    pub status: i32,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
    #[prost(uint64, tag = "3")]
    pub seq: u64,
    #[prost(uint32, tag = "4")]
    pub replicas: u32,
    #[prost(string, tag = "5")]
    pub error: String,
    #[prost(uint64, tag = "6")]
    pub expires: u64,
}

/// The status codes of `Response.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(i32)]
#[allow(dead_code)] // every status of docs/protocol.md, sent or not
pub enum Status {
    Ok = 0,
    NotFound = 1,
    InvalidRequest = 2,
    TooLarge = 3,
    QuorumFailed = 4,
    Timeout = 5,
    Internal = 6,
    StorageFull = 7,
}

impl Status {
    /// The status's name as docs/protocol.md spells it.
    pub fn name(code: i32) -> String {
        const NAMES: [&str; 8] =
            ["OK", "NOT_FOUND", "INVALID_REQUEST", "TOO_LARGE", "QUORUM_FAILED", "TIMEOUT", "INTERNAL", "STORAGE_FULL"];
        usize::try_from(code).ok().and_then(|i| NAMES.get(i)).map_or_else(|| format!("status {code}"), |n| n.to_string())
    }
}

/// A failure response with a reason.
pub fn failure(status: Status, error: impl Into<String>) -> Response {
    Response { status: status as i32, error: error.into(), ..Default::default() }
}

/// What a STORE published.
pub struct Stored {
    pub replicas: u32,
    pub seq: u64,
    pub expires: u64,
}

/// Why a backend's STORE or RETRIEVE failed.
pub enum BackendError {
    /// RETRIEVE: no peer holds a live record for the key.
    NotFound(String),
    /// STORE: fewer than the quorum stored it.
    QuorumFailed { replicas: u32, reason: String },
    /// Any other failure.
    Internal(String),
}

/// Does the DHT work of requests.
pub trait Backend: Clone + Send + Sync + 'static {
    /// Publishes `value` under the user key `key` on at least `quorum` peers,
    /// to live `ttl` seconds (0: the default lifetime).
    fn store(&self, key: String, value: Vec<u8>, quorum: u32, ttl: u32) -> impl std::future::Future<Output = Result<Stored, BackendError>> + Send;
    /// The best live record of the user key `key`.
    fn retrieve(&self, key: String) -> impl std::future::Future<Output = Result<kvrecord::KvRecord, BackendError>> + Send;
}

/// The codec of /exper-dht/kv/1.0.0 for libp2p's request-response: one frame
/// each way, its bytes as they came (a frame that is no valid `Request` is
/// answered INVALID_REQUEST by `respond`; a malformed, oversized or cut frame
/// fails the read, and the stream is reset). Its handler caps the streams of
/// a connection (`MAX_INBOUND_STREAMS_PER_CONNECTION`) and bounds each one by
/// `REQUEST_DEADLINE`, resetting those over either.
#[derive(Clone, Default)]
pub struct KvCodec;

impl request_response::Codec for KvCodec {
    type Protocol = StreamProtocol;
    type Request = Vec<u8>;
    type Response = Response;

    async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>> {
        read_frame(io, MAX_FRAME_BYTES).await
    }

    async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Response> {
        let frame = read_frame(io, MAX_FRAME_BYTES).await?;
        Response::decode(frame.as_slice()).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
    }

    async fn write_request<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, req: Vec<u8>) -> io::Result<()> {
        write_frame(io, &req).await
    }

    async fn write_response<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, resp: Response) -> io::Result<()> {
        write_frame(io, &resp.encode_to_vec()).await
    }
}

/// The request-response behaviour serving /exper-dht/kv/1.0.0.
pub fn server_behaviour() -> request_response::Behaviour<KvCodec> {
    request_response::Behaviour::new(
        [(PROTOCOL, request_response::ProtocolSupport::Inbound)],
        request_response::Config::default()
            .with_request_timeout(REQUEST_DEADLINE)
            .with_max_concurrent_streams(MAX_INBOUND_STREAMS_PER_CONNECTION),
    )
}

/// Answers one request frame, within the deadline less `RESPONSE_MARGIN`
/// (then TIMEOUT).
pub async fn answer<B: Backend>(frame: Vec<u8>, backend: B) -> Response {
    let budget = REQUEST_DEADLINE.saturating_sub(RESPONSE_MARGIN);
    match tokio::time::timeout(budget, respond(&frame, backend)).await {
        Ok(response) => response,
        Err(_) => failure(Status::Timeout, "the DHT operation did not finish within the request deadline"),
    }
}

async fn respond<B: Backend>(frame: &[u8], backend: B) -> Response {
    let req = match Request::decode(frame) {
        Ok(req) => req,
        Err(e) => return failure(Status::InvalidRequest, format!("request is not a valid Request protobuf: {e}")),
    };
    if let Err(e) = kvrecord::validate_user_key(req.key.as_bytes()) {
        return failure(Status::InvalidRequest, e);
    }
    match req.r#type {
        STORE => {
            if req.value.len() > MAX_VALUE_BYTES {
                return failure(Status::TooLarge, format!("value has {} bytes; the limit is {MAX_VALUE_BYTES} (64 KiB)", req.value.len()));
            }
            if req.quorum > MAX_QUORUM {
                return failure(Status::InvalidRequest, format!("quorum {} is over the limit of {MAX_QUORUM}", req.quorum));
            }
            let quorum = if req.quorum == 0 { DEFAULT_QUORUM } else { req.quorum };
            match backend.store(req.key, req.value, quorum, req.ttl).await {
                Ok(s) => Response { seq: s.seq, replicas: s.replicas, expires: s.expires, ..Default::default() },
                Err(BackendError::QuorumFailed { replicas, reason }) => {
                    Response { replicas, ..failure(Status::QuorumFailed, reason) }
                }
                Err(BackendError::NotFound(e) | BackendError::Internal(e)) => failure(Status::Internal, e),
            }
        }
        RETRIEVE => match backend.retrieve(req.key.clone()).await {
            Ok(r) => Response { value: r.value, seq: r.seq, expires: r.expires, ..Default::default() },
            Err(BackendError::NotFound(e)) => failure(Status::NotFound, format!("{:?}: {e}", req.key)),
            Err(BackendError::QuorumFailed { reason, .. } | BackendError::Internal(reason)) => failure(Status::Internal, reason),
        },
        other => failure(Status::InvalidRequest, format!("unknown request type {other}")),
    }
}

/// Sends one request on a new kv stream to `peer` and reads its response.
/// A reset stream, a malformed response or anything after it is an error.
pub async fn request(control: &mut libp2p_stream::Control, peer: PeerId, req: &Request) -> Result<Response, String> {
    let mut stream = control.open_stream(peer, PROTOCOL).await.map_err(|e| format!("cannot open a {PROTOCOL} stream: {e}"))?;
    write_frame(&mut stream, &req.encode_to_vec()).await.map_err(|e| format!("sending the request: {e}"))?;
    let _ = stream.close().await;
    let frame = read_frame(&mut stream, MAX_FRAME_BYTES)
        .await
        .map_err(|e| format!("no response from the peer (the stream was reset or closed: {e})"))?;
    let mut rest = [0u8; 1];
    if let Ok(n) = futures::AsyncReadExt::read(&mut stream, &mut rest).await {
        if n > 0 {
            return Err("the peer sent more after its response".into());
        }
    }
    Response::decode(frame.as_slice()).map_err(|e| format!("the response is not a valid Response protobuf: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }

    /// The examples of docs/protocol.md, frame length prefix included.
    #[test]
    fn encodes_the_documented_examples() {
        let store = Request { r#type: STORE, key: "greeting".into(), value: b"hello".to_vec(), quorum: 2, ttl: 0 };
        assert_eq!(store.encode_length_delimited_to_vec(), unhex("1312086772656574696e671a0568656c6c6f2002"));
        let with_ttl = Request { ttl: 3600, ..store };
        assert_eq!(with_ttl.encode_length_delimited_to_vec(), unhex("1612086772656574696e671a0568656c6c6f200228901c"));
        let retrieve = Request { r#type: RETRIEVE, key: "greeting".into(), ..Default::default() };
        assert_eq!(retrieve.encode_length_delimited_to_vec(), unhex("0c080112086772656574696e67"));
        let ok = Response { seq: 1764180000000, replicas: 3, expires: 1764352800000, ..Default::default() };
        assert_eq!(ok.encode_length_delimited_to_vec(), unhex("101880fac98aac3320033080eafcdcac33"));
        let found = Response::decode_length_delimited(unhex("15120568656c6c6f1880fac98aac333080eafcdcac33").as_slice()).unwrap();
        assert_eq!((found.value.as_slice(), found.seq, found.expires), (&b"hello"[..], 1764180000000, 1764352800000));
        let quorum = Response { replicas: 1, ..failure(Status::QuorumFailed, "quorum") };
        assert_eq!(quorum.encode_length_delimited_to_vec(), unhex("0c080420012a0671756f72756d"));
        assert_eq!(failure(Status::StorageFull, "full").encode_length_delimited_to_vec(), unhex("0808072a0466756c6c"));
    }

    #[test]
    fn names_statuses() {
        assert_eq!(Status::name(Status::QuorumFailed as i32), "QUORUM_FAILED");
        assert_eq!(Status::name(9), "status 9");
    }
}
