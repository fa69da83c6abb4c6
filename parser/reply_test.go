package parser_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/model"
	"github.com/hookgen/hookgen/parser"
)

func message(t *testing.T, api *model.API, key string) *model.Message {
	t.Helper()
	for _, m := range api.Messages {
		if m.Key == key {
			return m
		}
	}
	t.Fatalf("no message %s among %v", key, messageKeys(api))
	return nil
}

// TestReply2: x-hookgen-reply gives a 2.x message, or every message of its
// operation, the reply its handler answers with; the message's own wins.
func TestReply2(t *testing.T) {
	api, warns := lintText(t, `asyncapi: 2.6.0
info: {title: Replies, version: '1'}
channels:
  /commands:
    publish:
      x-hookgen-reply:
        name: Ack
        payload: {type: object, properties: {ok: {type: boolean}}}
      message:
        oneOf:
          - name: Run
            payload: {type: object, required: [kind], properties: {kind: {const: run}}}
          - name: Stop
            payload: {type: object, required: [kind], properties: {kind: {const: stop}}}
            x-hookgen-reply: {$ref: '#/components/messages/Stopped'}
components:
  messages:
    Stopped:
      contentType: text/plain
      payload: {type: string}
`)
	run, stop := message(t, api, "Run"), message(t, api, "Stop")
	if !run.Reply.Answered() || run.Reply.Messages[0].Key != "Ack" {
		t.Errorf("Run's reply = %+v, want the operation's Ack", run.Reply)
	}
	if !stop.Reply.Answered() || stop.Reply.Messages[0].Key != "Stopped" || stop.Reply.Messages[0].ContentType != "text/plain" {
		t.Errorf("Stop's reply = %+v, want its own Stopped", stop.Reply)
	}
	if slices.Contains(messageKeys(api), "Ack") {
		t.Error("a reply message is listed among the messages received")
	}
	if len(warns) != 0 {
		t.Errorf("warnings: %q", warns)
	}
}

// TestReply3Answered: a 3.x reply on the operation's own channel, or with
// no channel, goes back on the request; one on another channel, or to a
// runtime address, or of several messages, is not answered, with a
// located warning.
func TestReply3Answered(t *testing.T) {
	api, warns := lintText(t, `asyncapi: 3.0.0
info: {title: Replies, version: '1'}
channels:
  hooks:
    address: /hooks
    messages:
      Ask: {payload: {type: object, required: [kind], properties: {kind: {const: ask}}}}
      Tell: {payload: {type: object, required: [kind], properties: {kind: {const: tell}}}}
      Answer: {payload: {type: object, properties: {text: {type: string}}}}
      Other: {payload: {type: object, properties: {n: {type: integer}}}}
  outbox:
    address: /outbox
    messages:
      Note: {payload: {type: object}}
operations:
  onAsk:
    action: send
    channel: {$ref: '#/channels/hooks'}
    messages: [{$ref: '#/channels/hooks/messages/Ask'}]
    reply:
      channel: {$ref: '#/channels/hooks'}
      messages: [{$ref: '#/channels/hooks/messages/Answer'}]
  onTell:
    action: send
    channel: {$ref: '#/channels/hooks'}
    messages: [{$ref: '#/channels/hooks/messages/Tell'}]
    reply:
      channel: {$ref: '#/channels/outbox'}
`)
	ask, tell := message(t, api, "Ask"), message(t, api, "Tell")
	if !ask.Reply.Answered() || ask.Reply.Messages[0].Key != "Answer" {
		t.Errorf("Ask's reply = %+v, want Answer on the request", ask.Reply)
	}
	if tell.Reply == nil || tell.Reply.Answered() || tell.Reply.Address != "/outbox" {
		t.Errorf("Tell's reply = %+v, want one to /outbox, not answered", tell.Reply)
	}
	if !slices.ContainsFunc(warns, func(w string) bool { return strings.Contains(w, "the reply of Tell goes to /outbox") }) {
		t.Errorf("no warning for the reply sent elsewhere in %q", warns)
	}
}

// TestHandshake reads every form of x-hookgen-handshake's answer.
func TestHandshake(t *testing.T) {
	api, _ := lintText(t, `asyncapi: 2.6.0
info: {title: Handshakes, version: '1'}
servers:
  s: {url: 'https://r.example', protocol: https, security: [{zoom: []}]}
channels:
  /hooks:
    publish:
      message:
        oneOf:
          - name: Echo
            payload: {type: object, required: [type], properties: {type: {const: url_verification}, challenge: {type: string}}}
            x-hookgen-handshake:
              answer: $message.payload#/challenge
          - name: Sign
            payload: {type: object, required: [type], properties: {type: {const: sign}}}
            x-hookgen-handshake:
              answer:
                plainToken: $message.payload#/payload/plainToken
                encryptedToken: {hmac: $message.payload#/payload/plainToken}
                fixed: {const: $literal}
                type: 1
          - name: Event
            payload: {type: object, required: [type], properties: {type: {const: event}}}
          - name: Validate
            x-hookgen-handshake:
              query: {validationToken: ~}
              answer: $request.query.validationToken
          - name: Verify
            x-hookgen-handshake:
              method: get
              query: {hub.mode: subscribe, hub.challenge: ''}
              verifyToken: hub.verify_token
              answer: $request.query.hub.challenge
components:
  securitySchemes:
    zoom:
      type: httpApiKey
      name: x-zm-signature
      in: header
      x-hookgen-hmac: {prefix: v0=, timestampHeader: x-zm-request-timestamp, content: 'v0:{timestamp}:{body}'}
`)
	echo := message(t, api, "Echo").Handshake
	if echo == nil || echo.Answer.From != model.FromPayload || echo.Answer.Name != "/challenge" || echo.ContentType != "text/plain" {
		t.Errorf("Echo = %+v", echo)
	}
	sign := message(t, api, "Sign").Handshake
	if sign == nil || sign.ContentType != "application/json" || len(sign.Answer.Fields) != 4 {
		t.Fatalf("Sign = %+v", sign)
	}
	f := sign.Answer.Fields
	if f[1].Value.HMAC == nil || f[1].Value.HMAC.Key != "zoom" || f[1].Value.Name != "/payload/plainToken" {
		t.Errorf("encryptedToken = %+v, want the HMAC of plainToken under zoom", f[1].Value)
	}
	if string(f[2].Value.Const) != `"$literal"` || string(f[3].Value.Const) != "1" {
		t.Errorf("constants = %s, %s", f[2].Value.Const, f[3].Value.Const)
	}
	verify := message(t, api, "Verify").Handshake
	if verify == nil || verify.Method != "GET" || verify.VerifyToken != "hub.verify_token" || len(verify.Query) != 2 ||
		verify.Answer.From != model.FromQuery || verify.Answer.Name != "hub.challenge" {
		t.Errorf("Verify = %+v", verify)
	}
	d := api.Channels[0].Discriminator
	if d == nil || d.Name != "type" || len(d.Routes) != 3 {
		t.Fatalf("discriminator = %+v, want the three routed messages by type", d)
	}
}

// TestHandshakeErrors: each mistake in x-hookgen-handshake is located.
func TestHandshakeErrors(t *testing.T) {
	for _, tc := range []struct{ ext, want string }{
		{`{answer: $message.body#/x}`, `is not a value of the request`},
		{`{answer: $message.payload#challenge}`, `named by a JSON pointer`},
		{`{answer: $request.query.token}`, `only a handshake recognised by its query`},
		{`{query: {t: ''}, answer: $message.payload#/t}`, `cannot come from the payload`},
		{`{query: {t: ''}, answer: {hmac: $request.query.t}}`, `not with an HMAC`},
		{`{answer: {hmac: $message.payload#/t}}`, `no security scheme with an x-hookgen-hmac signature`},
		{`{method: GET, answer: ok}`, `has no body to route by`},
		{`{verifyToken: t, answer: ok}`, `verifyToken is a query parameter`},
		{`{answer: [a]}`, `not a list`},
		{`{echo: /x, answer: ok}`, `has no field "echo"`},
		{`{method: PUT, query: {a: ''}, answer: ok}`, `must be GET or POST`},
		{`{}`, `needs an answer`},
	} {
		path := filepath.Join(t.TempDir(), "spec.yaml")
		spec := `asyncapi: 2.6.0
info: {title: Bad, version: '1'}
channels:
  /hooks:
    publish:
      message:
        oneOf:
          - name: A
            payload: {type: object, required: [type], properties: {type: {const: a}, t: {type: string}}}
            x-hookgen-handshake: ` + tc.ext + `
          - name: B
            payload: {type: object, required: [type], properties: {type: {const: b}}}
`
		if err := os.WriteFile(path, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := parser.ParseFile(path)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "spec.yaml:") {
			t.Errorf("%s: error %v, want a located one saying %q", tc.ext, err, tc.want)
		}
	}
}

// TestBodyKey reads x-hookgen-body-key, and refuses it, located, where it
// cannot apply.
func TestBodyKey(t *testing.T) {
	doc := func(scheme string) string {
		return `asyncapi: 2.6.0
info: {title: Keys, version: '1'}
servers:
  s: {url: 'https://r.example', protocol: https, security: [{key: []}]}
channels:
  /hooks:
    publish:
      message: {payload: {type: object}}
components:
  securitySchemes:
    key: ` + scheme + `
`
	}
	api, _ := lintText(t, doc(`{type: httpApiKey, name: clientState, x-hookgen-body-key: /value/*/clientState}`))
	if s := api.SecuritySchemes[0]; s.BodyKey != "/value/*/clientState" {
		t.Errorf("BodyKey = %q", s.BodyKey)
	}
	for scheme, want := range map[string]string{
		`{type: userPassword, x-hookgen-body-key: /k}`:                                        "belongs on an httpApiKey scheme",
		`{type: httpApiKey, name: k, in: header, x-hookgen-body-key: k}`:                      "must be a JSON pointer",
		`{type: httpApiKey, name: k, in: header, x-hookgen-hmac: {}, x-hookgen-body-key: /k}`: "either signed",
	} {
		path := filepath.Join(t.TempDir(), "spec.yaml")
		if err := os.WriteFile(path, []byte(doc(scheme)), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := parser.ParseFile(path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", scheme, err, want)
		}
	}
}
