package kvproto

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	msg := bytes.Repeat([]byte{7}, MaxFrameBytes)
	if err := WriteFrame(&buf, msg); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("next")
	got, err := ReadFrame(&buf)
	if err != nil || !bytes.Equal(got, msg) {
		t.Fatalf("read back %d bytes, err %v", len(got), err)
	}
	if buf.String() != "next" {
		t.Fatalf("ReadFrame read past its frame: %q left", buf.String())
	}
}

func TestFrameOverTheLimitIsRefusedBeforeItsBody(t *testing.T) {
	// the length MaxFrameBytes+1 as a varint, and no body at all
	prefix := []byte{0x81, 0x88, 0x04}
	if _, err := ReadFrame(bytes.NewReader(prefix)); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("got %v, want ErrFrameTooLarge", err)
	}
	if err := WriteFrame(io.Discard, make([]byte, MaxFrameBytes+1)); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("WriteFrame accepted an oversized message: %v", err)
	}
}

func TestFrameWithALongPrefixOrCutShortFails(t *testing.T) {
	cases := map[string][]byte{
		"6-byte prefix":  {0x80, 0x80, 0x80, 0x80, 0x80, 0x00},
		"cut-off prefix": {0x80},
		"cut-off body":   {0x05, 'a', 'b'},
	}
	for name, input := range cases {
		if _, err := ReadFrame(bytes.NewReader(input)); err == nil {
			t.Errorf("%s: read a frame", name)
		}
	}
	if _, err := ReadFrame(strings.NewReader("")); !errors.Is(err, io.EOF) {
		t.Errorf("empty stream: got %v, want io.EOF", err)
	}
}
