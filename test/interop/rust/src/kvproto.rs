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
    /// A signed record's key, `<owner peer id>/<name>`, instead of `key`.
    #[prost(string, tag = "6")]
    pub signed_key: String,
    /// STORE with `signed_key`: the KvRecord its owner signed.
    #[prost(bytes = "vec", tag = "7")]
    pub record: Vec<u8>,
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
    /// RETRIEVE with `signed_key` + OK: the whole signed KvRecord.
    #[prost(bytes = "vec", tag = "7")]
    pub record: Vec<u8>,
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
    InvalidRecord = 8,
}

impl Status {
    /// The status's name as docs/protocol.md spells it.
    pub fn name(code: i32) -> String {
        const NAMES: [&str; 9] = [
            "OK",
            "NOT_FOUND",
            "INVALID_REQUEST",
            "TOO_LARGE",
            "QUORUM_FAILED",
            "TIMEOUT",
            "INTERNAL",
            "STORAGE_FULL",
            "INVALID_RECORD",
        ];
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
    /// STORE of a signed record: it fails validation or is older than the
    /// record held.
    InvalidRecord(String),
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
    /// Publishes `record`, signed by its owner, under the `/kvs` DHT key
    /// `dht_key` on at least `quorum` peers, once (this peer cannot sign it anew).
    fn store_signed(&self, dht_key: Vec<u8>, record: Vec<u8>, quorum: u32) -> impl std::future::Future<Output = Result<Stored, BackendError>> + Send;
    /// The best live signed record (encoded, as found) of the `/kvs` DHT key `dht_key`.
    fn retrieve_signed(&self, dht_key: Vec<u8>) -> impl std::future::Future<Output = Result<Vec<u8>, BackendError>> + Send;
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
    if !req.signed_key.is_empty() {
        return respond_signed(req, backend).await;
    }
    if let Err(e) = kvrecord::validate_user_key(req.key.as_bytes()) {
        return failure(Status::InvalidRequest, e);
    }
    if !req.record.is_empty() {
        return failure(Status::InvalidRequest, "a record (field 7) is stored under a signed_key (field 6), not a key");
    }
    match req.r#type {
        STORE => {
            if req.value.len() > MAX_VALUE_BYTES {
                return failure(Status::TooLarge, format!("value has {} bytes; the limit is {MAX_VALUE_BYTES} (64 KiB)", req.value.len()));
            }
            let quorum = match quorum(req.quorum) {
                Ok(q) => q,
                Err(response) => return response,
            };
            store_response(backend.store(req.key, req.value, quorum, req.ttl).await)
        }
        RETRIEVE => match backend.retrieve(req.key.clone()).await {
            Ok(r) => Response { value: r.value, seq: r.seq, expires: r.expires, ..Default::default() },
            Err(BackendError::NotFound(e)) => failure(Status::NotFound, format!("{:?}: {e}", req.key)),
            Err(BackendError::QuorumFailed { reason, .. } | BackendError::InvalidRecord(reason) | BackendError::Internal(reason)) => {
                failure(Status::Internal, reason)
            }
        },
        other => failure(Status::InvalidRequest, format!("unknown request type {other}")),
    }
}

/// A request for a signed `/kvs` record (docs/protocol.md, "Signed
/// records"): a STORE of the record its owner signed, or a RETRIEVE
/// answered with the whole record (and no separate value).
async fn respond_signed<B: Backend>(req: Request, backend: B) -> Response {
    if !req.key.is_empty() {
        return failure(Status::InvalidRequest, "give a key (field 2) or a signed_key (field 6), not both");
    }
    let dht_key = match kvrecord::signed_dht_key(&req.signed_key) {
        Ok(k) => k,
        Err(e) => return failure(Status::InvalidRequest, e),
    };
    match req.r#type {
        RETRIEVE => match backend.retrieve_signed(dht_key).await {
            Ok(record) => match kvrecord::decode(&record) {
                Ok(r) => Response { seq: r.seq, expires: r.expires, record, ..Default::default() },
                Err(e) => failure(Status::Internal, format!("the record found does not decode: {e}")),
            },
            Err(BackendError::NotFound(e)) => failure(Status::NotFound, format!("{:?}: {e}", req.signed_key)),
            Err(BackendError::QuorumFailed { reason, .. } | BackendError::InvalidRecord(reason) | BackendError::Internal(reason)) => {
                failure(Status::Internal, reason)
            }
        },
        STORE => {
            if !req.value.is_empty() || req.ttl != 0 {
                return failure(
                    Status::InvalidRequest,
                    "a STORE of a signed record carries the record (field 7) alone: its value and expiry are inside, signed (no value, no ttl)",
                );
            }
            if req.record.is_empty() {
                return failure(Status::InvalidRequest, "a STORE with a signed_key needs the signed record (field 7)");
            }
            let quorum = match quorum(req.quorum) {
                Ok(q) => q,
                Err(response) => return response,
            };
            store_response(backend.store_signed(dht_key, req.record, quorum).await)
        }
        other => failure(Status::InvalidRequest, format!("unknown request type {other}")),
    }
}

/// A STORE's quorum, 0 meaning `DEFAULT_QUORUM`, or the INVALID_REQUEST
/// answer to one over `MAX_QUORUM`.
fn quorum(requested: u32) -> Result<u32, Response> {
    match requested {
        0 => Ok(DEFAULT_QUORUM),
        q if q > MAX_QUORUM => Err(failure(Status::InvalidRequest, format!("quorum {q} is over the limit of {MAX_QUORUM}"))),
        q => Ok(q),
    }
}

/// The answer to a STORE, from what the backend did.
fn store_response(stored: Result<Stored, BackendError>) -> Response {
    match stored {
        Ok(s) => Response { seq: s.seq, replicas: s.replicas, expires: s.expires, ..Default::default() },
        Err(BackendError::QuorumFailed { replicas, reason }) => Response { replicas, ..failure(Status::QuorumFailed, reason) },
        Err(BackendError::InvalidRecord(e)) => failure(Status::InvalidRecord, e),
        Err(BackendError::NotFound(e) | BackendError::Internal(e)) => failure(Status::Internal, e),
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
        let store = Request { r#type: STORE, key: "greeting".into(), value: b"hello".to_vec(), quorum: 2, ..Default::default() };
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

    /// The signed examples of docs/protocol.md ("Signed records").
    #[test]
    fn encodes_the_documented_signed_examples() {
        let record = unhex("0a0568656c6c6f10012080eafcdcac332a4025decb9bef7275d7e6bee10acc1d481dc37f3d54c5b946a3880c3c06f164f516e87ac47ccfd192902dcfbce3f1e9a372df82a5db270560dc22c615f7d4e53607");
        let signed_key = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5/greeting".to_string();
        let store = Request { r#type: STORE, signed_key: signed_key.clone(), record: record.clone(), ..Default::default() };
        assert_eq!(store.encode_length_delimited_to_vec(), unhex(&format!("9301323d{}3a52{}", hex(signed_key.as_bytes()), hex(&record))));
        let ok = Response { seq: 1, replicas: 3, expires: 1764352800000, ..Default::default() };
        assert_eq!(ok.encode_length_delimited_to_vec(), unhex("0b180120033080eafcdcac33"));
        let retrieve = Request { r#type: RETRIEVE, signed_key: signed_key.clone(), ..Default::default() };
        assert_eq!(retrieve.encode_length_delimited_to_vec(), unhex(&format!("410801323d{}", hex(signed_key.as_bytes()))));
        let found = Response { seq: 1, expires: 1764352800000, record: record.clone(), ..Default::default() };
        assert_eq!(found.encode_length_delimited_to_vec(), unhex(&format!("5d18013080eafcdcac333a52{}", hex(&record))));
        assert_eq!(failure(Status::InvalidRecord, "signature").encode_length_delimited_to_vec(), unhex("0d08082a097369676e6174757265"));
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// A backend that no request may reach: the requests below are refused
    /// before any DHT work.
    #[derive(Clone)]
    struct Unreachable;

    impl Backend for Unreachable {
        async fn store(&self, _: String, _: Vec<u8>, _: u32, _: u32) -> Result<Stored, BackendError> {
            panic!("an invalid request reached the backend's store")
        }
        async fn retrieve(&self, _: String) -> Result<kvrecord::KvRecord, BackendError> {
            panic!("an invalid request reached the backend's retrieve")
        }
        async fn store_signed(&self, _: Vec<u8>, _: Vec<u8>, _: u32) -> Result<Stored, BackendError> {
            panic!("an invalid request reached the backend's store_signed")
        }
        async fn retrieve_signed(&self, _: Vec<u8>) -> Result<Vec<u8>, BackendError> {
            panic!("an invalid request reached the backend's retrieve_signed")
        }
    }

    #[test]
    fn refuses_malformed_signed_requests_before_any_dht_work() {
        let owner = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5";
        let signed = |r#type: i32| Request { r#type, signed_key: format!("{owner}/name"), record: vec![1], ..Default::default() };
        for (req, why) in [
            (Request { key: "k".into(), ..signed(STORE) }, "not both"),
            (Request { signed_key: "QmYyQSo1c1Ym7orWxLYvCrM2EmxFTANf8wXmmE7DWjhx5N/n".into(), ..signed(STORE) }, "not an Ed25519 peer id"),
            (Request { signed_key: format!("{owner}/"), ..signed(RETRIEVE) }, "name is empty"),
            (Request { value: b"v".to_vec(), ..signed(STORE) }, "no value, no ttl"),
            (Request { ttl: 60, ..signed(STORE) }, "no value, no ttl"),
            (Request { record: vec![], ..signed(STORE) }, "needs the signed record"),
            (Request { quorum: MAX_QUORUM + 1, ..signed(STORE) }, "over the limit"),
            (signed(7), "unknown request type"),
            (Request { r#type: STORE, key: "k".into(), record: vec![1], ..Default::default() }, "stored under a signed_key"),
        ] {
            let response = futures::executor::block_on(respond(&req.encode_to_vec(), Unreachable));
            assert_eq!(response.status, Status::InvalidRequest as i32, "{why}: {response:?}");
            assert!(response.error.contains(why), "{:?} does not say {why:?}", response.error);
        }
    }

    #[test]
    fn names_statuses() {
        assert_eq!(Status::name(Status::QuorumFailed as i32), "QUORUM_FAILED");
        assert_eq!(Status::name(Status::InvalidRecord as i32), "INVALID_RECORD");
        assert_eq!(Status::name(9), "status 9");
    }
}
