package hookimpl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/webhook"
)

func TestWriteError(t *testing.T) {
	rec := httptest.NewRecorder()
	writeError(rec, http.StatusBadRequest, "invalid_payload", `field "x" is "bad"`)
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	var got struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("body %q: %v", rec.Body, err)
	}
	if got.Error.Code != "invalid_payload" || got.Error.Message != `field "x" is "bad"` {
		t.Fatalf("body %+v", got)
	}
	// The exact shape, keys included.
	var raw map[string]map[string]string
	_ = json.Unmarshal(rec.Body.Bytes(), &raw)
	if len(raw) != 1 || len(raw["error"]) != 2 {
		t.Fatalf("unexpected shape %s", rec.Body)
	}
}

func TestWriteUnauthorizedChallenge(t *testing.T) {
	rec := httptest.NewRecorder()
	writeUnauthorized(rec, webhook.AnyOf(webhook.BasicAuth("hooks", webhook.Credential{Username: "u", Password: "p"}), webhook.StaticBearer("t")), "bad credentials")
	if rec.Code != http.StatusUnauthorized {
		t.Fatalf("status %d", rec.Code)
	}
	if got, want := rec.Header().Get("WWW-Authenticate"), `Basic realm="hooks", Bearer`; got != want {
		t.Fatalf("WWW-Authenticate %q, want %q", got, want)
	}
	rec = httptest.NewRecorder()
	writeUnauthorized(rec, webhook.VerifierFunc(func(*http.Request, []byte) error { return nil }), "x")
	if _, ok := rec.Header()["Www-Authenticate"]; ok {
		t.Fatal("challenge set for a verifier that has none")
	}
}

func TestReadBody(t *testing.T) {
	t.Run("under limit", func(t *testing.T) {
		r := newReq("hello")
		b, err := readBody(httptest.NewRecorder(), r, 10)
		if err != nil || string(b) != "hello" {
			t.Fatalf("got %q, %v", b, err)
		}
	})
	t.Run("exactly at limit", func(t *testing.T) {
		b, err := readBody(httptest.NewRecorder(), newReq("0123456789"), 10)
		if err != nil || len(b) != 10 {
			t.Fatalf("got %q, %v", b, err)
		}
	})
	t.Run("declared length over limit", func(t *testing.T) {
		_, err := readBody(httptest.NewRecorder(), newReq("01234567890"), 10)
		if !errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("unknown length over limit", func(t *testing.T) {
		r := newReq("")
		r.Body = io.NopCloser(strings.NewReader(strings.Repeat("x", 11)))
		r.ContentLength = -1
		_, err := readBody(httptest.NewRecorder(), r, 10)
		if !errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("default limit", func(t *testing.T) {
		r := newReq("")
		r.Body = io.NopCloser(strings.NewReader(strings.Repeat("x", webhook.DefaultBodyLimit+1)))
		r.ContentLength = -1
		if _, err := readBody(nil, r, 0); !errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Fatalf("got %v", err)
		}
		r = newReq(strings.Repeat("x", webhook.DefaultBodyLimit))
		if b, err := readBody(nil, r, 0); err != nil || len(b) != webhook.DefaultBodyLimit {
			t.Fatalf("got %d bytes, %v", len(b), err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		b, err := readBody(nil, r, 10)
		if err != nil || len(b) != 0 {
			t.Fatalf("got %q, %v", b, err)
		}
	})
	t.Run("read error is not too large", func(t *testing.T) {
		r := newReq("")
		r.Body = io.NopCloser(io.MultiReader(strings.NewReader("ab"), errReader{}))
		r.ContentLength = -1
		_, err := readBody(nil, r, 10)
		if err == nil || errors.Is(err, webhook.ErrBodyTooLarge) || !errors.Is(err, errBoom) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("longer than declared", func(t *testing.T) {
		r := newReq("")
		r.Body = io.NopCloser(strings.NewReader("0123456789"))
		r.ContentLength = 5
		if _, err := readBody(nil, r, 10); err == nil || errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Fatalf("under the limit: got %v", err)
		}
		r.Body = io.NopCloser(strings.NewReader("0123456789"))
		if _, err := readBody(nil, r, 5); !errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Fatalf("at the limit: got %v", err)
		}
	})
	t.Run("shorter than declared", func(t *testing.T) {
		r := newReq("")
		r.Body = io.NopCloser(strings.NewReader("01234"))
		r.ContentLength = 8
		if _, err := readBody(nil, r, 10); err == nil || errors.Is(err, webhook.ErrBodyTooLarge) || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("declared length over an outer MaxBytesReader", func(t *testing.T) {
		r := newReq("0123456789")
		r.Body = http.MaxBytesReader(nil, r.Body, 4)
		if _, err := readBody(nil, r, 10); !errors.Is(err, webhook.ErrBodyTooLarge) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("over a real server", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			_, err := readBody(w, r, 16)
			if errors.Is(err, webhook.ErrBodyTooLarge) {
				writeError(w, http.StatusRequestEntityTooLarge, "body_too_large", err.Error())
				return
			}
			w.WriteHeader(http.StatusOK)
		}))
		defer srv.Close()
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(strings.Repeat("y", 1000)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d", resp.StatusCode)
		}
	})
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

// offerWatcher delivers body a piece at a time and fails the test when a
// Read is offered room past what has arrived plus the growth readBody
// allows: the buffer must follow the bytes, not the declared length.
type offerWatcher struct {
	t         *testing.T
	body      []byte
	delivered int
	piece     int
}

func (o *offerWatcher) Read(p []byte) (int, error) {
	if room := o.delivered + len(p); room > firstChunk && room > o.delivered+min(o.delivered, maxGrowth) {
		o.t.Fatalf("after %d bytes, a buffer of %d", o.delivered, room)
	}
	if o.delivered == len(o.body) {
		return 0, io.EOF
	}
	n := copy(p, o.body[o.delivered:min(len(o.body), o.delivered+o.piece)])
	o.delivered += n
	return n, nil
}

func (o *offerWatcher) Close() error { return nil }

func TestReadBodyGrowsAsBytesArrive(t *testing.T) {
	body := []byte(strings.Repeat("0123456789abcdef", webhook.DefaultBodyLimit/16))
	for _, declared := range []int64{int64(len(body)), -1} {
		r := newReq("")
		r.Body, r.ContentLength = &offerWatcher{t: t, body: body, piece: 1000}, declared
		got, err := readBody(nil, r, 0)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("declared %d: %d bytes, %v", declared, len(got), err)
		}
	}
	// The usual body is read into one allocation of its size (and a spare
	// byte to see that nothing follows).
	r := newReq("")
	r.Body, r.ContentLength = &offerWatcher{t: t, body: body[:1000], piece: 1000}, 1000
	if got, err := readBody(nil, r, 0); err != nil || cap(got) != 1001 {
		t.Fatalf("cap %d, %v", cap(got), err)
	}
}
