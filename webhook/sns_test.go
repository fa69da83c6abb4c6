package webhook

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// certHost stands in for sns.<region>.amazonaws.com: it serves the PEM
// certificate of key at /cert.pem and counts every request it gets.
type certHost struct {
	srv     *httptest.Server
	fetches atomic.Int32
	cert    *x509.Certificate
}

func newCertHost(t *testing.T, key *rsa.PrivateKey, notAfter time.Time) *certHost {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "sns.us-west-2.amazonaws.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     notAfter,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	h := &certHost{cert: cert}
	h.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.fetches.Add(1)
		switch r.URL.Path {
		case "/cert.pem":
			w.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		case "/redirect.pem":
			http.Redirect(w, r, "https://elsewhere.test/cert.pem", http.StatusFound)
		case "/garbage.pem":
			w.Write([]byte("not a certificate"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *certHost) host() string { return h.srv.Listener.Addr().String() }

// snsVerifier verifies SNS messages with certificates from h only.
func (h *certHost) verifier(t *testing.T, edit func(*SignatureConfig)) *Signature {
	t.Helper()
	cfg := SignatureConfig{Format: "aws-sns", CertHosts: []string{h.host()}, HTTPClient: h.srv.Client()}
	if edit != nil {
		edit(&cfg)
	}
	return mustSignature(t, cfg)
}

// snsMsg is an SNS message: its fields in the order AWS writes them.
type snsMsg [][2]string

func (m snsMsg) get(k string) (string, bool) {
	for _, kv := range m {
		if kv[0] == k {
			return kv[1], true
		}
	}
	return "", false
}

func (m snsMsg) with(k, v string) snsMsg {
	out := append(snsMsg(nil), m...)
	for i := range out {
		if out[i][0] == k {
			out[i][1] = v
			return out
		}
	}
	return append(out, [2]string{k, v})
}

func (m snsMsg) without(k string) snsMsg {
	var out snsMsg
	for _, kv := range m {
		if kv[0] != k {
			out = append(out, kv)
		}
	}
	return out
}

// json writes m as SNS does: one object, in field order.
func (m snsMsg) json() string {
	var b strings.Builder
	b.WriteString("{\n")
	for i, kv := range m {
		v, _ := json.Marshal(kv[1])
		b.WriteString(`  "` + kv[0] + `" : ` + string(v))
		if i < len(m)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("}")
	return b.String()
}

// signed returns m with SignatureVersion, Signature and SigningCertURL
// set as AWS documents ("Verifying the signatures of Amazon SNS
// messages"): the string to sign is "name\nvalue\n" for each signed field
// present, in byte order of the names, signed with RSA PKCS #1 v1.5 over
// SHA1 (version 1) or SHA256 (version 2), base64-encoded.
func (m snsMsg) signed(t *testing.T, key *rsa.PrivateKey, version, certURL string) snsMsg {
	t.Helper()
	typ, _ := m.get("Type")
	names := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if typ != "Notification" {
		names = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var s strings.Builder
	for _, n := range names {
		if v, ok := m.get(n); ok {
			s.WriteString(n + "\n" + v + "\n")
		}
	}
	var sig []byte
	var err error
	if version == "1" {
		d := sha1.Sum([]byte(s.String()))
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA1, d[:])
	} else {
		d := sha256.Sum256([]byte(s.String()))
		sig, err = rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	}
	if err != nil {
		t.Fatal(err)
	}
	return m.with("SignatureVersion", version).with("Signature", base64.StdEncoding.EncodeToString(sig)).with("SigningCertURL", certURL)
}

// The notification of AWS's "HTTP/HTTPS notification JSON format" page.
var snsNotification = snsMsg{
	{"Type", "Notification"},
	{"MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"},
	{"TopicArn", "arn:aws:sns:us-west-2:123456789012:MyTopic"},
	{"Subject", "My First Message"},
	{"Message", "Hello world!"},
	{"Timestamp", "2012-05-02T00:54:06.655Z"},
}

var snsConfirmation = snsMsg{
	{"Type", "SubscriptionConfirmation"},
	{"MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b"},
	{"Token", "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736"},
	{"TopicArn", "arn:aws:sns:us-west-2:123456789012:MyTopic"},
	{"Message", "You have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\nTo confirm the subscription, visit the SubscribeURL included in this message."},
	{"SubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37"},
	{"Timestamp", "2012-04-26T20:45:04.751Z"},
}

func snsVerify(s *Signature, m snsMsg) error {
	body := m.json()
	r := newReq(body, "x-amz-sns-message-type", "Notification")
	return s.Verify(r, []byte(body))
}

func TestSNSSignature(t *testing.T) {
	keys := testRSAKeys()
	h := newCertHost(t, keys[0], time.Now().Add(24*time.Hour))
	s := h.verifier(t, nil)
	certURL := h.srv.URL + "/cert.pem"
	// The SubscribeURL is on the certificate's host, as AWS's are.
	confirmation := snsConfirmation.with("SubscribeURL", h.srv.URL+"/?Action=ConfirmSubscription&Token=2336412f37")

	for _, c := range []struct {
		name string
		m    snsMsg
	}{
		{"notification, version 1", snsNotification.signed(t, keys[0], "1", certURL)},
		{"notification, version 2", snsNotification.signed(t, keys[0], "2", certURL)},
		{"notification without subject", snsNotification.without("Subject").signed(t, keys[0], "1", certURL)},
		{"subscription confirmation", confirmation.signed(t, keys[0], "1", certURL)},
		{"unsubscribe confirmation", confirmation.with("Type", "UnsubscribeConfirmation").signed(t, keys[0], "2", certURL)},
		{"with fields not signed", snsNotification.signed(t, keys[0], "1", certURL).with("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe")},
	} {
		if err := snsVerify(s, c.m); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if n := h.fetches.Load(); n != 1 {
		t.Errorf("certificate fetched %d times, want once (cached)", n)
	}
	// SNS may write the message's fields in another order, or extra ones
	// of other types.
	good := snsNotification.signed(t, keys[0], "1", certURL)
	reordered := append(snsMsg{good[len(good)-1]}, good[:len(good)-1]...)
	if err := snsVerify(s, reordered); err != nil {
		t.Errorf("reordered: %v", err)
	}
	body := strings.Replace(good.json(), "{\n", `{"MessageAttributes":{"k":{"Type":"String","Value":"v"}},`, 1)
	if err := s.Verify(newReq(body), []byte(body)); err != nil {
		t.Errorf("with MessageAttributes: %v", err)
	}

	before := h.fetches.Load()
	refused := []struct {
		name string
		body string
		want string
	}{
		{"tampered message", good.with("Message", "Goodbye world!").json(), "signature mismatch"},
		{"tampered subject", good.with("Subject", "").json(), "signature mismatch"},
		{"subject removed", good.without("Subject").json(), "signature mismatch"},
		{"type changed", good.with("Type", "SubscriptionConfirmation").json(), "no SubscribeURL"},
		{"other key", snsNotification.signed(t, keys[1], "1", certURL).json(), "signature mismatch"},
		{"version 1 signature said to be 2", good.with("SignatureVersion", "2").json(), "signature mismatch"},
		{"unknown version", good.with("SignatureVersion", "3").json(), `SignatureVersion "3"`},
		{"unknown type", snsNotification.with("Type", "Ping").signed(t, keys[0], "1", certURL).json(), `unknown Type "Ping"`},
		{"malformed signature", good.with("Signature", "***").json(), "malformed signature"},
		{"message given twice", strings.Replace(good.json(), "{\n", `{"Message":"Goodbye world!",`, 1), "Message given twice"},
		// The generated decoders match keys case-insensitively, as
		// encoding/json does, and take the last: these would replace
		// signed values, or add a Subject the signature does not cover.
		{"message in other case", good.with("message", "Goodbye world!").json(), `field Message spelled "message"`},
		{"topic in other case", good.with("TOPICARN", "arn:aws:sns:us-west-2:210987654321:TheirTopic").json(), `field TopicArn spelled "TOPICARN"`},
		{"subject added in other case", snsNotification.without("Subject").signed(t, keys[0], "1", certURL).with("subject", "Forged").json(), `field Subject spelled "subject"`},
		{"subject spelled with a long s", snsNotification.without("Subject").signed(t, keys[0], "1", certURL).with("\u017fubject", "Forged").json(), `field Subject spelled "ſubject"`},
		{"number field", strings.Replace(good.json(), `"Subject" : "My First Message"`, `"Subject" : 7`, 1), "Subject is not a string"},
		{"not an object", `["Notification"]`, "not a JSON object"},
		{"trailing data", good.json() + "{}", "data after"},
		{"not UTF-8", strings.Replace(good.json(), "Hello", "H\xffllo", 1), "not UTF-8"},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			mustContain(t, s.Verify(newReq(c.body), []byte(c.body)), c.want)
		})
	}
	if err := snsVerify(s, good.without("Signature")); !errors.Is(err, ErrNoCredentials) {
		t.Errorf("no signature: %v, want ErrNoCredentials", err)
	}
	if n := h.fetches.Load(); n != before {
		t.Errorf("refused requests fetched %d times", n-before)
	}
}

func TestSNSCertificateURLOutsideHosts(t *testing.T) {
	key := testRSAKeys()[0]
	h := newCertHost(t, key, time.Now().Add(24*time.Hour))
	s := h.verifier(t, nil)
	port := h.host()[strings.LastIndexByte(h.host(), ':'):]
	for _, u := range []string{
		"http://" + h.host() + "/cert.pem",                    // not HTTPS
		"https://user@" + h.host() + "/cert.pem",              // user info
		"https://127.0.0.2" + port + "/cert.pem",              // another host
		"https://127.0.0.1/cert.pem",                          // another port
		"https://" + h.host() + ".evil.test/cert.pem",         // a suffix
		"https://sns.us-west-2.amazonaws.com/cert.pem",        // not configured here
		"//" + h.host() + "/cert.pem",                         // no scheme
		"https:" + h.host() + "/cert.pem",                     // opaque
		"https://" + strings.ToUpper(h.host()) + "x/cert.pem", // near miss
	} {
		m := snsNotification.signed(t, key, "1", u)
		mustContain(t, snsVerify(s, m), "not on an allowed HTTPS host")
	}
	if n := h.fetches.Load(); n != 0 {
		t.Fatalf("%d fetches for URLs outside the hosts", n)
	}
	// A redirect is not followed: it could leave the hosts.
	m := snsNotification.signed(t, key, "1", h.srv.URL+"/redirect.pem")
	mustContain(t, snsVerify(s, m), "302")
	// A URL that fails is not fetched again at once.
	for _, path := range []string{"/missing.pem", "/missing.pem", "/garbage.pem"} {
		mustContain(t, snsVerify(s, snsNotification.signed(t, key, "1", h.srv.URL+path)), "signing certificate")
	}
	if n := h.fetches.Load(); n != 3 {
		t.Errorf("%d fetches, want 3: redirect, missing (once), garbage", n)
	}
}

func TestSNSTopicsAndTolerance(t *testing.T) {
	key := testRSAKeys()[0]
	h := newCertHost(t, key, time.Now().Add(24*time.Hour))
	certURL := h.srv.URL + "/cert.pem"
	m := snsNotification.signed(t, key, "2", certURL)
	other := h.verifier(t, func(c *SignatureConfig) { c.Topics = []string{"arn:aws:sns:us-west-2:123456789012:OtherTopic"} })
	mustContain(t, snsVerify(other, m), "TopicArn not accepted")
	if n := h.fetches.Load(); n != 0 {
		t.Errorf("a refused topic fetched the certificate")
	}
	mine := h.verifier(t, func(c *SignatureConfig) {
		c.Topics = []string{"arn:aws:sns:us-west-2:123456789012:MyTopic"}
		c.Tolerance = time.Hour
		c.Now = fixedNow(time.Now())
	})
	mustContain(t, snsVerify(mine, m), "timestamp too old")
	fresh := snsNotification.with("Timestamp", time.Now().UTC().Format("2006-01-02T15:04:05.000Z")).signed(t, key, "2", certURL)
	if err := snsVerify(mine, fresh); err != nil {
		t.Fatal(err)
	}
	mustContain(t, snsVerify(mine, snsNotification.with("Timestamp", "yesterday").signed(t, key, "2", certURL)), "malformed Timestamp")
}

func TestSNSCertificateCacheExpires(t *testing.T) {
	key := testRSAKeys()[0]
	notAfter := time.Now().Add(2 * time.Hour)
	h := newCertHost(t, key, notAfter)
	clock := newClock(time.Now())
	s := h.verifier(t, func(c *SignatureConfig) { c.Now = clock.Now })
	m := snsNotification.signed(t, key, "1", h.srv.URL+"/cert.pem")

	// Concurrent first requests share one fetch.
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() { errs <- snsVerify(s, m) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := h.fetches.Load(); n != 1 {
		t.Fatalf("%d fetches for concurrent requests, want 1", n)
	}
	clock.Advance(time.Hour)
	if err := snsVerify(s, m); err != nil || h.fetches.Load() != 1 {
		t.Fatalf("within the certificate's life: %v, %d fetches", err, h.fetches.Load())
	}
	// Past NotAfter the cached key is dropped, fetched again, and the
	// certificate refused.
	clock.Advance(2 * time.Hour)
	mustContain(t, snsVerify(s, m), "not valid now")
	if n := h.fetches.Load(); n != 2 {
		t.Fatalf("%d fetches after expiry, want 2", n)
	}
}

func TestSNSCacheBounded(t *testing.T) {
	key := testRSAKeys()[0]
	h := newCertHost(t, key, time.Now().Add(time.Hour))
	s := h.verifier(t, nil)
	for i := range maxCachedCerts + 10 {
		u := h.srv.URL + "/missing-" + strings.Repeat("x", i) + ".pem"
		mustContain(t, snsVerify(s, snsNotification.signed(t, key, "1", u)), "404")
	}
	if n := len(s.sns.certs); n > maxCachedCerts {
		t.Fatalf("cache holds %d entries, more than %d", n, maxCachedCerts)
	}
}

func TestMatchHost(t *testing.T) {
	for _, c := range []struct {
		pattern, host string
		want          bool
	}{
		{"sns.*.amazonaws.com", "sns.us-east-1.amazonaws.com", true},
		{"sns.*.amazonaws.com", "sns.amazonaws.com", false},
		{"sns.*.amazonaws.com", "sns.a.b.amazonaws.com", false},
		{"sns.*.amazonaws.com", "sns..amazonaws.com", false},
		{"sns.*.amazonaws.com", "sns.us-east-1.amazonaws.com:8443", false},
		{"sns.*.amazonaws.com", "sns.us-east-1.amazonaws.com.evil.test", false},
		{"sns.*.amazonaws.com.cn", "sns.cn-north-1.amazonaws.com.cn", true},
		{"127.0.0.1:8443", "127.0.0.1:8443", true},
		{"127.0.0.1:8443", "127.0.0.1:8444", false},
		{"127.0.0.*", "127.0.0.1:8443", false},
		{"*", "localhost", true},
	} {
		if got := matchHost(c.pattern, c.host); got != c.want {
			t.Errorf("matchHost(%q, %q) = %v, want %v", c.pattern, c.host, got, c.want)
		}
	}
	// The default hosts are AWS's.
	s := mustSignature(t, SignatureConfig{Format: "aws-sns"})
	if !s.sns.allowed("https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-abc.pem") || s.sns.allowed("https://sns.eu-west-1.amazonaws.com.example/x.pem") {
		t.Error("default hosts")
	}
}

// TestSNSSubscribeURLHosts: a message whose SubscribeURL is off the
// certificate hosts is no message of AWS's (401), and is not confirmed.
func TestSNSSubscribeURLHosts(t *testing.T) {
	keys := testRSAKeys()
	h := newCertHost(t, keys[0], time.Now().Add(24*time.Hour))
	s := h.verifier(t, nil)
	m := snsConfirmation.signed(t, keys[0], "1", h.srv.URL+"/cert.pem") // SubscribeURL on sns.us-west-2.amazonaws.com
	if err := snsVerify(s, m); err == nil || !strings.Contains(err.Error(), "SubscribeURL is not on an allowed") {
		t.Errorf("SubscribeURL elsewhere: %v", err)
	}
	before := h.fetches.Load()
	if err := s.ConfirmSubscription(t.Context(), "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription"); err == nil {
		t.Error("confirmed a URL off the hosts")
	}
	if err := s.ConfirmSubscription(t.Context(), strings.Replace(h.srv.URL, "https:", "http:", 1)+"/confirm"); err == nil {
		t.Error("confirmed over HTTP")
	}
	if h.fetches.Load() != before {
		t.Error("a refused URL was fetched")
	}
}

// TestSNSConfirmSubscription: the GET of the SubscribeURL, on the
// certificate hosts, answered 2xx; redirects are not followed.
func TestSNSConfirmSubscription(t *testing.T) {
	var got []string
	var mu sync.Mutex
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "/", http.StatusFound)
		case "/fail":
			http.Error(w, "no", http.StatusForbidden)
		default:
			w.Write([]byte("<ConfirmSubscriptionResponse/>"))
		}
	}))
	defer srv.Close()
	s := mustSignature(t, SignatureConfig{Format: "aws-sns", CertHosts: []string{srv.Listener.Addr().String()}, HTTPClient: srv.Client()})
	if err := s.ConfirmSubscription(t.Context(), srv.URL+"/?Action=ConfirmSubscription&Token=abc"); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/redirect", "/fail"} {
		if err := s.ConfirmSubscription(t.Context(), srv.URL+path); err == nil {
			t.Errorf("%s confirmed", path)
		}
	}
	want := []string{"GET /?Action=ConfirmSubscription&Token=abc", "GET /redirect", "GET /fail"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("requests %q, want %q", got, want)
	}
	pub, _ := newEd25519(t)
	hs := mustSignature(t, SignatureConfig{Algorithm: Ed25519, Header: "X-Sig", PublicKeys: []crypto.PublicKey{pub}})
	if err := hs.ConfirmSubscription(t.Context(), srv.URL); err == nil {
		t.Error("a header signature confirmed a subscription")
	}
}

// TestSNSSigner: what SNSSigner signs passes the verifier, in both
// versions, with the topic and SubscribeURL it sets; another key fails.
func TestSNSSigner(t *testing.T) {
	keys := testRSAKeys()
	h := newCertHost(t, keys[0], time.Now().Add(24*time.Hour))
	s := h.verifier(t, func(c *SignatureConfig) {
		c.Topics = []string{"arn:aws:sns:us-east-1:1:test"}
		c.Tolerance = time.Minute
	})
	sg := &SNSSigner{Key: keys[0], CertURL: h.srv.URL + "/cert.pem", TopicArn: "arn:aws:sns:us-east-1:1:test", SubscribeURL: h.srv.URL + "/confirm"}
	for _, c := range []struct {
		m       snsMsg
		version string
	}{
		{snsNotification, "1"},
		{snsNotification.with("SignatureVersion", "2"), "2"},
		{snsConfirmation, "1"},
		{snsNotification.with("SignatureVersion", "x"), "1"},
	} {
		body, err := sg.Sign([]byte(c.m.json()), time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Verify(newReq(string(body)), body); err != nil {
			t.Errorf("%s: %v", body, err)
		}
		m, _ := parseSNS(body)
		if m["SignatureVersion"] != c.version || m["TopicArn"] != sg.TopicArn {
			t.Errorf("%s: version %q, topic %q", body, m["SignatureVersion"], m["TopicArn"])
		}
		if _, has := c.m.get("SubscribeURL"); has != (m["SubscribeURL"] == sg.SubscribeURL) {
			t.Errorf("%s: SubscribeURL %q", body, m["SubscribeURL"])
		}
	}
	other := *sg
	other.Key = keys[1]
	body, err := other.Sign([]byte(snsNotification.json()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(newReq(string(body)), body); err == nil {
		t.Error("another key's signature passed")
	}
	if _, err := sg.Sign([]byte(`[]`), time.Now()); err == nil {
		t.Error("signed an array")
	}
	if _, err := sg.Sign([]byte(`{"Type":"Ping"}`), time.Now()); err == nil {
		t.Error("signed an unknown Type")
	}
}

// TestSNSSignerWritesURLs: the signed body keeps a URL's & as AWS writes
// it, not as \u0026.
func TestSNSSignerWritesURLs(t *testing.T) {
	sg := &SNSSigner{Key: testRSAKeys()[0], CertURL: "https://sns.us-east-1.amazonaws.com/cert.pem", SubscribeURL: "https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t"}
	body, err := sg.Sign([]byte(snsConfirmation.json()), time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), `"SubscribeURL":"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription&Token=t"`) || strings.HasSuffix(string(body), "\n") {
		t.Errorf("%s", body)
	}
}

// TestSNSHostLabels: a host the URL spells in Unicode is converted to
// ASCII (IDNA) for the fetch, where U+3002 and U+FF0E are dots: "*"
// would match several labels of the host actually reached.
func TestSNSHostLabels(t *testing.T) {
	var dialed []string
	var mu sync.Mutex
	client := &http.Client{Transport: &http.Transport{DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
		mu.Lock()
		dialed = append(dialed, addr)
		mu.Unlock()
		return nil, errors.New("no network in tests")
	}}}
	key := testRSAKeys()[0]
	s := mustSignature(t, SignatureConfig{Format: "aws-sns", HTTPClient: client})
	for _, u := range []string{
		"https://sns.us-east-1\u3002evil.amazonaws.com/cert.pem",
		"https://sns.us-east-1\uff0eevil.amazonaws.com/cert.pem",
		"https://sns.%E3%80%82.amazonaws.com/cert.pem",
	} {
		if err := snsVerify(s, snsNotification.signed(t, key, "1", u)); !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "not on an allowed HTTPS host") {
			t.Errorf("Verify with %q: %v", u, err)
		}
		if err := s.ConfirmSubscription(t.Context(), u); err == nil || !strings.Contains(err.Error(), "not on an allowed HTTPS host") {
			t.Errorf("ConfirmSubscription(%q): %v", u, err)
		}
	}
	if len(dialed) > 0 {
		t.Errorf("dialed %q", dialed)
	}
}

// TestSNSFieldsSplitDifferently: the string to sign joins names and
// values with newlines, so a published Message holding "\nMessageId\n"
// and "\nSubject\n" signs the same string as another message with a
// shorter Message, another MessageId and a Subject. AWS never sends a
// newline in a field but Message (a Subject with one cannot be published),
// which makes the split unique.
func TestSNSFieldsSplitDifferently(t *testing.T) {
	key := testRSAKeys()[0]
	h := newCertHost(t, key, time.Now().Add(24*time.Hour))
	s := h.verifier(t, nil)
	certURL := h.srv.URL + "/cert.pem"
	genuine := snsNotification.without("Subject").with("Message", "Hello\nMessageId\nforged-id\nSubject\nForged").signed(t, key, "1", certURL)
	if err := snsVerify(s, genuine); err != nil {
		t.Fatal(err)
	}
	id, _ := genuine.get("MessageId")
	forged := genuine.with("Message", "Hello").with("MessageId", "forged-id").with("Subject", "Forged\nMessageId\n"+id)
	mustContain(t, snsVerify(s, forged), "Subject holds a line break")
}
