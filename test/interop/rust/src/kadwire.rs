//! Raw Kad-DHT PUT_VALUE requests, sent on a stream of their own: rust-libp2p's
//! `put_record` neither says which peers echoed the record nor sends invalid
//! bytes, and a put must count the peers that really stored it
//! (docs/protocol.md, STORE).

use std::time::Duration;

use futures::AsyncWriteExt;
use libp2p::{PeerId, StreamProtocol};
use prost::Message;

use crate::frames::{read_frame, write_frame};

/// The Kad-DHT protocol of an exper-dht network.
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/exper-dht/kad/1.0.0");
/// The largest Kad-DHT message this peer sends or reads: go-libp2p's
/// `network.MessageSizeMax` (4 MiB), well over a 64 KiB value with its record
/// and a FIND_NODE answer of 20 peers.
pub const MAX_KAD_MESSAGE_BYTES: usize = 4 * 1024 * 1024;
/// Bounds one PUT_VALUE exchange with one peer.
pub const KAD_REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// `Message.type` of a PUT_VALUE.
const PUT_VALUE: i32 = 0;

/// The Kad-DHT `Record` (key 1, value 2, timeReceived 5).
#[derive(Clone, PartialEq, Message)]
pub struct KadRecord {
    #[prost(bytes = "vec", tag = "1")]
    pub key: Vec<u8>,
    #[prost(bytes = "vec", tag = "2")]
    pub value: Vec<u8>,
    #[prost(string, tag = "5")]
    pub time_received: String,
}

/// The fields of the Kad-DHT `Message` a PUT_VALUE uses (others are skipped).
#[derive(Clone, PartialEq, Message)]
pub struct KadMessage {
    #[prost(int32, tag = "1")]
    pub r#type: i32,
    #[prost(bytes = "vec", tag = "2")]
    pub key: Vec<u8>,
    #[prost(message, optional, tag = "3")]
    pub record: Option<KadRecord>,
}

/// Sends `value` under `key` to `peer` in a PUT_VALUE and returns `Ok` when
/// the peer stored it: one that stores a PUT_VALUE echoes it, one that
/// refuses it resets the stream or answers without the record.
pub async fn send_put_value(control: &mut libp2p_stream::Control, peer: PeerId, key: &[u8], value: &[u8]) -> Result<(), String> {
    let exchange = async {
        let mut stream = control.open_stream(peer, KAD_PROTOCOL).await.map_err(|e| format!("cannot open a {KAD_PROTOCOL} stream: {e}"))?;
        let record = KadRecord { key: key.to_vec(), value: value.to_vec(), time_received: rfc3339_now() };
        let req = KadMessage { r#type: PUT_VALUE, key: key.to_vec(), record: Some(record) };
        write_frame(&mut stream, &req.encode_to_vec()).await.map_err(|e| format!("sending PUT_VALUE: {e}"))?;
        let frame = read_frame(&mut stream, MAX_KAD_MESSAGE_BYTES).await.map_err(|e| format!("no answer to PUT_VALUE: {e}"))?;
        let _ = stream.close().await;
        let resp = KadMessage::decode(frame.as_slice()).map_err(|e| format!("the answer to PUT_VALUE is not a Kad message: {e}"))?;
        match resp.record {
            Some(r) if r.value == value => Ok(()),
            _ => Err("the peer answered without echoing the record".to_string()),
        }
    };
    tokio::time::timeout(KAD_REQUEST_TIMEOUT, exchange)
        .await
        .unwrap_or_else(|_| Err(format!("no answer to PUT_VALUE within {KAD_REQUEST_TIMEOUT:?}")))
}

/// The current UTC time as RFC 3339 with milliseconds, as Kad-DHT peers
/// write `timeReceived`.
pub fn rfc3339_now() -> String {
    let ms = crate::kvrecord::unix_ms();
    let (secs, millis) = (ms / 1000, ms % 1000);
    let (days, rem) = (secs / 86_400, secs % 86_400);
    // days since 1970-01-01 to a civil date (Howard Hinnant's algorithm)
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z", rem / 3600, rem / 60 % 60, rem % 60)
}
