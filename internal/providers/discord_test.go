package providers_test

// Discord interactions, sent to the generated discord.Server the way
// Discord sends them ("Interactions > Receiving and Responding", "Security
// and Authorization"): X-Signature-Ed25519 is the hex Ed25519 signature of
// the X-Signature-Timestamp header's value followed by the raw body, made
// with the application's private key; the receiver is given the public key
// in hex, as the Developer Portal shows it. The key pair is generated here
// and the signatures made with crypto/ed25519, not with hookgen's test kit.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hookgen/hookgen/generated/discord"
	"github.com/hookgen/hookgen/webhook"
)

// The slash command interaction of Discord's "Application Commands" page,
// byte for byte as the page shows it.
const discordSlashCommand = `{
    "type": 2,
    "token": "A_UNIQUE_TOKEN",
    "member": {
        "user": {
            "id": "53908232506183680",
            "username": "Mason",
            "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432",
            "discriminator": "1337",
            "public_flags": 131141
        },
        "roles": ["539082325061836999"],
        "premium_since": null,
        "permissions": "2147483647",
        "pending": false,
        "nick": null,
        "mute": false,
        "joined_at": "2017-03-13T19:19:14.040000+00:00",
        "is_pending": false,
        "deaf": false
    },
    "id": "786008729715212338",
    "guild_id": "290926798626357999",
    "app_permissions": "442368",
    "guild_locale": "en-US",
    "locale": "en-US",
    "data": {
        "options": [{
            "type": 3,
            "name": "cardname",
            "value": "The Gitrog Monster"
        }],
        "type": 1,
        "name": "cardsearch",
        "id": "771825006014889984"
    },
    "channel_id": "645027906669510667"
}`

// A PING in the shape Discord sends it to check the endpoint; Discord also
// sends it with bad signatures, and wants those answered 401.
const discordPing = `{"application_id":"771825006014889984","id":"786008729715212339","token":"A_PING_TOKEN","type":1,"user":{"id":"53908232506183680","username":"Mason"},"version":1}`

func discordKey(t *testing.T) (ed25519.PublicKey, ed25519.PrivateKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return pub, priv
}

// discordSign is X-Signature-Ed25519 as Discord computes it.
func discordSign(priv ed25519.PrivateKey, ts, body string) string {
	return hex.EncodeToString(ed25519.Sign(priv, []byte(ts+body)))
}

// discordRequest is the POST Discord sends: the body as is, the two
// signature headers and Discord's user agent.
func discordRequest(url, body, ts, sig string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	if sig != "" {
		r.Header.Set("X-Signature-Ed25519", sig)
	}
	if ts != "" {
		r.Header.Set("X-Signature-Timestamp", ts)
	}
	return r
}

// discordHandler records what the generated Server hands over, and
// answers an application command with reply (nil: no body).
type discordHandler struct {
	discord.UnimplementedHandler
	got     []*discord.ApplicationCommand
	reply   *discord.InteractionResponse
	unknown int
}

func (h *discordHandler) HandleApplicationCommand(_ context.Context, i *discord.ApplicationCommand) (*discord.InteractionResponse, error) {
	h.got = append(h.got, i)
	return h.reply, nil
}

func newDiscord(t *testing.T, publicKeys ...string) (*httptest.Server, *discordHandler) {
	t.Helper()
	h := new(discordHandler)
	srv, err := discord.NewServer(h, discord.WithDiscord(publicKeys...), discord.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		h.unknown++
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return ts, h
}

func TestDiscordSlashCommand(t *testing.T) {
	pub, priv := discordKey(t)
	ts, h := newDiscord(t, hex.EncodeToString(pub))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	if code := do(t, discordRequest(ts.URL+"/interactions", discordSlashCommand, now, discordSign(priv, now, discordSlashCommand))).status; code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	if len(h.got) != 1 {
		t.Fatalf("%d calls", len(h.got))
	}
	i := h.got[0]
	if i.Type != 2 || i.ID != "786008729715212338" || i.Token != "A_UNIQUE_TOKEN" ||
		i.GetGuildID() != "290926798626357999" || i.GetChannelID() != "645027906669510667" || i.GetAppPermissions() != "442368" || i.GetLocale() != "en-US" {
		t.Errorf("interaction %+v", i)
	}
	d := i.GetData()
	if d.Name != "cardsearch" || d.Type != 1 || d.ID != "771825006014889984" || len(d.Options) != 1 {
		t.Fatalf("data %+v", d)
	}
	if o := d.Options[0]; o.Name != "cardname" || o.Type != 3 || string(o.Value) != `"The Gitrog Monster"` {
		t.Errorf("option %+v, value %s", o, o.Value)
	}
	m := i.GetMember()
	if u := m.GetUser(); u.ID != "53908232506183680" || u.Username != "Mason" || u.GetDiscriminator() != "1337" || u.GetPublicFlags() != 131141 {
		t.Errorf("user %+v", u)
	}
	if avatar, ok := m.GetUser().Avatar.Get(); !ok || avatar != "a_d5efa99b3eeaa7dd43acca82f5692432" {
		t.Errorf("avatar %q %v", avatar, ok)
	}
	joined := time.Date(2017, 3, 13, 19, 19, 14, 40_000_000, time.UTC)
	if !m.Nick.IsNull() || !m.PremiumSince.IsNull() || !m.GetJoinedAt().Equal(joined) || m.GetPermissions() != "2147483647" || len(m.Roles) != 1 || m.GetDeaf() {
		t.Errorf("member %+v", m)
	}
}

func TestDiscordKeyRotationAndPEM(t *testing.T) {
	oldPub, oldPriv := discordKey(t)
	pub, priv := discordKey(t)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	ts, h := newDiscord(t, strings.ToUpper(hex.EncodeToString(oldPub)), pemKey)
	now := strconv.FormatInt(time.Now().Unix(), 10)
	// Two interactions (a body seen before is a duplicate), one signed with
	// each key.
	second := strings.Replace(discordSlashCommand, "786008729715212338", "786008729715212340", 1)
	for i, c := range []struct {
		key  ed25519.PrivateKey
		body string
	}{{oldPriv, discordSlashCommand}, {priv, second}} {
		if code := do(t, discordRequest(ts.URL+"/interactions", c.body, now, discordSign(c.key, now, c.body))).status; code != http.StatusOK {
			t.Fatalf("key %d: status %d", i, code)
		}
	}
	if len(h.got) != 2 || h.got[1].ID != "786008729715212340" {
		t.Fatalf("%d calls, want 2", len(h.got))
	}
}

func TestDiscordRefused(t *testing.T) {
	pub, priv := discordKey(t)
	_, other := discordKey(t)
	ts, h := newDiscord(t, hex.EncodeToString(pub))
	url := ts.URL + "/interactions"
	now := time.Now()
	fresh := strconv.FormatInt(now.Unix(), 10)
	stale := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
	good := discordSign(priv, fresh, discordSlashCommand)
	for _, c := range []struct {
		name string
		r    *http.Request
	}{
		{"signature by another key", discordRequest(url, discordSlashCommand, fresh, discordSign(other, fresh, discordSlashCommand))},
		{"PING signed by another key", discordRequest(url, discordPing, fresh, discordSign(other, fresh, discordPing))},
		{"tampered body", discordRequest(url, strings.Replace(discordSlashCommand, "The Gitrog Monster", "Black Lotus", 1), fresh, good)},
		{"another timestamp", discordRequest(url, discordSlashCommand, strconv.FormatInt(now.Unix()-1, 10), good)},
		{"stale timestamp", discordRequest(url, discordSlashCommand, stale, discordSign(priv, stale, discordSlashCommand))},
		{"future timestamp", discordRequest(url, discordSlashCommand, future, discordSign(priv, future, discordSlashCommand))},
		{"timestamp not in digits", discordRequest(url, discordPing, fresh+".0", discordSign(priv, fresh+".0", discordPing))},
		{"signature not hex", discordRequest(url, discordSlashCommand, fresh, "g"+good[1:])},
		{"signature in base64", discordRequest(url, discordSlashCommand, fresh, base64.StdEncoding.EncodeToString(ed25519.Sign(priv, []byte(fresh+discordSlashCommand))))},
		{"signature cut short", discordRequest(url, discordSlashCommand, fresh, good[:100])},
		{"no signature", discordRequest(url, discordPing, fresh, "")},
		{"no timestamp", discordRequest(url, discordPing, "", discordSign(priv, "", discordPing))},
	} {
		if code := do(t, c.r).status; code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", c.name, code)
		}
	}
	if len(h.got) != 0 || h.unknown != 0 {
		t.Errorf("handler called %d times, unknown-event hook %d", len(h.got), h.unknown)
	}
}

func TestDiscordMalformedKey(t *testing.T) {
	pub, _ := discordKey(t)
	for name, key := range map[string]string{
		"not hex":       "z" + hex.EncodeToString(pub)[1:],
		"31 bytes":      hex.EncodeToString(pub[:31]),
		"empty":         "",
		"truncated PEM": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n",
	} {
		if _, err := discord.NewServer(new(discordHandler), discord.WithDiscord(key)); err == nil || !strings.Contains(err.Error(), "security scheme discord") {
			t.Errorf("%s: NewServer gave %v, want an error naming the scheme", name, err)
		}
	}
}

// Discord's PING is answered {"type":1} (PONG) by the package itself,
// with no handler call, once its signature checks out; a PING signed with
// another key or unsigned is 401 (TestDiscordRefused).
func TestDiscordPing(t *testing.T) {
	pub, priv := discordKey(t)
	ts, h := newDiscord(t, hex.EncodeToString(pub))
	now := strconv.FormatInt(time.Now().Unix(), 10)
	for range 2 { // each PING is answered afresh, not as a duplicate
		res := do(t, discordRequest(ts.URL+"/interactions", discordPing, now, discordSign(priv, now, discordPing)))
		if res.status != http.StatusOK || strings.TrimSpace(res.body) != `{"type":1}` || res.contentType != "application/json" {
			t.Fatalf("PING: status %d, %q, body %q", res.status, res.contentType, res.body)
		}
	}
	if len(h.got) != 0 || h.unknown != 0 {
		t.Errorf("handler called %d times, unknown-event hook %d", len(h.got), h.unknown)
	}
	// A PING whose type is the string "1" is no PING.
	bad := strings.Replace(discordPing, `"type":1`, `"type":"1"`, 1)
	if res := do(t, discordRequest(ts.URL+"/interactions", bad, now, discordSign(priv, now, bad))); res.status != http.StatusBadRequest || strings.Contains(res.body, `{"type":1}`) {
		t.Errorf("type \"1\": status %d, body %q", res.status, res.body)
	}
}

// The handler's interaction response is the answer to the command.
func TestDiscordCommandReply(t *testing.T) {
	pub, priv := discordKey(t)
	ts, h := newDiscord(t, hex.EncodeToString(pub))
	content := "Found The Gitrog Monster"
	h.reply = &discord.InteractionResponse{Type: 4, Data: &discord.InteractionCallbackMessage{Content: &content}}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	res := do(t, discordRequest(ts.URL+"/interactions", discordSlashCommand, now, discordSign(priv, now, discordSlashCommand)))
	if res.status != http.StatusOK || res.contentType != "application/json" {
		t.Fatalf("status %d, %q", res.status, res.contentType)
	}
	var got struct {
		Type int `json:"type"`
		Data struct {
			Content string `json:"content"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(res.body), &got); err != nil || got.Type != 4 || got.Data.Content != content || len(h.got) != 1 {
		t.Errorf("reply %q (%v), %d calls", res.body, err, len(h.got))
	}
}

// A button click, as Discord's "Message Components" page shows it.
const discordButtonClick = `{
    "version": 1,
    "type": 3,
    "token": "unique_interaction_token",
    "message": {
        "type": 0,
        "tts": false,
        "timestamp": "2021-05-19T02:12:51.710000+00:00",
        "pinned": false,
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": false,
        "id": "844397162624450620",
        "flags": 0,
        "embeds": [],
        "edited_timestamp": null,
        "content": "This is a message with components.",
        "components": [{
            "type": 1,
            "components": [{
                "type": 2,
                "label": "Click me!",
                "style": 1,
                "custom_id": "click_one"
            }]
        }],
        "channel_id": "345626669114982999",
        "author": {
            "username": "Mason",
            "public_flags": 131141,
            "id": "53908232506183680",
            "discriminator": "1337",
            "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432"
        },
        "attachments": []
    },
    "member": {
        "user": {
            "username": "Mason",
            "public_flags": 131141,
            "id": "53908232506183680",
            "discriminator": "1337",
            "avatar": "a_d5efa99b3eeaa7dd43acca82f5692432"
        },
        "roles": ["290926798626357999"],
        "premium_since": null,
        "permissions": "17179869183",
        "pending": false,
        "nick": null,
        "mute": false,
        "joined_at": "2017-03-13T19:19:14.040000+00:00",
        "is_pending": false,
        "deaf": false,
        "avatar": null
    },
    "id": "846462639134605312",
    "guild_id": "290926798626357999",
    "data": {
        "custom_id": "click_one",
        "component_type": 2
    },
    "channel_id": "345626669114982999",
    "application_id": "290926444748734465"
}`

// An autocomplete request while the user types the cardname option, and a
// submitted modal, in the shapes of "Receiving and Responding".
const (
	discordAutocomplete = `{"version":1,"type":4,"token":"A_TOKEN","id":"786008729715212340","application_id":"771825006014889984","guild_id":"290926798626357999","channel_id":"645027906669510667","member":{"user":{"id":"53908232506183680","username":"Mason"},"roles":[],"permissions":"2147483647"},"data":{"id":"771825006014889984","name":"cardsearch","type":1,"options":[{"type":3,"name":"cardname","value":"Gitr","focused":true}]}}`
	discordModalSubmit  = `{"version":1,"type":5,"token":"A_TOKEN","id":"786008729715212341","application_id":"771825006014889984","channel_id":"645027906669510667","user":{"id":"53908232506183680","username":"Mason"},"data":{"custom_id":"feedback","components":[{"type":1,"components":[{"type":4,"custom_id":"liked","value":"The card search."}]}]}}`
)

// interactionHandler answers components, autocompletes and modals, and
// records what it was given.
type interactionHandler struct {
	discord.UnimplementedHandler
	component    *discord.MessageComponent
	autocomplete *discord.Autocomplete
	modal        *discord.ModalSubmit
	unknown      int
}

func (h *interactionHandler) HandleMessageComponent(_ context.Context, i *discord.MessageComponent) (*discord.InteractionResponse, error) {
	h.component = i
	content := "Clicked " + i.Data.CustomID
	return &discord.InteractionResponse{Type: 7, Data: &discord.InteractionCallbackMessage{Content: &content}}, nil
}

func (h *interactionHandler) HandleAutocomplete(_ context.Context, i *discord.Autocomplete) (*discord.InteractionResponse, error) {
	h.autocomplete = i
	return &discord.InteractionResponse{Type: 8, Data: &discord.InteractionCallbackMessage{
		Choices: []discord.Choice{{Name: "The Gitrog Monster", Value: json.RawMessage(`"gitrog"`)}},
	}}, nil
}

func (h *interactionHandler) HandleModalSubmit(_ context.Context, i *discord.ModalSubmit) (*discord.InteractionResponse, error) {
	h.modal = i
	content := "Thanks"
	flags := int64(64)
	return &discord.InteractionResponse{Type: 4, Data: &discord.InteractionCallbackMessage{Content: &content, Flags: &flags}}, nil
}

// Components, autocompletes and modal submits reach their typed methods,
// whose responses Discord gets as the answer; a type the spec does not
// describe goes to the unknown-event hook and is answered 200.
func TestDiscordComponentAutocompleteModal(t *testing.T) {
	pub, priv := discordKey(t)
	h := new(interactionHandler)
	srv, err := discord.NewServer(h, discord.WithDiscord(hex.EncodeToString(pub)), discord.WithUnknownEventHandler(func(context.Context, *webhook.Delivery) error {
		h.unknown++
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	send := func(body string) answer {
		t.Helper()
		now := strconv.FormatInt(time.Now().Unix(), 10)
		return do(t, discordRequest(ts.URL+"/interactions", body, now, discordSign(priv, now, body)))
	}

	if res := send(discordButtonClick); res.status != http.StatusOK || res.body != `{"type":7,"data":{"content":"Clicked click_one"}}` {
		t.Errorf("button: %d %s", res.status, res.body)
	}
	if c := h.component; c == nil || c.Data.ComponentType != 2 || c.Message.ID != "844397162624450620" ||
		c.Message.Components[0].Components[0].GetLabel() != "Click me!" || c.GetMember().GetUser().Username != "Mason" {
		t.Errorf("component interaction %+v", c)
	}

	if res := send(discordAutocomplete); res.status != http.StatusOK || res.body != `{"type":8,"data":{"choices":[{"name":"The Gitrog Monster","value":"gitrog"}]}}` {
		t.Errorf("autocomplete: %d %s", res.status, res.body)
	}
	if a := h.autocomplete; a == nil || a.Data.Name != "cardsearch" || !a.Data.Options[0].GetFocused() || string(a.Data.Options[0].Value) != `"Gitr"` {
		t.Errorf("autocomplete interaction %+v", a)
	}

	if res := send(discordModalSubmit); res.status != http.StatusOK || res.body != `{"type":4,"data":{"content":"Thanks","flags":64}}` {
		t.Errorf("modal: %d %s", res.status, res.body)
	}
	if m := h.modal; m == nil || m.Data.CustomID != "feedback" || m.Data.Components[0].Components[0].GetValue() != "The card search." {
		t.Errorf("modal interaction %+v", m)
	}

	// A type Discord may add later.
	if res := send(`{"version":1,"type":9,"token":"A_TOKEN","id":"786008729715212342","application_id":"771825006014889984","data":{}}`); res.status != http.StatusOK || h.unknown != 1 {
		t.Errorf("unknown type: %d, unknown-event hook %d times", res.status, h.unknown)
	}
	// A tampered click is refused before any handler runs.
	h.component = nil
	now := strconv.FormatInt(time.Now().Unix(), 10)
	sig := discordSign(priv, now, discordButtonClick)
	tampered := strings.Replace(discordButtonClick, "click_one", "click_two", 1)
	if res := do(t, discordRequest(ts.URL+"/interactions", tampered, now, sig)); res.status != http.StatusUnauthorized || h.component != nil {
		t.Errorf("tampered click: %d, handler called: %v", res.status, h.component != nil)
	}
}
