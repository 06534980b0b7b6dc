package kvproto

import (
	"bytes"
	"testing"
)

func TestRequestRoundTrip(t *testing.T) {
	req := Request{Type: Retrieve, Key: "ключ", Value: []byte{0, 1}, Quorum: 64, TTL: 1<<32 - 1}
	got, err := UnmarshalRequest(req.Marshal())
	if err != nil || got.Type != req.Type || got.Key != req.Key || !bytes.Equal(got.Value, req.Value) || got.Quorum != req.Quorum || got.TTL != req.TTL {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestResponseRoundTrip(t *testing.T) {
	resp := Response{Status: StatusQuorumFailed, Value: []byte("v"), Seq: 1<<64 - 1, Replicas: 3, Error: "why", Expires: 1<<64 - 1}
	got, err := UnmarshalResponse(resp.Marshal())
	if err != nil || got.Status != resp.Status || !bytes.Equal(got.Value, resp.Value) || got.Seq != resp.Seq ||
		got.Replicas != resp.Replicas || got.Error != resp.Error || got.Expires != resp.Expires {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestRequestEncodingMatchesTheProtoFile(t *testing.T) {
	// protoc's encoding of Request{type: RETRIEVE, key: "k", quorum: 2}
	want := []byte{0x08, 0x01, 0x12, 0x01, 'k', 0x20, 0x02}
	if got := (Request{Type: Retrieve, Key: "k", Quorum: 2}).Marshal(); !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	// protoc's encoding of Request{type: STORE, key: "k", ttl: 3600}: field 5 (ttl) is 28 + varint
	want = []byte{0x12, 0x01, 'k', 0x28, 0x90, 0x1c}
	if got := (Request{Type: Store, Key: "k", TTL: 3600}).Marshal(); !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
}

func TestResponseEncodingMatchesTheProtoFile(t *testing.T) {
	// protoc's encoding of Response{status: OK, seq: 5, expires: 1767225600000}: field 6 (expires) is 30 + varint
	want := []byte{0x18, 0x05, 0x30, 0x80, 0xd0, 0xea, 0xb6, 0xb7, 0x33}
	if got := (Response{Status: StatusOK, Seq: 5, Expires: 1_767_225_600_000}).Marshal(); !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	got, err := UnmarshalResponse(want)
	if err != nil || got.Expires != 1_767_225_600_000 || got.Seq != 5 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

// Messages of peers that predate ttl and expires decode with them at 0: a
// STORE without ttl asks for the peer's default lifetime.
func TestMessagesWithoutTheNewFieldsDecode(t *testing.T) {
	// the STORE example of docs/protocol.md: greeting = hello, quorum 2
	req, err := UnmarshalRequest([]byte{0x12, 0x08, 'g', 'r', 'e', 'e', 't', 'i', 'n', 'g', 0x1a, 0x05, 'h', 'e', 'l', 'l', 'o', 0x20, 0x02})
	if err != nil || req.Type != Store || req.Key != "greeting" || string(req.Value) != "hello" || req.Quorum != 2 || req.TTL != 0 {
		t.Fatalf("got %+v, %v", req, err)
	}
	// its RETRIEVE response example: value hello, seq 1764180000000
	resp, err := UnmarshalResponse([]byte{0x12, 0x05, 'h', 'e', 'l', 'l', 'o', 0x18, 0x80, 0xfa, 0xc9, 0x8a, 0xac, 0x33})
	if err != nil || resp.Status != StatusOK || string(resp.Value) != "hello" || resp.Seq != 1_764_180_000_000 || resp.Expires != 0 {
		t.Fatalf("got %+v, %v", resp, err)
	}
}

func TestUnknownFieldsAreSkipped(t *testing.T) {
	// key "k", then field 9 (varint) and field 10 (fixed32)
	b := []byte{0x12, 0x01, 'k', 0x48, 0x05, 0x55, 1, 2, 3, 4}
	got, err := UnmarshalRequest(b)
	if err != nil || got.Key != "k" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestMalformedRequestsAreRefused(t *testing.T) {
	cases := map[string][]byte{
		"truncated":          {0x12, 0x05, 'k'},
		"key not UTF-8":      {0x12, 0x02, 0xff, 0xfe},
		"key as a varint":    {0x10, 0x01},
		"quorum over uint32": {0x20, 0x80, 0x80, 0x80, 0x80, 0x10},
		"ttl over uint32":    {0x28, 0x80, 0x80, 0x80, 0x80, 0x10},
		"ttl as bytes":       {0x2a, 0x01, 0x01},
	}
	for name, b := range cases {
		if _, err := UnmarshalRequest(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestMalformedResponsesAreRefused(t *testing.T) {
	cases := map[string][]byte{
		"expires as bytes": {0x32, 0x01, 0x01},
		"truncated value":  {0x12, 0x05, 'v'},
	}
	for name, b := range cases {
		if _, err := UnmarshalResponse(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestStatusNames(t *testing.T) {
	if StatusStorageFull.String() != "STORAGE_FULL" || Status(42).String() != "status 42" {
		t.Fatalf("got %s, %s", StatusStorageFull, Status(42))
	}
}
