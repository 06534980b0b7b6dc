package kvproto

import (
	"bytes"
	"testing"
)

func TestRequestRoundTrip(t *testing.T) {
	req := Request{Type: Retrieve, Key: "ключ", Value: []byte{0, 1}, Quorum: 64}
	got, err := UnmarshalRequest(req.Marshal())
	if err != nil || got.Type != req.Type || got.Key != req.Key || !bytes.Equal(got.Value, req.Value) || got.Quorum != req.Quorum {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestResponseRoundTrip(t *testing.T) {
	resp := Response{Status: StatusQuorumFailed, Value: []byte("v"), Seq: 1<<64 - 1, Replicas: 3, Error: "why"}
	got, err := UnmarshalResponse(resp.Marshal())
	if err != nil || got.Status != resp.Status || !bytes.Equal(got.Value, resp.Value) || got.Seq != resp.Seq || got.Replicas != resp.Replicas || got.Error != resp.Error {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestRequestEncodingMatchesTheProtoFile(t *testing.T) {
	// protoc's encoding of Request{type: RETRIEVE, key: "k", quorum: 2}
	want := []byte{0x08, 0x01, 0x12, 0x01, 'k', 0x20, 0x02}
	if got := (Request{Type: Retrieve, Key: "k", Quorum: 2}).Marshal(); !bytes.Equal(got, want) {
		t.Fatalf("got % x, want % x", got, want)
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
	}
	for name, b := range cases {
		if _, err := UnmarshalRequest(b); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}
