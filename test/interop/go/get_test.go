package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"exper-dht/interop/kvproto"
	"exper-dht/interop/kvrecord"
	"exper-dht/interop/node"
	"github.com/libp2p/go-libp2p/core/network"
)

// runCapturing runs the CLI with args and returns its exit code, stdout and stderr.
func runCapturing(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	stdout, stderr = &out, &errOut
	defer func() { stdout, stderr = os.Stdout, os.Stderr }()
	code := run(args)
	return code, out.String(), errOut.String()
}

// fakePeer serves /exper-dht/kv/1.0.0 by reading the request frame and
// answering with the raw frame body answer (nil: closing the stream without
// an answer). It returns the peer's multiaddr.
func fakePeer(t *testing.T, answer []byte) string {
	t.Helper()
	h, err := node.NewHost([]string{"/ip4/127.0.0.1/tcp/0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	h.SetStreamHandler(kvproto.ID, func(s network.Stream) {
		defer s.Close()
		if _, err := kvproto.ReadFrame(s); err != nil {
			_ = s.Reset()
			return
		}
		if answer != nil {
			_ = kvproto.WriteFrame(s, answer)
		}
	})
	return h.Addrs()[0].String() + "/p2p/" + h.ID().String()
}

// A get ends in one of three ways: the value on stdout and exit 0, exit 3
// (not found) or exit 1 (any other failure), each failure with its reason on
// stderr. Exit 0 with nothing printed is only for a record whose value is
// empty.
func TestGetNeverEndsSilentlyWithoutARecord(t *testing.T) {
	cases := []struct {
		name         string
		answer       []byte
		code         int
		stdout       string
		stderrSubstr string
	}{
		{"OK with a record", kvproto.Response{Value: []byte("hello"), Seq: 7, Expires: 1_767_225_600_000}.Marshal(), exitOK, "hello", ""},
		{"OK from a peer that predates expires", kvproto.Response{Value: []byte("hello"), Seq: 7}.Marshal(), exitOK, "hello", ""},
		{"OK with an empty value", kvproto.Response{Seq: 7, Expires: 1_767_225_600_000}.Marshal(), exitOK, "", ""},
		{"a zero-length frame (OK, no record)", []byte{}, exitError, "", "without a record"},
		{"a STORE-shaped OK (replicas only)", kvproto.Response{Replicas: 2}.Marshal(), exitError, "", "without a record"},
		{"NOT_FOUND", kvproto.Response{Status: kvproto.StatusNotFound, Error: `"k": not found: nobody holds it`}.Marshal(), exitNotFound, "", "nobody holds it"},
		{"NOT_FOUND without a reason", kvproto.Response{Status: kvproto.StatusNotFound}.Marshal(), exitNotFound, "", "not found"},
		{"TIMEOUT", kvproto.Response{Status: kvproto.StatusTimeout, Error: "too slow"}.Marshal(), exitError, "", "TIMEOUT: too slow"},
		{"an unknown status with a value", kvproto.Response{Status: 9, Value: []byte("v"), Seq: 1}.Marshal(), exitError, "", "status 9"},
		{"no answer at all", nil, exitError, "", "failed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			addr := fakePeer(t, c.answer)
			code, out, errOut := runCapturing(t, "get", "k", "--peer", addr, "--timeout", "10")
			if code != c.code || out != c.stdout || !strings.Contains(errOut, c.stderrSubstr) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q, stderr containing %q",
					code, out, errOut, c.code, c.stdout, c.stderrSubstr)
			}
			if code != exitOK && !strings.HasPrefix(errOut, "exper-dht-go: error: ") {
				t.Fatalf("a failure without its reason on stderr: %q", errOut)
			}
			if code == exitOK && errOut != "" {
				t.Fatalf("a success wrote to stderr: %q", errOut)
			}
		})
	}
}

func TestGetJSONHasTheExpires(t *testing.T) {
	addr := fakePeer(t, kvproto.Response{Value: []byte{0xff, 0x00}, Seq: 7, Expires: 1_767_225_600_000}.Marshal())
	code, out, errOut := runCapturing(t, "get", "k", "--peer", addr, "--json")
	want := `{"key":"k","value":"/wA=","encoding":"base64","seq":7,"expires":1767225600000}` + "\n"
	if code != exitOK || out != want {
		t.Fatalf("exit %d, stdout %q, stderr %q; want %q", code, out, errOut, want)
	}
	addr = fakePeer(t, kvproto.Response{Seq: 7, Expires: 1_767_225_600_000}.Marshal())
	code, out, _ = runCapturing(t, "get", "k", "--peer", addr, "--json")
	if want := `{"key":"k","value":"","seq":7,"expires":1767225600000}` + "\n"; code != exitOK || out != want {
		t.Fatalf("an empty value: exit %d, stdout %q; want %q", code, out, want)
	}
}

// failingWriter fails every write, as a closed or full stdout would.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no room") }

func TestGetFailsWhenTheValueCannotBePrinted(t *testing.T) {
	stdout = failingWriter{}
	defer func() { stdout = os.Stdout }()
	found := kvproto.Found{Value: []byte("hello"), Seq: 7, Expires: 1}
	for _, asJSON := range []bool{false, true} {
		if err := printFound("k", found, "", asJSON); err == nil || !strings.Contains(err.Error(), "no room") {
			t.Errorf("json %t: got %v", asJSON, err)
		}
	}
}

// put and get through a real Go peer (alone: it stores the record itself).
func TestPutAndGetThroughAGoPeer(t *testing.T) {
	n, err := node.Start(node.Config{Listen: []string{"/ip4/127.0.0.1/tcp/0"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	addr := n.Addrs()[0]

	before := kvrecord.UnixMs(time.Now())
	code, out, errOut := runCapturing(t, "put", "greeting", "hello", "--peer", addr, "--ttl", "60", "--json")
	if code != exitOK {
		t.Fatalf("put: exit %d, %s", code, errOut)
	}
	var put struct {
		Replicas int    `json:"replicas"`
		Seq      uint64 `json:"seq"`
		Expires  uint64 `json:"expires"`
	}
	if err := json.Unmarshal([]byte(out), &put); err != nil {
		t.Fatalf("put --json printed %q: %v", out, err)
	}
	after := kvrecord.UnixMs(time.Now())
	if put.Replicas != 1 || put.Expires < before+60_000 || put.Expires > after+60_000 {
		t.Fatalf("put --ttl 60 printed %s (now %d–%d)", out, before, after)
	}

	code, out, errOut = runCapturing(t, "get", "greeting", "--peer", addr, "--json")
	var got struct {
		Value   string `json:"value"`
		Seq     uint64 `json:"seq"`
		Expires uint64 `json:"expires"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &got) != nil || got.Value != "hello" || got.Seq != put.Seq || got.Expires != put.Expires {
		t.Fatalf("get: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, out, _ = runCapturing(t, "get", "greeting", "--peer", addr); code != exitOK || out != "hello" {
		t.Fatalf("raw get: exit %d, stdout %q", code, out)
	}
	file := filepath.Join(t.TempDir(), "value")
	if code, out, _ = runCapturing(t, "get", "greeting", "--peer", addr, "--out", file); code != exitOK || out != "" {
		t.Fatalf("get --out: exit %d, stdout %q", code, out)
	}
	if data, err := os.ReadFile(file); err != nil || string(data) != "hello" {
		t.Fatalf("get --out wrote %q, %v", data, err)
	}

	// without --ttl: the default lifetime, 48 h
	before = kvrecord.UnixMs(time.Now())
	if code, out, errOut = runCapturing(t, "put", "greeting", "again", "--peer", addr, "--json"); code != exitOK {
		t.Fatalf("put: exit %d, %s", code, errOut)
	}
	if err := json.Unmarshal([]byte(out), &put); err != nil || put.Expires < before+kvrecord.MaxTTLMs || put.Expires > kvrecord.UnixMs(time.Now())+kvrecord.MaxTTLMs {
		t.Fatalf("put without --ttl printed %q", out)
	}

	code, out, errOut = runCapturing(t, "get", "never-stored", "--peer", addr)
	if code != exitNotFound || out != "" || !strings.Contains(errOut, "not found") {
		t.Fatalf("missing key: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

func TestPutTTLFlag(t *testing.T) {
	const addr = "/ip4/127.0.0.1/tcp/1/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"
	for _, ttl := range []string{"0", "-1", "1.5", "x", "4294967296"} {
		if code, _, errOut := runCapturing(t, "put", "k", "v", "--peer", addr, "--ttl", ttl); code != exitUsage {
			t.Errorf("--ttl %s: exit %d (%s), want %d", ttl, code, errOut, exitUsage)
		}
	}
	var ttl ttlSeconds
	if err := ttl.Set("4294967295"); err != nil || ttl.s != 1<<32-1 {
		t.Fatalf("--ttl 4294967295: %v, %d", err, ttl.s)
	}
}
