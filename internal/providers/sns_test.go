package providers_test

// Amazon SNS messages, sent to the generated sns.Server the way SNS sends
// them to an HTTP/S subscription ("HTTP/S notification JSON format",
// "HTTP/S subscription confirmation JSON format", "HTTP/S unsubscribe
// confirmation JSON format"): a POST with Content-Type "text/plain;
// charset=UTF-8", the x-amz-sns-* headers and the JSON body with its
// fields in AWS's order, signed as "Verifying the signatures of Amazon
// SNS messages" says: the string to sign is "name\nvalue\n" for each
// signed field of the message's Type, in byte order of the names, signed
// SHA1withRSA (SignatureVersion 1) or SHA256withRSA (2), base64-encoded.
// The RSA key and its certificate are made here, and the certificate is
// served over TLS by a stand-in for sns.<region>.amazonaws.com, which the
// receiver is told to trust (WithSNSCertificates); the signatures are made
// with crypto/rsa, not with hookgen's test kit.

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
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/sns"
)

const snsTopic = "arn:aws:sns:us-west-2:123456789012:MyTopic"

// snsHost stands in for sns.us-west-2.amazonaws.com: it serves the
// certificate of key at /SimpleNotificationService-test.pem, answers any
// other GET (a SubscribeURL) 200, or 403 under /fail, and records every
// request.
type snsHost struct {
	srv *httptest.Server
	key *rsa.PrivateKey

	mu   sync.Mutex
	seen []string
}

func newSNSHost(t *testing.T) *snsHost {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sns.us-west-2.amazonaws.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	h := &snsHost{key: key}
	h.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.seen = append(h.seen, r.Method+" "+r.URL.RequestURI())
		h.mu.Unlock()
		switch {
		case r.URL.Path == "/SimpleNotificationService-test.pem":
			w.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
		case strings.HasPrefix(r.URL.Path, "/fail"):
			http.Error(w, "<Error/>", http.StatusForbidden)
		default:
			w.Write([]byte("<ConfirmSubscriptionResponse/>"))
		}
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *snsHost) certURL() string { return h.srv.URL + "/SimpleNotificationService-test.pem" }

func (h *snsHost) requests() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.seen...)
}

// snsFields is an SNS message: its fields in the order AWS writes them.
type snsFields [][2]string

func (m snsFields) get(k string) string {
	for _, kv := range m {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

func (m snsFields) without(k string) snsFields {
	var out snsFields
	for _, kv := range m {
		if kv[0] != k {
			out = append(out, kv)
		}
	}
	return out
}

func (m snsFields) with(k, v string) snsFields {
	out := append(snsFields(nil), m...)
	for i := range out {
		if out[i][0] == k {
			out[i][1] = v
			return out
		}
	}
	return append(out, [2]string{k, v})
}

// body writes m as SNS does: `"Name" : "value"` lines in one object.
func (m snsFields) body() string {
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

// sign returns m with SignatureVersion, Signature and SigningCertURL
// appended, as AWS signs it.
func (m snsFields) sign(t *testing.T, key *rsa.PrivateKey, version, certURL string) snsFields {
	t.Helper()
	names := []string{"Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"}
	if m.get("Type") != "Notification" {
		names = []string{"Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"}
	}
	var s strings.Builder
	for _, n := range names {
		for _, kv := range m {
			if kv[0] == n {
				s.WriteString(n + "\n" + kv[1] + "\n")
			}
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

// AWS's documented notification, without its signature fields.
var snsNotification = snsFields{
	{"Type", "Notification"},
	{"MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"},
	{"TopicArn", snsTopic},
	{"Subject", "My First Message"},
	{"Message", "Hello world!"},
	{"Timestamp", "2012-05-02T00:54:06.655Z"},
}

const snsToken = "2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736"

// snsConfirmation is AWS's documented subscription confirmation, its
// SubscribeURL on h.
func snsConfirmation(h *snsHost, path string) snsFields {
	return snsFields{
		{"Type", "SubscriptionConfirmation"},
		{"MessageId", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b"},
		{"Token", snsToken},
		{"TopicArn", snsTopic},
		{"Message", "You have chosen to subscribe to the topic " + snsTopic + ".\nTo confirm the subscription, visit the SubscribeURL included in this message."},
		{"SubscribeURL", h.srv.URL + path + "?Action=ConfirmSubscription&TopicArn=" + snsTopic + "&Token=" + snsToken},
		{"Timestamp", "2012-04-26T20:45:04.751Z"},
	}
}

// snsUnsubscribe is AWS's documented unsubscribe confirmation.
func snsUnsubscribe(h *snsHost) snsFields {
	return snsFields{
		{"Type", "UnsubscribeConfirmation"},
		{"MessageId", "47138184-6831-46b8-8f7c-afc488602d7d"},
		{"Token", snsToken},
		{"TopicArn", snsTopic},
		{"Message", "You have chosen to deactivate subscription " + snsTopic + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."},
		{"SubscribeURL", h.srv.URL + "/?Action=ConfirmSubscription&TopicArn=" + snsTopic + "&Token=" + snsToken},
		{"Timestamp", "2012-04-26T20:06:41.581Z"},
	}
}

// snsHeaders are the headers SNS sends with m.
func snsHeaders(m snsFields) map[string]string {
	h := map[string]string{
		"Content-Type":           "text/plain; charset=UTF-8",
		"User-Agent":             "Amazon Simple Notification Service Agent",
		"x-amz-sns-message-type": m.get("Type"),
		"x-amz-sns-message-id":   m.get("MessageId"),
		"x-amz-sns-topic-arn":    m.get("TopicArn"),
	}
	if m.get("Type") != "SubscriptionConfirmation" {
		h["x-amz-sns-subscription-arn"] = snsTopic + ":c9135db0-26c4-47ec-8998-413945fb5a96"
	}
	return h
}

// snsHandler records the typed messages it gets.
type snsHandler struct {
	sns.UnimplementedHandler
	calls calls
}

func (h *snsHandler) HandleNotification(_ context.Context, e *sns.Notification, hd *sns.NotificationHeaders) error {
	h.calls.add(*e)
	h.calls.add(*hd.XAmzSNSMessageID)
	return nil
}

func (h *snsHandler) HandleUnsubscribeConfirmation(_ context.Context, e *sns.UnsubscribeConfirmation, _ *sns.NotificationHeaders) error {
	h.calls.add(*e)
	return nil
}

// snsReceiver starts the generated server, trusting h's certificates,
// for snsTopic.
func snsReceiver(t *testing.T, h *snsHost) (string, *snsHandler) {
	t.Helper()
	hd := &snsHandler{}
	srv, err := sns.NewServer(hd, sns.WithSNS(snsTopic), sns.WithSNSCertificates(h.srv.Client(), h.srv.Listener.Addr().String()))
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/sns", hd
}

func TestSNSNotification(t *testing.T) {
	h := newSNSHost(t)
	url, hd := snsReceiver(t, h)
	for _, version := range []string{"1", "2"} {
		m := snsNotification.with("MessageId", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf32"+version).sign(t, h.key, version, h.certURL()).
			with("UnsubscribeURL", "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="+snsTopic+":c9135db0-26c4-47ec-8998-413945fb5a96")
		before := len(hd.calls.all())
		for range 2 { // SNS retries with the same MessageId and signature
			if a := post(t, url, m.body(), snsHeaders(m)); a.status != http.StatusOK {
				t.Fatalf("version %s: %+v", version, a)
			}
		}
		got := hd.calls.all()[before:]
		if len(got) != 2 {
			t.Fatalf("version %s: handled %d times, want once: %+v", version, len(got)/2, got)
		}
		n := got[0].(sns.Notification)
		if n.Message != "Hello world!" || n.Subject == nil || *n.Subject != "My First Message" || n.TopicArn != snsTopic ||
			n.MessageID != m.get("MessageId") || string(n.SignatureVersion) != version ||
			!n.Timestamp.Equal(time.Date(2012, 5, 2, 0, 54, 6, 655e6, time.UTC)) || n.UnsubscribeURL == nil || got[1] != m.get("MessageId") {
			t.Errorf("version %s: %+v, header id %v", version, n, got[1])
		}
	}
	if n := strings.Count(strings.Join(h.requests(), "\n"), ".pem"); n != 1 {
		t.Errorf("certificate fetched %d times, want once: %q", n, h.requests())
	}
}

func TestSNSSubscriptionConfirmation(t *testing.T) {
	h := newSNSHost(t)
	url, hd := snsReceiver(t, h)
	m := snsConfirmation(h, "/").sign(t, h.key, "1", h.certURL())
	a := post(t, url, m.body(), snsHeaders(m))
	if a.status != http.StatusOK || a.body != "" || len(hd.calls.all()) != 0 {
		t.Fatalf("confirmation: %+v, calls %v", a, hd.calls.all())
	}
	want := "GET /?Action=ConfirmSubscription&TopicArn=" + snsTopic + "&Token=" + snsToken
	if got := h.requests(); len(got) != 2 || got[1] != want {
		t.Errorf("the host saw %q, want the certificate's GET then %q", got, want)
	}
	// A confirmation AWS refuses (an expired token, say) is answered 500:
	// SNS sends it again.
	m = snsConfirmation(h, "/fail").sign(t, h.key, "2", h.certURL())
	if a := post(t, url, m.body(), snsHeaders(m)); a.status != http.StatusInternalServerError {
		t.Errorf("refused confirmation: %+v", a)
	}
}

func TestSNSUnsubscribeConfirmation(t *testing.T) {
	h := newSNSHost(t)
	url, hd := snsReceiver(t, h)
	m := snsUnsubscribe(h).sign(t, h.key, "1", h.certURL())
	if a := post(t, url, m.body(), snsHeaders(m)); a.status != http.StatusOK {
		t.Fatalf("%+v", a)
	}
	got := hd.calls.all()
	if len(got) != 1 {
		t.Fatalf("calls %+v", got)
	}
	if u := got[0].(sns.UnsubscribeConfirmation); u.Token != snsToken || u.SubscribeURL != m.get("SubscribeURL") || u.TopicArn != snsTopic {
		t.Errorf("%+v", u)
	}
	for _, r := range h.requests() {
		if strings.Contains(r, "ConfirmSubscription") {
			t.Errorf("an unsubscribe confirmation was confirmed: %q", r)
		}
	}
}

func TestSNSRefused(t *testing.T) {
	h := newSNSHost(t)
	url, hd := snsReceiver(t, h)
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	good := snsNotification.sign(t, h.key, "1", h.certURL())
	// Fetch the certificate once, so that "no fetch" below is about the
	// refused requests.
	if a := post(t, url, good.body(), snsHeaders(good)); a.status != http.StatusOK {
		t.Fatalf("%+v", a)
	}
	hd.calls = calls{}
	fetched := len(h.requests())
	elsewhere := newSNSHost(t) // a TLS host the receiver was not told of
	for _, c := range []struct {
		name string
		m    snsFields
	}{
		{"certificate outside the hosts", snsNotification.with("MessageId", "a").sign(t, elsewhere.key, "1", elsewhere.certURL())},
		{"certificate over HTTP", snsNotification.with("MessageId", "b").sign(t, h.key, "1", strings.Replace(h.certURL(), "https:", "http:", 1))},
		{"signature by another key", snsNotification.with("MessageId", "c").sign(t, other, "1", h.certURL())},
		{"tampered Message", good.with("Message", "Goodbye world!")},
		{"tampered Subject", good.with("Subject", "My Second Message")},
		{"unaccepted TopicArn", snsNotification.with("TopicArn", "arn:aws:sns:us-west-2:210987654321:TheirTopic").with("MessageId", "d").sign(t, h.key, "1", h.certURL())},
		{"malformed Signature", good.with("Signature", "not base64!")},
		// sns.Notification is decoded as encoding/json decodes, matching
		// keys case-insensitively and taking the last: each of these
		// would reach the handler in place of a signed value.
		{"Message again in lower case", snsNotification.with("MessageId", "f").sign(t, h.key, "1", h.certURL()).with("message", "Goodbye world!")},
		{"TopicArn again in upper case", snsNotification.with("MessageId", "g").sign(t, h.key, "1", h.certURL()).with("TOPICARN", "arn:aws:sns:us-west-2:210987654321:TheirTopic")},
		{"Subject added in lower case", snsNotification.with("MessageId", "e").without("Subject").sign(t, h.key, "1", h.certURL()).with("subject", "Forged")},
		{"SubscribeURL again in lower case", snsUnsubscribe(h).sign(t, h.key, "1", h.certURL()).with("subscribeURL", elsewhere.srv.URL+"/?Action=ConfirmSubscription&Token=x")},
		{"SubscribeURL outside the hosts", snsConfirmation(h, "/").with("SubscribeURL", elsewhere.srv.URL+"/?Action=ConfirmSubscription&Token=x").sign(t, h.key, "1", h.certURL())},
	} {
		if a := post(t, url, c.m.body(), snsHeaders(c.m)); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %+v", c.name, a)
		}
	}
	if got := hd.calls.all(); len(got) != 0 {
		t.Errorf("handler called: %v", got)
	}
	if got := h.requests()[fetched:]; len(got) != 0 {
		t.Errorf("refused requests reached the host: %q", got)
	}
	if got := elsewhere.requests(); len(got) != 0 {
		t.Errorf("the other host was reached: %q", got)
	}
}

// TestSNSNeedsTopics: AWS signs every account's messages alike, so a
// receiver that accepts no topic would accept anyone's.
func TestSNSNeedsTopics(t *testing.T) {
	if _, err := sns.NewServer(&snsHandler{}, sns.WithSNS()); err == nil || !strings.Contains(err.Error(), "topic ARNs") {
		t.Errorf("NewServer without topics: %v", err)
	}
	if _, err := sns.NewServer(&snsHandler{}, sns.WithSNSCertificates(nil, "sns.example.com")); err == nil {
		t.Error("NewServer with certificate hosts alone started")
	}
}
