package webhooktest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// SNSHost stands in for Amazon SNS's hosts in tests of an aws-sns scheme:
// an HTTPS server (httptest's TLS) that serves the certificate of
// Signer's key, and answers 200 to every other GET, recording it (a
// subscription's confirmation).
type SNSHost struct {
	// Signer signs messages for Topic, naming the certificate served,
	// with their SubscribeURL on the server.
	Signer *webhook.SNSSigner
	// Other signs with another key, naming the same certificate: its
	// messages must be refused.
	Other *webhook.SNSSigner
	Topic string
	// Client trusts the server; Host is its host:port, as a receiver's
	// certificate hosts name it.
	Client *http.Client
	Host   string

	mu        sync.Mutex
	confirmed []string
	fetches   int
}

// CertFetches counts the GETs of the certificate.
func (h *SNSHost) CertFetches() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fetches
}

// Confirmed returns the request URIs of the GETs the host got other than
// the certificate's, in order.
func (h *SNSHost) Confirmed() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.confirmed...)
}

// SNS returns the process's SNSHost, started on first use (an RSA key
// takes a while to generate) and never stopped. It panics when it
// cannot start.
var SNS = sync.OnceValue(func() *SNSHost {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("webhooktest: SNS: " + err.Error())
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic("webhooktest: SNS: " + err.Error())
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "sns.us-east-1.amazonaws.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(10 * 365 * 24 * time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		panic("webhooktest: SNS: " + err.Error())
	}
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	h := &SNSHost{Topic: "arn:aws:sns:us-east-1:123456789012:hookgen-test"}
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		if r.URL.Path == "/SimpleNotificationService-test.pem" {
			h.fetches++
			h.mu.Unlock()
			w.Write(cert)
			return
		}
		h.confirmed = append(h.confirmed, r.URL.RequestURI())
		h.mu.Unlock()
		w.Write([]byte("<ConfirmSubscriptionResponse/>"))
	}))
	h.Client, h.Host = srv.Client(), srv.Listener.Addr().String()
	h.Signer = &webhook.SNSSigner{
		Key: key, CertURL: srv.URL + "/SimpleNotificationService-test.pem", TopicArn: h.Topic,
		SubscribeURL: srv.URL + "/?Action=ConfirmSubscription&TopicArn=" + h.Topic + "&Token=test",
	}
	o := *h.Signer
	o.Key = other
	h.Other = &o
	return h
})
