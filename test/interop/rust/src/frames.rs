//! Length-prefixed frames: an unsigned varint (at most 5 bytes) holding the
//! length, then the bytes. The framing of /exper-dht/kv/1.0.0 and of Kad-DHT.

use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use std::io;

/// The longest valid length prefix.
pub const MAX_PREFIX_BYTES: usize = 5;

/// Writes `msg` as one frame in a single write.
pub async fn write_frame<W: AsyncWrite + Unpin>(w: &mut W, msg: &[u8]) -> io::Result<()> {
    let mut frame = Vec::with_capacity(MAX_PREFIX_BYTES + msg.len());
    let mut n = msg.len();
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            frame.push(byte);
            break;
        }
        frame.push(byte | 0x80);
    }
    frame.extend_from_slice(msg);
    w.write_all(&frame).await?;
    w.flush().await
}

/// Reads one frame of at most `max` bytes. It reads nothing past the frame,
/// and refuses a prefix over 5 bytes or a length over `max` before reading
/// the body.
pub async fn read_frame<R: AsyncRead + Unpin>(r: &mut R, max: usize) -> io::Result<Vec<u8>> {
    let mut length: u64 = 0;
    for i in 0..MAX_PREFIX_BYTES {
        let mut byte = [0u8; 1];
        if let Err(e) = r.read_exact(&mut byte).await {
            return Err(if i > 0 { io::Error::new(io::ErrorKind::UnexpectedEof, "frame cut short in its length prefix") } else { e });
        }
        length |= u64::from(byte[0] & 0x7f) << (7 * i);
        if byte[0] < 0x80 {
            if length > max as u64 {
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame is longer than {max} bytes")));
            }
            let mut msg = vec![0u8; length as usize];
            r.read_exact(&mut msg).await.map_err(|e| io::Error::new(e.kind(), format!("frame cut short: {e}")))?;
            return Ok(msg);
        }
    }
    Err(io::Error::new(io::ErrorKind::InvalidData, format!("length prefix is longer than {MAX_PREFIX_BYTES} bytes")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<T>(f: impl std::future::Future<Output = T>) -> T {
        futures::executor::block_on(f)
    }

    #[test]
    fn round_trips_and_reads_nothing_past_the_frame() {
        let mut buf = Vec::new();
        block(write_frame(&mut buf, &[7u8; 300])).unwrap();
        assert_eq!(&buf[..2], &[0xac, 0x02]);
        buf.push(0xff);
        let mut r = futures::io::Cursor::new(buf);
        assert_eq!(block(read_frame(&mut r, 300)).unwrap(), vec![7u8; 300]);
        assert_eq!(r.position(), 302);
    }

    #[test]
    fn refuses_oversized_long_and_short_frames() {
        let too_long = block(read_frame(&mut futures::io::Cursor::new(vec![0xac, 0x02]), 299)).unwrap_err();
        assert!(too_long.to_string().contains("longer than 299"), "{too_long}");
        let prefix = block(read_frame(&mut futures::io::Cursor::new(vec![0x80; 6]), 1 << 20)).unwrap_err();
        assert!(prefix.to_string().contains("longer than 5"), "{prefix}");
        let cut = block(read_frame(&mut futures::io::Cursor::new(vec![3, 1, 2]), 10)).unwrap_err();
        assert_eq!(cut.kind(), io::ErrorKind::UnexpectedEof);
    }
}
