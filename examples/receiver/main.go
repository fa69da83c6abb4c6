// Command receiver is a runnable webhook receiver that mounts
// hookgen-generated provider packages on one mux (the five delivery
// platforms, GitHub and Stripe) and logs each event it receives.
//
//	DOORDASH_USERNAME=hookgen DOORDASH_PASSWORD=secret go run ./examples/receiver
//
// Each provider is served under its own prefix (/doordash/webhook,
// /grubhub/webhook/delivery-status, ...) and only when its credentials are
// set, or when -insecure allows unauthenticated deliveries. /metrics serves
// the deliveries' metrics to Prometheus (hookgen_deliveries_total, ...).
//
// -redis URL (or REDIS_URL) keeps the event ids in Redis, so that several
// replicas recognise each other's retries; -nats URL (or NATS_URL) hands
// each delivery off to NATS JetStream and answers at once, and the process
// also consumes the stored deliveries and logs them (docs/scaling.md).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	njs "github.com/nats-io/nats.go/jetstream"
	"github.com/redis/go-redis/v9"

	"github.com/hookgen/hookgen/generated/doordash"
	"github.com/hookgen/hookgen/generated/fulflld"
	"github.com/hookgen/hookgen/generated/github"
	"github.com/hookgen/hookgen/generated/grubhub"
	"github.com/hookgen/hookgen/generated/instabee"
	"github.com/hookgen/hookgen/generated/instacart"
	"github.com/hookgen/hookgen/generated/stripe"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/hookgen/hookgen/webhook"
	hookjs "github.com/hookgen/hookgen/webhook/jetstream"
	"github.com/hookgen/hookgen/webhook/oauth"
	"github.com/hookgen/hookgen/webhook/otelhook"
	"github.com/hookgen/hookgen/webhook/redisdedup"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "receiver:", err)
		os.Exit(1)
	}
}

// config is what the receiver reads from flags and the environment, and
// the engines made from it.
type config struct {
	addr     string
	insecure bool
	env      func(string) string
	redisURL string
	natsURL  string
	deduper  webhook.Deduper // from redisURL; nil: each provider's memory
	handoff  webhook.Handoff // from natsURL; nil: handle inline
	// dispatcher, when set, receives each mounted provider's Dispatcher
	// (the same handler, for a hand-off consumer).
	dispatcher func(hookjs.Dispatcher)
}

func run(ctx context.Context, args []string, env func(string) string, logOut io.Writer) error {
	fs := flag.NewFlagSet("receiver", flag.ContinueOnError)
	cfg := config{env: env}
	fs.StringVar(&cfg.addr, "addr", envOr(env, "ADDR", "127.0.0.1:8080"), "listen address (env ADDR)")
	fs.BoolVar(&cfg.insecure, "insecure", false, "serve providers whose credentials are not set without authentication")
	fs.StringVar(&cfg.redisURL, "redis", env("REDIS_URL"), "keep event ids in the Redis at this URL, shared by replicas, e.g. redis://127.0.0.1:6379/0 (env REDIS_URL)")
	fs.StringVar(&cfg.natsURL, "nats", env("NATS_URL"), "hand deliveries off to NATS JetStream at this URL and consume them, e.g. nats://127.0.0.1:4222 (env NATS_URL)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: receiver [-addr host:port] [-insecure] [-redis URL] [-nats URL]\n\nCredentials come from the environment:\n%s\n", envHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(logOut, nil))
	consume, closeEngines, err := connect(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer closeEngines()
	mux, err := newMux(cfg, log)
	if err != nil {
		return err
	}
	consumers := consume()
	srv := webhook.NewHTTPServer(cfg.addr, mux)
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Info("listening", "addr", cfg.addr)
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return consumers()
}

// connect makes the engines cfg names: a Redis Deduper and a JetStream
// Publisher, set in cfg. consume then starts a Consumer per mounted
// provider (with -nats) and returns a wait for them; closeEngines closes
// the connections.
func connect(ctx context.Context, cfg *config, log *slog.Logger) (consume func() (wait func() error), closeEngines func(), err error) {
	var closers []func()
	closeEngines = func() {
		for _, c := range slices.Backward(closers) {
			c()
		}
	}
	none := func() error { return nil }
	consume = func() func() error { return none }
	if cfg.redisURL != "" {
		opt, err := redis.ParseURL(cfg.redisURL)
		if err != nil {
			return nil, nil, fmt.Errorf("-redis: %w", err)
		}
		rdb := redis.NewClient(opt)
		closers = append(closers, func() { rdb.Close() })
		if err := rdb.Ping(ctx).Err(); err != nil {
			closeEngines()
			return nil, nil, fmt.Errorf("-redis %s: %w", cfg.redisURL, err)
		}
		cfg.deduper = redisdedup.New(rdb, redisdedup.WithLogger(log))
		log.Info("event ids in Redis", "url", cfg.redisURL)
	}
	if cfg.natsURL != "" {
		nc, err := nats.Connect(cfg.natsURL, nats.MaxReconnects(-1))
		if err != nil {
			closeEngines()
			return nil, nil, fmt.Errorf("-nats %s: %w", cfg.natsURL, err)
		}
		closers = append(closers, nc.Close)
		js, err := njs.New(nc)
		if err != nil {
			closeEngines()
			return nil, nil, err
		}
		pub, err := hookjs.NewPublisher(ctx, js, hookjs.WithLogger(log))
		if err != nil {
			closeEngines()
			return nil, nil, fmt.Errorf("-nats: %w", err)
		}
		cfg.handoff = pub
		var dispatchers []hookjs.Dispatcher
		cfg.dispatcher = func(d hookjs.Dispatcher) { dispatchers = append(dispatchers, d) }
		log.Info("handing deliveries off to JetStream", "url", cfg.natsURL, "stream", hookjs.DefaultStream)
		consume = func() func() error {
			errs := make(chan error, len(dispatchers))
			for _, d := range dispatchers {
				c, err := hookjs.NewConsumer(ctx, js, d, hookjs.WithLogger(log))
				if err != nil {
					errs <- err
					continue
				}
				go func() { errs <- c.Run(ctx) }()
			}
			return func() error {
				var all []error
				for range dispatchers {
					all = append(all, <-errs)
				}
				return errors.Join(all...)
			}
		}
	}
	return consume, closeEngines, nil
}

const envHelp = `  DOORDASH_USERNAME, DOORDASH_PASSWORD   DoorDash basic auth
  GRUBHUB_USERNAME, GRUBHUB_PASSWORD     Grubhub basic auth
  GRUBHUB_MAC_KEY_ID, GRUBHUB_MAC_KEY     Grubhub HTTP MAC key (Authorization: MAC ...)
  GRUBHUB_MAC_KEY_ISSUED_AT              when it was issued (RFC 3339): the nonce's
                                         age counts from it
  INSTACART_CLIENT_ID, INSTACART_CLIENT_SECRET, INSTACART_SIGNING_KEY
                                         Instacart OAuth 2.0: the receiver hosts
                                         /instacart/oauth/token; the client secret
                                         and the signing key (32+ bytes each) are
                                         random; the key signs the tokens it issues
  INSTABEE_USERNAME, INSTABEE_PASSWORD   Instabee basic auth
  FULFLLD_USERNAME, FULFLLD_PASSWORD     Fulflld basic auth
  GITHUB_WEBHOOK_SECRET                  the secret of a GitHub webhook (X-Hub-Signature-256)
  STRIPE_WEBHOOK_SECRET                  a Stripe endpoint's signing secret, whsec_...`

func envOr(env func(string) string, key, def string) string {
	if v := env(key); v != "" {
		return v
	}
	return def
}

// option is an option of any generated package: every package's Option
// is an alias of the same type, so one slice holds any provider's, and
// the options every package has (AllowUnauthenticated, WithLogger,
// WithDeduper, WithHandoff, WithObserver) are the same in each: one
// package's serve all.
type option = doordash.Option

// provider is one generated package to mount.
type provider struct {
	name string
	// options returns the provider's credential options; none configured
	// means the provider is served only with -insecure. extra are handlers
	// to mount under the provider's prefix, such as a token endpoint.
	options func(env func(string) string) (opts []option, extra map[string]http.Handler, err error)
	server  func(h func(ctx context.Context, message string, event any) error, opts ...option) (http.Handler, error)
	// dispatcher is the package's NewDispatcher, for a hand-off consumer.
	dispatcher func(h func(ctx context.Context, message string, event any) error, opts ...option) hookjs.Dispatcher
}

var providers = []provider{
	{
		name: "doordash",
		options: func(env func(string) string) ([]option, map[string]http.Handler, error) {
			if u, p := env("DOORDASH_USERNAME"), env("DOORDASH_PASSWORD"); u != "" && p != "" {
				return []option{doordash.WithBasicAuth(webhook.Credential{Username: u, Password: p})}, nil, nil
			}
			return nil, nil, nil
		},
		server: func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
			return doordash.NewServer(doordash.EventFunc(h), opts...)
		},
		dispatcher: func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
			return doordash.NewDispatcher(doordash.EventFunc(h), opts...)
		},
	},
	{
		name: "grubhub",
		options: func(env func(string) string) ([]option, map[string]http.Handler, error) {
			var opts []option
			if u, p := env("GRUBHUB_USERNAME"), env("GRUBHUB_PASSWORD"); u != "" && p != "" {
				opts = append(opts, grubhub.WithBasicAuth(webhook.Credential{Username: u, Password: p}))
			}
			if id, secret := env("GRUBHUB_MAC_KEY_ID"), env("GRUBHUB_MAC_KEY"); id != "" && secret != "" {
				issued, err := time.Parse(time.RFC3339, env("GRUBHUB_MAC_KEY_ISSUED_AT"))
				if err != nil {
					return nil, nil, fmt.Errorf("GRUBHUB_MAC_KEY_ISSUED_AT: want the RFC 3339 time the MAC key was issued: %w", err)
				}
				opts = append(opts, grubhub.WithHMACAuth(webhook.MACKey{ID: id, Secret: []byte(secret), IssuedAt: issued}))
			}
			return opts, nil, nil
		},
		server: func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
			return grubhub.NewServer(grubhub.EventFunc(h), opts...)
		},
		dispatcher: func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
			return grubhub.NewDispatcher(grubhub.EventFunc(h), opts...)
		},
	},
	{
		name: "instacart",
		options: func(env func(string) string) ([]option, map[string]http.Handler, error) {
			id, secret, key := env("INSTACART_CLIENT_ID"), env("INSTACART_CLIENT_SECRET"), env("INSTACART_SIGNING_KEY")
			if id == "" || secret == "" || key == "" {
				return nil, nil, nil
			}
			te, err := oauth.NewTokenEndpoint(oauth.TokenEndpointConfig{
				Clients: []oauth.Client{{ID: id, Secret: secret}},
				Keys:    []oauth.SigningKey{{ID: "receiver", Secret: []byte(key)}},
			})
			if err != nil {
				return nil, nil, fmt.Errorf("instacart token endpoint: %w", err)
			}
			return []option{instacart.WithRetailerOAuth(te.Verifier())}, map[string]http.Handler{"/oauth/token": te}, nil
		},
		server: func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
			return instacart.NewServer(instacart.EventFunc(h), opts...)
		},
		dispatcher: func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
			return instacart.NewDispatcher(instacart.EventFunc(h), opts...)
		},
	},
	basicProvider("instabee", instabee.WithBasicAuth, func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
		return instabee.NewServer(instabee.EventFunc(h), opts...)
	}, func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
		return instabee.NewDispatcher(instabee.EventFunc(h), opts...)
	}),
	basicProvider("fulflld", fulflld.WithBasicAuth, func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
		return fulflld.NewServer(fulflld.EventFunc(h), opts...)
	}, func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
		return fulflld.NewDispatcher(fulflld.EventFunc(h), opts...)
	}),
	secretProvider("github", "GITHUB_WEBHOOK_SECRET", github.WithGitHub, func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
		return github.NewServer(github.EventFunc(h), opts...)
	}, func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
		return github.NewDispatcher(github.EventFunc(h), opts...)
	}),
	secretProvider("stripe", "STRIPE_WEBHOOK_SECRET", stripe.WithStripe, func(h func(context.Context, string, any) error, opts ...option) (http.Handler, error) {
		return stripe.NewServer(stripe.EventFunc(h), opts...)
	}, func(h func(context.Context, string, any) error, opts ...option) hookjs.Dispatcher {
		return stripe.NewDispatcher(stripe.EventFunc(h), opts...)
	}),
}

// secretProvider is a provider whose deliveries are signed with the
// shared secret in the environment variable key.
func secretProvider(name, key string, withSecret func(...string) option,
	server func(func(context.Context, string, any) error, ...option) (http.Handler, error),
	dispatcher func(func(context.Context, string, any) error, ...option) hookjs.Dispatcher) provider {
	return provider{
		name: name,
		options: func(env func(string) string) ([]option, map[string]http.Handler, error) {
			if secret := env(key); secret != "" {
				return []option{withSecret(secret)}, nil, nil
			}
			return nil, nil, nil
		},
		server:     server,
		dispatcher: dispatcher,
	}
}

// basicProvider is a provider authenticated with Basic credentials from
// NAME_USERNAME and NAME_PASSWORD.
func basicProvider(name string, withBasic func(...webhook.Credential) option,
	server func(func(context.Context, string, any) error, ...option) (http.Handler, error),
	dispatcher func(func(context.Context, string, any) error, ...option) hookjs.Dispatcher) provider {
	prefix := strings.ToUpper(name)
	return provider{
		name: name,
		options: func(env func(string) string) ([]option, map[string]http.Handler, error) {
			if u, p := env(prefix+"_USERNAME"), env(prefix+"_PASSWORD"); u != "" && p != "" {
				return []option{withBasic(webhook.Credential{Username: u, Password: p})}, nil, nil
			}
			return nil, nil, nil
		},
		server:     server,
		dispatcher: dispatcher,
	}
}

// newMux mounts every provider whose credentials are configured (or all,
// with insecure) under /<provider>/, and their metrics at /metrics.
func newMux(cfg config, log *slog.Logger) (*http.ServeMux, error) {
	mux := http.NewServeMux()
	obs, metrics, err := prometheusObserver()
	if err != nil {
		return nil, err
	}
	mux.Handle("GET /metrics", metrics)
	mounted := 0
	for _, p := range providers {
		opts, extra, err := p.options(cfg.env)
		if err != nil {
			return nil, err
		}
		if len(opts) == 0 {
			if !cfg.insecure {
				log.Warn("not mounted: no credentials set (see -h), or run with -insecure", "provider", p.name)
				continue
			}
			opts = append(opts, doordash.AllowUnauthenticated())
			log.Warn("serving WITHOUT authentication", "provider", p.name)
		}
		plog := log.With("provider", p.name)
		opts = append(opts, doordash.WithLogger(plog), doordash.WithObserver(obs))
		if cfg.deduper != nil {
			opts = append(opts, doordash.WithDeduper(cfg.deduper))
		}
		if cfg.dispatcher != nil {
			// The consumer's Dispatcher: the same handler and store.
			cfg.dispatcher(p.dispatcher(logEvent(plog), opts...))
		}
		if cfg.handoff != nil {
			opts = append(opts, doordash.WithHandoff(cfg.handoff))
		}
		srv, err := p.server(logEvent(plog), opts...)
		if err != nil {
			return nil, err
		}
		prefix := "/" + p.name
		for path, h := range extra {
			mux.Handle(prefix+path, h)
		}
		mux.Handle(prefix+"/", http.StripPrefix(prefix, srv))
		mounted++
	}
	if mounted == 0 {
		return nil, errors.New("no provider has credentials configured; set them (see -h) or pass -insecure")
	}
	mux.Handle("/", http.HandlerFunc(notFound))
	return mux, nil
}

// prometheusObserver reports deliveries through OpenTelemetry's
// Prometheus exporter, on a registry of its own, which the returned
// handler serves.
func prometheusObserver() (webhook.Observer, http.Handler, error) {
	reg := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(reg))
	if err != nil {
		return nil, nil, err
	}
	obs, err := otelhook.New(otelhook.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))))
	if err != nil {
		return nil, nil, err
	}
	return obs, promhttp.HandlerFor(reg, promhttp.HandlerOpts{}), nil
}

// notFound answers paths that are no provider's with a JSON body, as the
// generated servers answer paths that are no channel.
func notFound(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "not_found", "message": "no webhook channel at " + r.URL.Path}})
}

// logEvent logs each event with its payload.
func logEvent(log *slog.Logger) func(ctx context.Context, message string, event any) error {
	return func(ctx context.Context, message string, event any) error {
		payload, _ := json.Marshal(event)
		attrs := []any{"message", message, "payload", string(payload)}
		if d, ok := webhook.DeliveryFrom(ctx); ok {
			attrs = append(attrs, "event_id", shorten(d.EventID), "channel", d.Channel)
		}
		log.InfoContext(ctx, "event", attrs...)
		return nil
	}
}

func shorten(id string) string {
	if len(id) > 16 && !strings.ContainsAny(id, "-_") {
		return id[:16] + "…"
	}
	return id
}
