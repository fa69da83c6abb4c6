package hookimpl

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/hookgen/hookgen/webhook"
)

// Settings is what a generated package's options configure: the runner,
// the request limits and the verifiers of the spec's security schemes.
// Generated packages alias [Option] and wrap these functions under their
// own names, so users write doordash.WithLogger(l).
type Settings struct {
	Runner    Runner
	BodyLimit int64
	// Schemes are the verifiers configured per security scheme, by the
	// scheme's key in the spec.
	Schemes map[string]webhook.Verifier
	// Verifiers are extra alternatives from WithVerifier.
	Verifiers []webhook.Verifier
	// AllowUnauthenticated lets a server start with no verifier at all.
	AllowUnauthenticated bool
	// Tokens are the verify tokens of handshakes, by message key.
	Tokens map[string][]string
	// Observer is told of every delivery (WithObserver).
	Observer webhook.Observer
	// PublicURL is the receiver's URL as its provider calls it
	// (WithPublicURL), for signatures over the request's URL.
	PublicURL string
	// Certs are the certificate hosts and client of schemes whose
	// messages name their certificate (WithCertificates), by scheme key.
	Certs map[string]CertConfig
	// certSchemes build such schemes' verifiers once every option is
	// applied (WithCertScheme).
	certSchemes map[string]func(CertConfig) (*webhook.Signature, error)
	// errs are configuration mistakes found while applying options,
	// reported by Verifier so that NewServer fails.
	errs []error
}

// Option configures a generated server or dispatcher. Its method is
// unexported, so that only this package's constructors make one (as
// connect-go's options do): a user holds options, never builds one that
// reaches into Settings.
type Option interface{ apply(*Settings) }

// optionFunc is the Option of every constructor here.
type optionFunc func(*Settings)

func (f optionFunc) apply(s *Settings) { f(s) }

// NewSettings applies opts over the defaults, skipping nil ones (an
// option a caller left out of a conditional list, say).
func NewSettings(opts ...Option) *Settings {
	s := &Settings{Schemes: map[string]webhook.Verifier{}}
	for _, o := range opts {
		if o != nil {
			o.apply(s)
		}
	}
	keys := make([]string, 0, len(s.certSchemes))
	for k := range s.certSchemes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, err := s.certSchemes[k](s.Certs[k])
		if err != nil {
			s.errs = append(s.errs, fmt.Errorf("security scheme %s: %w", k, err))
			continue
		}
		s.Schemes[k] = v
		if s.Runner.Confirmers == nil {
			s.Runner.Confirmers = map[string]Confirmer{}
		}
		s.Runner.Confirmers[k] = v
	}
	s.Runner.Prepare()
	return s
}

// CertConfig is where a scheme whose messages name their certificate
// (Amazon SNS's SigningCertURL) fetches it, and confirms subscriptions:
// Hosts (host[:port] patterns; nil for the spec's) with Client (nil for
// a default one).
type CertConfig struct {
	Client *http.Client
	Hosts  []string
}

// WithCertScheme sets the verifier of scheme key, which build makes once
// every option is applied, with the scheme's CertConfig
// (WithCertificates); it also confirms the subscriptions of handshakes
// that confirm with the scheme.
func WithCertScheme(key string, build func(CertConfig) (*webhook.Signature, error)) Option {
	return optionFunc(func(s *Settings) {
		if s.certSchemes == nil {
			s.certSchemes = map[string]func(CertConfig) (*webhook.Signature, error){}
		}
		s.certSchemes[key] = build
	})
}

// WithCertificates sets the certificate hosts and client of scheme key,
// for WithCertScheme: for tests, and for endpoints that reach AWS through
// a proxy.
func WithCertificates(key string, client *http.Client, hosts []string) Option {
	return optionFunc(func(s *Settings) {
		if s.Certs == nil {
			s.Certs = map[string]CertConfig{}
		}
		s.Certs[key] = CertConfig{Client: client, Hosts: slices.Clone(hosts)}
	})
}

// WithDeduper stores event ids in d instead of the in-memory default; use
// a shared store when several replicas receive the same provider.
func WithDeduper(d webhook.Deduper) Option {
	return optionFunc(func(s *Settings) { s.Runner.Deduper = d })
}

// WithHandoff puts a server in hand-off mode: deliveries go to h, and a
// consumer handles them later.
func WithHandoff(h webhook.Handoff) Option {
	return optionFunc(func(s *Settings) { s.Runner.Handoff = h })
}

// WithHandlerTimeout bounds each handler call (webhook.DefaultHandlerTimeout when
// unset). A handler past its deadline gets a cancelled context and the
// provider gets 500, so it retries.
func WithHandlerTimeout(d time.Duration) Option {
	return optionFunc(func(s *Settings) { s.Runner.Timeout = d })
}

// WithLogger logs every delivery and every failure to l.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(s *Settings) { s.Runner.Logger = l })
}

// WithBodyLimit sets the largest body accepted (the package's default when
// unset: webhook.DefaultBodyLimit, or its spec's x-hookgen-body-limit);
// larger deliveries get 413. n <= 0 keeps that default.
func WithBodyLimit(n int64) Option {
	return optionFunc(func(s *Settings) { s.BodyLimit = max(n, 0) })
}

// WithUnknownEventHandler receives events the spec does not know, with the
// raw body and headers in d. They are acknowledged with 200 unless f
// returns an error.
func WithUnknownEventHandler(f func(ctx context.Context, d *webhook.Delivery) error) Option {
	return optionFunc(func(s *Settings) { s.Runner.Unknown = f })
}

// WithVerifier accepts deliveries that v accepts, besides the spec's
// schemes: for authentication the spec does not describe.
func WithVerifier(v webhook.Verifier) Option {
	return optionFunc(func(s *Settings) { s.Verifiers = append(s.Verifiers, v) })
}

// WithScheme sets the verifier of the security scheme named key. Generated
// packages wrap it in one typed option per scheme.
func WithScheme(key string, v webhook.Verifier) Option {
	return optionFunc(func(s *Settings) { s.Schemes[key] = v })
}

// WithSchemeErr is WithScheme for a verifier whose construction may have
// failed (a bad secret, say): the error makes NewServer fail.
func WithSchemeErr(key string, v webhook.Verifier, err error) Option {
	if err != nil {
		return optionFunc(func(s *Settings) { s.errs = append(s.errs, fmt.Errorf("security scheme %s: %w", key, err)) })
	}
	return WithScheme(key, v)
}

// WithSchemeSecrets is WithSchemeErr for a signature scheme whose secrets
// also answer a handshake (an HMAC of its challenge): it keeps them for
// the runner.
func WithSchemeSecrets(key string, v webhook.Verifier, err error, secrets []string) Option {
	if err != nil {
		return WithSchemeErr(key, v, err)
	}
	return optionFunc(func(s *Settings) {
		s.Schemes[key] = v
		if s.Runner.Secrets == nil {
			s.Runner.Secrets = map[string][][]byte{}
		}
		s.Runner.Secrets[key] = nil
		for _, sec := range secrets {
			s.Runner.Secrets[key] = append(s.Runner.Secrets[key], []byte(sec))
		}
	})
}

// WithVerifyTokens sets the tokens that the handshake of message accepts
// as its verify token (Meta's hub.verify_token). Generated packages wrap it
// in one typed option per such handshake.
func WithVerifyTokens(message string, tokens []string) Option {
	return optionFunc(func(s *Settings) {
		if s.Tokens == nil {
			s.Tokens = map[string][]string{}
		}
		s.Tokens[message] = tokens
	})
}

// WithPublicURL sets the receiver's URL as the provider calls it, up to
// the channel paths (https://hooks.example.com, or with the prefix a proxy
// strips), for a signature over the request's URL: a request's path and
// query follow it. It is never read from the request's Host or
// X-Forwarded-* headers, which a client chooses.
func WithPublicURL(u string) Option {
	return optionFunc(func(s *Settings) {
		if pu, err := url.Parse(u); err != nil || pu.Scheme == "" || pu.Host == "" || pu.RawQuery != "" {
			s.errs = append(s.errs, fmt.Errorf("public URL %q: want an absolute URL without a query, such as https://hooks.example.com", u))
			return
		}
		s.PublicURL = u
	})
}

// AllowUnauthenticated lets a server start without any verifier. Without
// it, a server refuses to start rather than accept anyone's deliveries.
func AllowUnauthenticated() Option {
	return optionFunc(func(s *Settings) { s.AllowUnauthenticated = true })
}

// Verifier combines the configured verifiers: a delivery is authenticated
// when it satisfies any one of the spec's requirements (each a list of
// scheme keys that must all pass), any configured scheme that no
// requirement names, or any extra verifier. It returns nil, nil only when
// unauthenticated deliveries were allowed.
func (s *Settings) Verifier(requirements [][]string) (webhook.Verifier, error) {
	if len(s.errs) > 0 {
		return nil, errors.Join(s.errs...)
	}
	var alts []webhook.Verifier
	named := map[string]bool{}
	for _, req := range requirements {
		all := make([]webhook.Verifier, 0, len(req))
		for _, key := range req {
			named[key] = true
			if v := s.Schemes[key]; v != nil {
				all = append(all, v)
			}
		}
		switch {
		case len(req) == 0 || len(all) < len(req):
		case len(all) == 1:
			alts = append(alts, all[0])
		default:
			alts = append(alts, webhook.AllOf(all...))
		}
	}
	keys := make([]string, 0, len(s.Schemes))
	for k := range s.Schemes {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !named[k] && s.Schemes[k] != nil {
			alts = append(alts, s.Schemes[k])
		}
	}
	alts = append(alts, s.Verifiers...)
	switch {
	case len(alts) == 1:
		return alts[0], nil
	case len(alts) > 1:
		return webhook.AnyOf(alts...), nil
	case s.AllowUnauthenticated:
		return nil, nil
	}
	return nil, webhook.ErrNoVerifier
}
