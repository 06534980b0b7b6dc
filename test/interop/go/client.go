package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"unicode/utf8"

	"exper-dht/interop/kvproto"
	"exper-dht/interop/kvrecord"
	"exper-dht/interop/node"
)

// The JSON results of put and get, field order as exper-dht prints them.
type (
	putResult struct {
		Key      string `json:"key"`
		Replicas uint32 `json:"replicas"`
		Seq      any    `json:"seq"`
	}
	getResult struct {
		Key      string  `json:"key"`
		Value    *string `json:"value,omitempty"`
		Encoding string  `json:"encoding,omitempty"`
		Out      string  `json:"out,omitempty"`
		Bytes    *int    `json:"bytes,omitempty"`
		Seq      any     `json:"seq"`
	}
)

// runPut stores a value through a peer's kv protocol and prints the replica count.
func runPut(args []string) error {
	var peerFlag peerAddr
	var timeout seconds
	fs := newFlagSet("put")
	fs.Var(&peerFlag, "peer", "the peer to ask, ending in /p2p/<peer id> (required)")
	quorum := fs.Int("quorum", 0, fmt.Sprintf("peers that must store it, the asked one included (1-%d; default: the peer's)", kvproto.MaxQuorum))
	fs.Var(&timeout, "timeout", "give up after this many seconds (default 35)")
	jsonOut := fs.Bool("json", false, `print {"key","replicas","seq"}`)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return usageErrorf("put takes KEY VALUE, got %d arguments", len(positional))
	}
	key, value := positional[0], []byte(positional[1])
	switch {
	case peerFlag.addr == nil:
		return usageErrorf("--peer is required")
	case *quorum < 0 || *quorum > kvproto.MaxQuorum:
		return usageErrorf("--quorum must be from 1 to %d", kvproto.MaxQuorum)
	case len(value) > kvrecord.MaxValueBytes:
		return usageErrorf("value has %d bytes; the limit is %d (64 KiB)", len(value), kvrecord.MaxValueBytes)
	}
	if err := kvrecord.ValidateUserKey(key); err != nil {
		return usageErrorf("%v", err)
	}

	resp, err := request(peerFlag, timeout, kvproto.Request{Type: kvproto.Store, Key: key, Value: value, Quorum: uint32(*quorum)})
	if err != nil {
		return err
	}
	if resp.Status != kvproto.StatusOK {
		return fmt.Errorf("%s: %s", resp.Status, resp.Error)
	}
	out := &output{json: *jsonOut}
	out.print(putResult{Key: key, Replicas: resp.Replicas, Seq: jsonSeq(resp.Seq)},
		fmt.Sprintf("stored %q on %d peer%s (seq %d)", key, resp.Replicas, plural(resp.Replicas), resp.Seq))
	return nil
}

// runGet retrieves a value through a peer's kv protocol: raw bytes on stdout
// (or in --out FILE); exit 3 when no peer holds the key.
func runGet(args []string) error {
	var peerFlag peerAddr
	var timeout seconds
	fs := newFlagSet("get")
	fs.Var(&peerFlag, "peer", "the peer to ask, ending in /p2p/<peer id> (required)")
	fs.Var(&timeout, "timeout", "give up after this many seconds (default 35)")
	outFile := fs.String("out", "", "write the value to FILE instead of stdout")
	jsonOut := fs.Bool("json", false, `print {"key","value","seq"} (value as UTF-8 text, or base64 with "encoding":"base64")`)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usageErrorf("get takes KEY, got %d arguments", len(positional))
	}
	key := positional[0]
	if peerFlag.addr == nil {
		return usageErrorf("--peer is required")
	}
	if err := kvrecord.ValidateUserKey(key); err != nil {
		return usageErrorf("%v", err)
	}

	resp, err := request(peerFlag, timeout, kvproto.Request{Type: kvproto.Retrieve, Key: key})
	switch {
	case err != nil:
		return err
	case resp.Status == kvproto.StatusNotFound:
		return notFoundErrorf("%s", resp.Error)
	case resp.Status != kvproto.StatusOK:
		return fmt.Errorf("%s: %s", resp.Status, resp.Error)
	}
	result := getResult{Key: key, Seq: jsonSeq(resp.Seq)}
	if *outFile != "" {
		if err := os.WriteFile(*outFile, resp.Value, 0o644); err != nil {
			return err
		}
		size := len(resp.Value)
		result.Out, result.Bytes = *outFile, &size
	} else if text := string(resp.Value); utf8.ValidString(text) {
		result.Value = &text
	} else {
		encoded := base64.StdEncoding.EncodeToString(resp.Value)
		result.Value, result.Encoding = &encoded, "base64"
	}
	if *jsonOut {
		(&output{json: true}).print(result, "")
	} else if *outFile == "" {
		_, err = os.Stdout.Write(resp.Value)
	}
	return err
}

// request sends one request to the peer through a client host that only dials.
func request(peerFlag peerAddr, timeout seconds, req kvproto.Request) (kvproto.Response, error) {
	h, err := node.NewHost(nil)
	if err != nil {
		return kvproto.Response{}, err
	}
	defer h.Close()
	limit := timeout.d
	if limit == 0 {
		limit = kvproto.DefaultClientTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	return kvproto.Client{Host: h}.Request(ctx, peerFlag.addr, req)
}

func plural(n uint32) string {
	if n == 1 {
		return ""
	}
	return "s"
}
