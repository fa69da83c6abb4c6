package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"time"

	"golang.org/x/oauth2/clientcredentials"

	"github.com/hookgen/hookgen/config"
	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
	"github.com/hookgen/hookgen/webhook"
)

// send replays a spec's examples to a receiver, authenticated as the
// provider would, and prints each answer. It fails when any was not 200.
func send(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("hookgen send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	spec := fs.String("spec", "", "the AsyncAPI document whose examples to send (required)")
	base := fs.String("url", "", "the receiver's base URL; each channel's path is appended (required)")
	only := fs.String("message", "", "send only this message (its key, e.g. DasherConfirmed)")
	example := fs.String("example", "", "send only the example with this name")
	basic := fs.String("basic", "", "Basic credentials, user:password")
	bearer := fs.String("bearer", "", "a Bearer token")
	client := fs.String("client-credentials", "", "OAuth 2.0 client id:secret; a token is fetched from -token-url")
	tokenURL := fs.String("token-url", "", "with -client-credentials: the receiver's token endpoint")
	secret := fs.String("secret", "", "the secret of the spec's x-hookgen-hmac signature scheme")
	macKey := fs.String("mac-key", "", "HTTP MAC key id:secret, for an x-hookgen-hmac http-mac scheme")
	macIssued := fs.String("mac-issued", "", "with -mac-key: when the key was issued (RFC 3339); the nonce's age counts from it")
	apiKey := fs.String("api-key", "", "the key of the spec's httpApiKey scheme, sent where the scheme says")
	privateKey := fs.String("private-key", "", "a PEM file holding the private key that signs for the spec's x-hookgen-signature scheme")
	verifyToken := fs.String("verify-token", "", "the verify token a handshake carries in its query (Meta's hub.verify_token)")
	timeout := fs.Duration("timeout", 10*time.Second, "per-request timeout")
	side := sideFlag(fs)
	overlays := overlayFlag(fs)
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if *spec == "" || *base == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "hookgen send: needs -spec and -url, and no other arguments")
		return 2
	}
	api, schemas, err := parser.ParseFileSchemas(relToCwd(*spec), parseOptions(config.Package{Side: *side, Overlays: *overlays})...)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ctx := context.Background()
	creds := credentialFlags{basic: *basic, bearer: *bearer, client: *client, tokenURL: *tokenURL,
		secret: *secret, macKey: *macKey, macIssued: *macIssued, apiKey: *apiKey, privateKey: *privateKey}
	signers, code, err := creds.signers(ctx, api)
	if err != nil {
		fmt.Fprintln(stderr, "hookgen send:", err)
		return code
	}
	s := sender{client: &http.Client{Timeout: *timeout}, base: strings.TrimSuffix(*base, "/"),
		signers: signers, verifyToken: *verifyToken, replies: replyCheck{schemas: schemas, secret: *secret}}
	sent, failed, invalid := 0, 0, 0
	plan, listed := planDeliveries(api, *only, *example)
	if target, ok := sameTarget(plan); ok && listed > 1 {
		fmt.Fprintf(stdout, "note: every example routes to %s, whatever message it is listed under (hookgen lint says which): each distinct delivery is sent once\n", target)
	}
	for _, d := range plan {
		sent++
		switch s.send(ctx, d, stdout) {
		case notAnswered:
			failed++
		case badReply:
			invalid++
		}
	}
	if sent == 0 {
		fmt.Fprintln(stderr, "hookgen send: no example matched")
		return 1
	}
	fmt.Fprintf(stdout, "%d sent, %d not answered 200", sent, failed)
	if invalid > 0 {
		fmt.Fprintf(stdout, ", %d answered with an invalid reply", invalid)
	}
	fmt.Fprintln(stdout)
	if failed > 0 || invalid > 0 {
		return 1
	}
	return 0
}

// sender sends planned deliveries to one receiver.
type sender struct {
	client      *http.Client
	base        string // the receiver's base URL, without a trailing slash
	signers     []func(*http.Request, []byte) error
	verifyToken string
	replies     replyCheck
}

// outcome is how a receiver answered one delivery.
type outcome int

const (
	answered    outcome = iota // 200, with a valid reply where one is declared
	notAnswered                // an error, or a status other than 200
	badReply                   // 200 with a reply its schema or handshake refuses
)

// send sends d, prints one report line (and the reply's faults) to out,
// and says how it was answered.
func (s sender) send(ctx context.Context, d *plannedDelivery, out io.Writer) outcome {
	url := s.base + model.FillParams(d.channel.Path, func(n string) string { return "example-" + n })
	var (
		req sentRequest
		got received
		err error
	)
	if d.example != nil {
		req, got, err = deliver(ctx, s.client, url, d.message, d.example, s.signers)
	} else {
		req, got, err = handshake(ctx, s.client, url, d.message.Handshake, s.verifyToken)
	}
	label := d.label
	if len(d.same) > 0 {
		label += fmt.Sprintf(" (also %s: the same delivery)", strings.Join(d.same, ", "))
	}
	if err != nil {
		fmt.Fprintf(out, "%s -> error: %v\n", label, err)
		return notAnswered
	}
	status := fmt.Sprintf("%s -> %d %s", label, got.status, http.StatusText(got.status))
	if got.status != http.StatusOK {
		fmt.Fprintln(out, status)
		return notAnswered
	}
	if !wantsReply(d.message) {
		fmt.Fprintln(out, status)
		return answered
	}
	bad := s.replies.check(d.message, req, got)
	if len(bad) > 0 {
		fmt.Fprintf(out, "%s, reply invalid:\n", status)
		for _, b := range bad {
			fmt.Fprintf(out, "\t%s\n", b)
		}
		return badReply
	}
	verdict := "reply ok"
	if len(got.body) == 0 {
		verdict = "no reply"
	}
	fmt.Fprintf(out, "%s, %s\n", status, verdict)
	return answered
}

// credentialFlags are send's credentials as the command line gives them.
type credentialFlags struct {
	basic, bearer, client, tokenURL, secret, macKey, macIssued, apiKey, privateKey string
}

// signers turns the credentials into what authenticates each request.
// code is the exit status of a mistake: 2 for a malformed flag, else 1.
func (c credentialFlags) signers(ctx context.Context, api *model.API) (_ []func(*http.Request, []byte) error, code int, _ error) {
	var signers []func(*http.Request, []byte) error
	if user, pass, ok := strings.Cut(c.basic, ":"); ok {
		signers = append(signers, func(r *http.Request, _ []byte) error { r.SetBasicAuth(user, pass); return nil })
	} else if c.basic != "" {
		return nil, 2, errors.New("-basic must be user:password")
	}
	token := c.bearer
	if c.client != "" {
		id, sec, ok := strings.Cut(c.client, ":")
		if !ok || c.tokenURL == "" {
			return nil, 2, errors.New("-client-credentials must be id:secret, with -token-url")
		}
		cc := clientcredentials.Config{ClientID: id, ClientSecret: sec, TokenURL: c.tokenURL}
		tok, err := cc.Token(ctx)
		if err != nil {
			return nil, 1, fmt.Errorf("token: %w", err)
		}
		token = tok.AccessToken
	}
	if token != "" {
		signers = append(signers, func(r *http.Request, _ []byte) error { r.Header.Set("Authorization", "Bearer "+token); return nil })
	}
	for _, opt := range []struct {
		set  bool
		sign func() (func(*http.Request, []byte) error, error)
	}{
		{c.apiKey != "", func() (func(*http.Request, []byte) error, error) { return apiKeySigner(api, c.apiKey) }},
		{c.secret != "" || c.macKey != "", func() (func(*http.Request, []byte) error, error) {
			return signatureSigner(api, c.secret, c.macKey, c.macIssued)
		}},
		{c.privateKey != "", func() (func(*http.Request, []byte) error, error) { return keySigner(api, c.privateKey) }},
	} {
		if !opt.set {
			continue
		}
		s, err := opt.sign()
		if err != nil {
			return nil, 1, err
		}
		signers = append(signers, s)
	}
	return signers, 0, nil
}

// plannedDelivery is one distinct delivery send makes: an example, the
// examples that would be the very same request, and the message its
// discriminator routes it to.
type plannedDelivery struct {
	channel  *model.Channel
	message  *model.Message
	example  *model.Example
	label    string
	same     []string
	routesTo string
}

// planDeliveries lists the examples to send, each distinct request once,
// and counts the messages they are listed under.
func planDeliveries(api *model.API, only, example string) ([]*plannedDelivery, int) {
	var out []*plannedDelivery
	byRequest := map[string]*plannedDelivery{}
	listed := map[*model.Message]bool{}
	for _, c := range api.Channels {
		for _, m := range c.Messages {
			if only != "" && m.Key != only {
				continue
			}
			if h := m.Handshake; h != nil && len(h.Query) > 0 && example == "" {
				// Recognised by its query and sent without a body: it has
				// no example, and is sent as its provider sends it.
				listed[m] = true
				out = append(out, &plannedDelivery{channel: c, message: m, label: m.Key + "/handshake"})
				continue
			}
			for i, ex := range m.Examples {
				if example != "" && ex.Name != example {
					continue
				}
				listed[m] = true
				label := m.Key + "/" + ex.Name
				if ex.Name == "" {
					label = fmt.Sprintf("%s/#%d", m.Key, i+1)
				}
				key := fmt.Sprint(c.Path, "\x00", m.ContentType, "\x00", string(ex.Payload), "\x00", ex.Headers)
				if first, ok := byRequest[key]; ok {
					first.same = append(first.same, label)
					continue
				}
				d := &plannedDelivery{channel: c, message: m, example: ex, label: label, routesTo: routesTo(c, ex)}
				byRequest[key] = d
				out = append(out, d)
			}
		}
	}
	return out, len(listed)
}

// sameTarget reports whether every delivery routes to one message, as
// DoorDash's seed examples do, and names it.
func sameTarget(plan []*plannedDelivery) (string, bool) {
	target := ""
	for _, d := range plan {
		if d.routesTo == "" || (target != "" && d.routesTo != target) {
			return "", false
		}
		target = d.routesTo
	}
	return target, target != ""
}

// routesTo names the message an example's discriminator value selects on
// its channel, or "" when that cannot be told from the example alone.
func routesTo(c *model.Channel, ex *model.Example) string {
	d := c.Discriminator
	if d == nil {
		return ""
	}
	var body any
	_ = json.Unmarshal(ex.Payload, &body)
	var value string
	switch d.In {
	case model.InChannel:
		return d.Routes[0].Message.Key
	case model.InHeader:
		value = ex.Headers[d.Name]
	case model.InPayload:
		v, ok := stringAt(body, model.PayloadPath(d.Name))
		if !ok {
			return ""
		}
		value = v
	}
	for _, r := range d.Routes {
		if r.Value != value {
			continue
		}
		if r.Inner != nil {
			if v, ok := stringAt(body, model.PayloadPath(r.Inner.Name)); !ok || v != r.Inner.Value {
				continue
			}
		}
		return r.Message.Key
	}
	return ""
}

// stringAt returns the string at path in a JSON value decoded into any.
func stringAt(v any, path []string) (string, bool) {
	for _, k := range path {
		obj, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		v = obj[k]
	}
	s, ok := v.(string)
	return s, ok
}

func deliver(ctx context.Context, client *http.Client, url string, m *model.Message, ex *model.Example, signers []func(*http.Request, []byte) error) (sentRequest, received, error) {
	body := ex.Payload
	if body == nil {
		body = []byte("{}")
	}
	if f := formOf(m); f != nil {
		// The example is JSON; the provider sends it as a form.
		form, err := f.Encode(body)
		if err != nil {
			return sentRequest{}, received{}, fmt.Errorf("%s: %w", m.Key, err)
		}
		body = form
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return sentRequest{}, received{}, err
	}
	ct := m.ContentType
	if ct == "" {
		ct = "application/json"
	}
	req.Header.Set("Content-Type", ct)
	for k, v := range ex.Headers {
		req.Header.Set(k, v)
	}
	for _, sign := range signers {
		if err := sign(req, body); err != nil {
			return sentRequest{}, received{}, err
		}
	}
	got, err := do(client, req)
	return sentRequest{header: req.Header, query: req.URL.Query(), body: body}, got, err
}

// handshake sends a handshake recognised by its query as its provider
// does: unauthenticated, without a body (Microsoft Graph's validation
// POST, Meta's verification GET).
func handshake(ctx context.Context, client *http.Client, url string, h *model.Handshake, verifyToken string) (sentRequest, received, error) {
	q, err := handshakeQuery(h, verifyToken)
	if err != nil {
		return sentRequest{}, received{}, err
	}
	req, err := http.NewRequestWithContext(ctx, h.Method, url, nil)
	if err != nil {
		return sentRequest{}, received{}, err
	}
	req.URL.RawQuery = q.Encode()
	if h.Method == http.MethodPost {
		req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	}
	got, err := do(client, req)
	return sentRequest{header: req.Header, query: q}, got, err
}

// maxReply bounds the answer send reads.
const maxReply = 1 << 20

func do(client *http.Client, req *http.Request) (received, error) {
	resp, err := client.Do(req)
	if err != nil {
		return received{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return received{}, err
	}
	return received{status: resp.StatusCode, contentType: resp.Header.Get("Content-Type"), body: body}, nil
}

// apiKeySigner sends a static key where the spec's httpApiKey scheme says.
func apiKeySigner(api *model.API, key string) (func(*http.Request, []byte) error, error) {
	for _, s := range api.SecuritySchemes {
		if s.Type != "httpApiKey" || s.Signature != nil || s.KeySignature != nil || s.BodyKey != "" { // a key in the body: not yet sent
			continue
		}
		name, in := s.Name, s.In
		return func(r *http.Request, _ []byte) error {
			switch in {
			case "query":
				q := r.URL.Query()
				q.Set(name, key)
				r.URL.RawQuery = q.Encode()
			case "cookie":
				r.AddCookie(&http.Cookie{Name: name, Value: key})
			default:
				r.Header.Set(name, key)
			}
			return nil
		}, nil
	}
	return nil, errors.New("the spec has no httpApiKey scheme for -api-key")
}

// signatureSigner signs as the spec's x-hookgen-hmac scheme says.
func signatureSigner(api *model.API, secret, macKey, macIssued string) (func(*http.Request, []byte) error, error) {
	for _, s := range api.SecuritySchemes {
		sig := s.Signature
		if sig == nil {
			continue
		}
		if sig.Format == model.SignatureHTTPMAC {
			id, key, ok := strings.Cut(macKey, ":")
			if !ok {
				continue
			}
			issued, err := time.Parse(time.RFC3339, macIssued)
			if err != nil {
				return nil, fmt.Errorf("-mac-issued %q: want the RFC 3339 time the MAC key was issued", macIssued)
			}
			m, err := webhook.NewHTTPMAC(webhook.HTTPMACConfig{Keys: []webhook.MACKey{{ID: id, Secret: []byte(key), IssuedAt: issued}}, Algorithm: sig.Algorithm})
			if err != nil {
				return nil, err
			}
			return func(r *http.Request, body []byte) error { return m.Sign(r, body, "", "") }, nil
		}
		if secret == "" {
			continue
		}
		h, err := hmacFor(sig, secret)
		if err != nil {
			return nil, fmt.Errorf("scheme %s: %w", s.Key, err)
		}
		return func(r *http.Request, body []byte) error {
			// SignRequest signs what the content covers, the request's URL
			// and form included (Twilio's X-Twilio-Signature).
			return h.SignRequest(r, body, fmt.Sprintf("msg_%d", time.Now().UnixNano()), time.Now())
		}, nil
	}
	return nil, errors.New("the spec has no x-hookgen-hmac scheme for the -secret or -mac-key given")
}

// hmacFor builds the signer of a signature scheme, as the generated
// option does.
func hmacFor(sig *model.Signature, secret string) (*webhook.HMAC, error) {
	switch sig.Format {
	case model.SignatureStandardWebhooks:
		if strings.EqualFold(sig.Header, "svix-signature") {
			return webhook.SvixSignature(secret) // signs with svix-* headers
		}
		return webhook.StandardWebhooks(secret)
	case model.SignatureGitHub:
		return webhook.GitHubSignature(secret)
	case model.SignatureStripe:
		return webhook.StripeSignature(secret)
	}
	var tolerance time.Duration
	if sig.Tolerance != "" {
		tolerance, _ = time.ParseDuration(sig.Tolerance) // checked by the parser
	}
	cfg := webhook.HMACConfig{Tolerance: tolerance, Secrets: [][]byte{[]byte(secret)}}
	// The settings the generated option writes as code, set by name.
	fields := reflect.ValueOf(&cfg).Elem()
	for _, kv := range sig.ConfigFields() {
		fields.FieldByName(kv[0]).SetString(kv[1])
	}
	return webhook.NewHMAC(cfg)
}

// keySigner signs as the spec's x-hookgen-signature scheme says, with the
// private key in the PEM file at path.
func keySigner(api *model.API, path string) (func(*http.Request, []byte) error, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := parsePrivateKey(data)
	if err != nil {
		return nil, fmt.Errorf("-private-key %s: %w", path, err)
	}
	var sns *model.SecurityScheme
	for _, s := range api.SecuritySchemes {
		k := s.KeySignature
		if k.PlainJSON() {
			sns = s
			continue
		}
		if k == nil {
			continue
		}
		var tolerance time.Duration
		if k.Tolerance != "" {
			tolerance, _ = time.ParseDuration(k.Tolerance) // checked by the parser
		}
		cfg := webhook.SignatureConfig{Tolerance: tolerance, PublicKeys: []crypto.PublicKey{key.Public()}}
		// The settings the generated option writes as code, set by name.
		fields := reflect.ValueOf(&cfg).Elem()
		for _, kv := range k.ConfigFields() {
			fields.FieldByName(kv[0]).SetString(kv[1])
		}
		v, err := webhook.NewSignature(cfg)
		if err != nil {
			return nil, fmt.Errorf("scheme %s with -private-key %s: %w", s.Key, path, err)
		}
		return func(r *http.Request, body []byte) error { return v.Sign(r.Header, body, key, time.Now()) }, nil
	}
	if sns != nil {
		// Its signature names a certificate that the receiver fetches
		// from AWS's hosts: no key of the user's could pass it.
		return nil, fmt.Errorf("scheme %s is Amazon SNS's (x-hookgen-signature format aws-sns): a message is signed with the key of a certificate on AWS's hosts, which the receiver fetches, so hookgen send cannot sign one; test with the generated package's Credentials and webhooktest.SNS", sns.Key)
	}
	return nil, errors.New("the spec has no x-hookgen-signature scheme for -private-key")
}

// parsePrivateKey reads a PEM private key: PKCS #8 ("PRIVATE KEY"),
// SEC 1 ("EC PRIVATE KEY") or PKCS #1 ("RSA PRIVATE KEY").
func parsePrivateKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	var k any
	var err error
	switch block.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		return nil, fmt.Errorf("a PEM %q block; want PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY", block.Type)
	}
	if err != nil {
		return nil, err
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("a %T cannot sign", k)
	}
	return signer, nil
}
