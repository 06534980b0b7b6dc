package kvproto

import (
	"errors"
	"testing"
)

func TestRetrieveResultClassifiesResponses(t *testing.T) {
	found, err := RetrieveResult(Response{Status: StatusOK, Value: []byte("v"), Seq: 7, Expires: 9})
	if err != nil || string(found.Value) != "v" || found.Seq != 7 || found.Expires != 9 {
		t.Fatalf("OK with a record: got %+v, %v", found, err)
	}
	// an empty value is a value: the record says so with its seq or expires
	for _, resp := range []Response{{Seq: 7}, {Expires: 9}, {Seq: 7, Expires: 9}} {
		if found, err := RetrieveResult(resp); err != nil || len(found.Value) != 0 {
			t.Errorf("OK with an empty value %+v: got %+v, %v", resp, found, err)
		}
	}
	// a peer that predates expires still answers with a seq
	if found, err := RetrieveResult(Response{Value: []byte("v"), Seq: 7}); err != nil || found.Expires != 0 {
		t.Errorf("OK without expires: got %+v, %v", found, err)
	}
}

func TestRetrieveResultRefusesAnOKWithoutARecord(t *testing.T) {
	// the zero-length frame decodes as the all-default Response: status OK, nothing else
	empty, err := UnmarshalResponse(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, resp := range []Response{empty, {Replicas: 3}} {
		if _, err := RetrieveResult(resp); !errors.Is(err, ErrNoRecord) {
			t.Errorf("%+v: got %v, want ErrNoRecord", resp, err)
		}
	}
}

func TestRetrieveResultFailures(t *testing.T) {
	_, err := RetrieveResult(Response{Status: StatusNotFound, Error: `"k": not found: nobody`})
	if !errors.Is(err, ErrNotFound) || err.Error() != `"k": not found: nobody` {
		t.Errorf("NOT_FOUND: got %v", err)
	}
	if _, err := RetrieveResult(Response{Status: StatusNotFound}); !errors.Is(err, ErrNotFound) || err.Error() != "not found" {
		t.Errorf("NOT_FOUND without a reason: got %v", err)
	}
	var statusErr *StatusError
	for _, status := range []Status{StatusInvalidRequest, StatusTimeout, StatusInternal, StatusStorageFull, Status(99)} {
		_, err := RetrieveResult(Response{Status: status, Value: []byte("v"), Seq: 1, Error: "why"})
		if !errors.As(err, &statusErr) || statusErr.Status != status || errors.Is(err, ErrNotFound) {
			t.Errorf("%s: got %v", status, err)
		}
	}
}
