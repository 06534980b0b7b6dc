package kvproto

import (
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// ErrFrameTooLarge is returned by ReadFrame for a length over MaxFrameBytes.
var ErrFrameTooLarge = fmt.Errorf("frame is longer than %d bytes", MaxFrameBytes)

// WriteFrame writes msg as one frame: its length as an unsigned varint, then
// the bytes, in a single write.
func WriteFrame(w io.Writer, msg []byte) error {
	if len(msg) > MaxFrameBytes {
		return ErrFrameTooLarge
	}
	frame := protowire.AppendVarint(make([]byte, 0, maxPrefixBytes+len(msg)), uint64(len(msg)))
	_, err := w.Write(append(frame, msg...))
	return err
}

// ReadFrame reads one frame and returns its bytes. It reads nothing past the
// frame, and refuses a length prefix over 5 bytes or a length over
// MaxFrameBytes before reading the body.
func ReadFrame(r io.Reader) ([]byte, error) {
	length, err := readLength(r)
	if err != nil {
		return nil, err
	}
	msg := make([]byte, length)
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, fmt.Errorf("frame cut short: %w", err)
	}
	return msg, nil
}

func readLength(r io.Reader) (int, error) {
	var prefix [maxPrefixBytes]byte
	for i := range prefix {
		if _, err := io.ReadFull(r, prefix[i:i+1]); err != nil {
			if i > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, err
		}
		if prefix[i] < 0x80 {
			length, n := protowire.ConsumeVarint(prefix[:i+1])
			if n < 0 {
				return 0, protowire.ParseError(n)
			}
			if length > MaxFrameBytes {
				return 0, ErrFrameTooLarge
			}
			return int(length), nil
		}
	}
	return 0, fmt.Errorf("length prefix is longer than %d bytes", maxPrefixBytes)
}
