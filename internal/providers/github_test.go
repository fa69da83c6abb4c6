package providers_test

// GitHub's webhooks, sent to the generated github.Server the way GitHub
// sends them ("Webhook events and payloads", "Validating webhook
// deliveries"): a POST with X-GitHub-Event naming the event,
// X-GitHub-Delivery a GUID that a redelivery keeps, X-GitHub-Hook-ID and
// the installation target headers, User-Agent GitHub-Hookshot/<version>,
// Content-Type application/json, and, with a secret set,
// X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body> beside the
// legacy X-Hub-Signature: sha1=<hex HMAC-SHA1>. The signatures are made
// here with crypto/hmac, not with hookgen's verifier or test kit; the
// published test vector of "Validating webhook deliveries" is checked
// against the preset in webhook/hmac_test.go and, through a generated
// option, in generator/testdata/presets/golden/vectors_test.go.
//
// The bodies are the example deliveries of github.com/octokit/webhooks
// (payload-examples/api.github.com, MIT), which GitHub's payload
// documentation is built alongside, in testdata/github, compacted as
// GitHub sends them.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/generated/github"
	"github.com/hookgen/hookgen/webhook"
)

const githubSecret = "a webhook secret, as typed in the settings"

// githubBody is the example delivery in testdata/github/name, compacted.
func githubBody(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/github/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// githubRequest is the POST GitHub sends for event, signed with secret as
// GitHub signs: both signature headers, from the raw body's bytes.
func githubRequest(url, event, delivery, body, secret string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, url, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "GitHub-Hookshot/044aadd")
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-GitHub-Delivery", delivery)
	r.Header.Set("X-GitHub-Hook-ID", "292430182")
	r.Header.Set("X-GitHub-Hook-Installation-Target-Type", "repository")
	r.Header.Set("X-GitHub-Hook-Installation-Target-ID", "79929171")
	sha1MAC := hmac.New(sha1.New, []byte(secret))
	sha1MAC.Write([]byte(body))
	r.Header.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(sha1MAC.Sum(nil)))
	r.Header.Set("X-Hub-Signature-256", "sha256="+hexHMAC(secret, body))
	return r
}

// githubHandler records what the generated Server hands over.
type githubHandler struct {
	ledger
	pushes   []*github.PushEvent
	pulls    []*github.PullRequestEvent
	issues   []*github.IssuesEvent
	releases []*github.ReleaseEvent
	headers  []*github.DeliveryHeaders
}

func (h *githubHandler) record(ctx context.Context, hd *github.DeliveryHeaders, add func()) error {
	return h.ledger.record(ctx, func() { add(); h.headers = append(h.headers, hd) })
}

func (h *githubHandler) HandlePush(ctx context.Context, e *github.PushEvent, hd *github.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.pushes = append(h.pushes, e) })
}

func (h *githubHandler) HandlePullRequest(ctx context.Context, e *github.PullRequestEvent, hd *github.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.pulls = append(h.pulls, e) })
}

func (h *githubHandler) HandleIssues(ctx context.Context, e *github.IssuesEvent, hd *github.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.issues = append(h.issues, e) })
}

func (h *githubHandler) HandleRelease(ctx context.Context, e *github.ReleaseEvent, hd *github.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.releases = append(h.releases, e) })
}

func newGitHub(t *testing.T, opts ...github.Option) (string, *githubHandler) {
	t.Helper()
	h := new(githubHandler)
	srv, err := github.NewServer(h, append([]github.Option{github.WithGitHub(githubSecret)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/webhook", h
}

// TestGitHubPing: the ping of a new webhook is answered 200 by the package
// itself, every time it is sent (the settings page's Redeliver sends the
// same GUID again), and only when it is signed with the secret.
func TestGitHubPing(t *testing.T) {
	url, h := newGitHub(t)
	body := githubBody(t, "ping.json")
	const guid = "72d3162e-cc78-11e3-81ab-4c9367dc0958"
	for i := range 2 {
		a := do(t, githubRequest(url, "ping", guid, body, githubSecret))
		if a.status != http.StatusOK || a.contentType != "application/json" || strings.TrimSpace(a.body) != "{}" {
			t.Errorf("ping %d: %d %s %q", i, a.status, a.contentType, a.body)
		}
	}
	if a := do(t, githubRequest(url, "ping", guid, body, "another secret")); a.status != http.StatusUnauthorized {
		t.Errorf("ping signed with another secret: %d %s", a.status, a.body)
	}
	// A ping that is no ping (no zen, no hook) is refused as a body.
	if a := do(t, githubRequest(url, "ping", guid, `{"hook_id":1}`, githubSecret)); a.status != http.StatusBadRequest {
		t.Errorf("ping without zen and hook: %d %s", a.status, a.body)
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

func TestGitHubPush(t *testing.T) {
	url, h := newGitHub(t)
	body := githubBody(t, "push.json")
	const guid = "3a2f9c00-773f-11e9-8f9e-2a86e4085a59"
	if a := do(t, githubRequest(url, "push", guid, body, githubSecret)); a.status != http.StatusOK {
		t.Fatalf("push: %d %s", a.status, a.body)
	}
	if len(h.pushes) != 1 || h.calls() != 1 {
		t.Fatalf("calls: %d pushes, %d in all", len(h.pushes), h.calls())
	}
	e, hd := h.pushes[0], h.headers[0]
	if h.ids[0] != guid {
		t.Errorf("event id %q, want the X-GitHub-Delivery %s", h.ids[0], guid)
	}
	if hd.XGitHubEvent != "push" || hd.XGitHubDelivery != guid || hd.GetXGitHubHookID() != "292430182" ||
		hd.GetXGitHubHookInstallationTargetType() != "repository" || hd.GetXGitHubHookInstallationTargetID() != "79929171" {
		t.Errorf("headers %+v", hd)
	}
	if e.Ref != "refs/heads/master" || e.Before != strings.Repeat("0", 40) || e.After != "6113728f27ae82c7b1a177c8d03f9e96e0adf246" ||
		!e.Created || e.Deleted || e.Forced || !e.BaseRef.IsNull() {
		t.Errorf("push %+v", e)
	}
	if len(e.Commits) != 1 {
		t.Fatalf("commits %+v", e.Commits)
	}
	c := e.Commits[0]
	if c.ID != e.After || c.Message != "Initial commit" || !c.Distinct || c.Timestamp.Unix() != 1557933565 ||
		c.Author.Name != "Codertocat" || c.Committer.GetUsername() != "Codertocat" ||
		len(c.Added) != 1 || c.Added[0] != "README.md" || c.Removed == nil || len(c.Removed) != 0 {
		t.Errorf("commit %+v", c)
	}
	if e.GetHeadCommit().GetID() != c.ID || e.GetHeadCommit().GetMessage() != "Initial commit" {
		t.Errorf("head_commit %+v", e.HeadCommit)
	}
	if email, _ := e.Pusher.Email.Get(); e.Pusher.Name != "Codertocat" || email != "21031067+Codertocat@users.noreply.github.com" {
		t.Errorf("pusher %+v", e.Pusher)
	}
	r := e.Repository
	if r.ID != 186853002 || r.FullName != "Codertocat/Hello-World" || r.Private || r.Owner.Login != "Codertocat" ||
		r.Owner.GetType() != github.UserTypeUser || r.GetDefaultBranch() != "master" || r.GetVisibility() != github.RepositoryVisibilityPublic ||
		!r.Description.IsNull() || r.GetUpdatedAt().Unix() != 1557933641 {
		t.Errorf("repository %+v", r)
	}
	// In push events GitHub gives these two as unix seconds.
	if string(r.CreatedAt) != "1557933565" || string(r.PushedAt) != "1557933657" {
		t.Errorf("repository created_at %s, pushed_at %s", r.CreatedAt, r.PushedAt)
	}
	if e.Sender.Login != "Codertocat" || e.Sender.ID != 21031067 || e.GetInstallation().GetID() != 1 {
		t.Errorf("sender %+v, installation %+v", e.Sender, e.Installation)
	}

	// Redeliver (the settings page or the REST API) keeps the GUID:
	// acknowledged, not handled again.
	if a := do(t, githubRequest(url, "push", guid, body, githubSecret)); a.status != http.StatusOK || h.calls() != 1 {
		t.Errorf("redelivery: %d %s, %d calls", a.status, a.body, h.calls())
	}
	// Another delivery of the same bytes is another event.
	if a := do(t, githubRequest(url, "push", "4d0e6f10-773f-11e9-8c5a-0f1e2d3c4b5a", body, githubSecret)); a.status != http.StatusOK || h.calls() != 2 {
		t.Errorf("new delivery: %d %s, %d calls", a.status, a.body, h.calls())
	}
}

func TestGitHubPullRequestIssuesRelease(t *testing.T) {
	url, h := newGitHub(t)
	for _, d := range []struct{ event, file, guid string }{
		{"pull_request", "pull_request.opened.json", "3e3e4f80-773f-11e9-8d6c-2d0f3f4e8f5e"},
		{"issues", "issues.opened.json", "3d7e2d00-773f-11e9-9d0f-7f0a8e2c1f3b"},
		{"release", "release.published.json", "4b1f9a00-773f-11e9-8a4e-c5b4f8b1d2e6"},
	} {
		if a := do(t, githubRequest(url, d.event, d.guid, githubBody(t, d.file), githubSecret)); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", d.event, a.status, a.body)
		}
	}
	if len(h.pulls) != 1 || len(h.issues) != 1 || len(h.releases) != 1 || h.calls() != 3 {
		t.Fatalf("calls: %d pull requests, %d issues, %d releases, %d in all", len(h.pulls), len(h.issues), len(h.releases), h.calls())
	}

	pr := h.pulls[0]
	p := pr.PullRequest
	if pr.Action != github.PullRequestActionOpened || !pr.Action.Known() || pr.Number != 2 || p.Number != 2 ||
		p.State != github.StateOpen || p.Title != "Update the README with new information." || p.User.Login != "Codertocat" ||
		p.GetDraft() || p.GetMerged() || !p.Mergeable.IsNull() || !p.MergedAt.IsNull() || !p.ClosedAt.IsNull() ||
		p.GetAuthorAssociation() != github.AuthorAssociationOwner || p.GetCommits() != 1 || p.GetChangedFiles() != 1 {
		t.Errorf("pull request %+v", p)
	}
	if body, _ := p.Body.Get(); body != "This is a pretty simple change that we need to pull into master." {
		t.Errorf("body %q", body)
	}
	if p.Head.Ref != "changes" || p.Head.SHA != "ec26c3e57ca3a959ca5aad62de7213c562f8c821" || p.Base.Ref != "master" ||
		p.Head.GetRepo().GetFullName() != "Codertocat/Hello-World" {
		t.Errorf("head %+v, base %+v", p.Head, p.Base)
	}
	if len(p.Labels) != 1 || p.Labels[0].Name != "bug" || p.Labels[0].Color != "d73a4a" ||
		len(p.RequestedReviewers) != 1 || p.RequestedReviewers[0].Login != "octocat" || !p.Assignee.IsNull() || !p.Milestone.IsNull() {
		t.Errorf("labels %+v, reviewers %+v, assignee %+v, milestone %+v", p.Labels, p.RequestedReviewers, p.Assignee, p.Milestone)
	}
	// Outside push events the repository's times are RFC 3339 strings.
	if string(pr.Repository.CreatedAt) != `"2019-05-15T15:19:25Z"` || pr.GetInstallation().GetID() != 1 {
		t.Errorf("repository created_at %s, installation %+v", pr.Repository.CreatedAt, pr.Installation)
	}

	is := h.issues[0]
	i := is.Issue
	if is.Action != github.IssuesActionOpened || i.Number != 1 || i.Title != "Spelling error in the README file" ||
		i.GetState() != github.StateOpen || i.GetAssignee().GetLogin() != "Codertocat" || len(i.Assignees) != 1 ||
		i.GetMilestone().GetTitle() != "v1.0" || i.GetMilestone().GetState() != github.StateClosed || !i.ClosedAt.IsNull() ||
		i.PullRequest != nil || is.Sender.Login != "Codertocat" {
		t.Errorf("issue %+v", i)
	}
	if due, _ := i.GetMilestone().DueOn.Get(); due.Format("2006-01-02") != "2019-05-23" {
		t.Errorf("milestone due_on %v", due)
	}

	rel := h.releases[0]
	if rel.Action != github.ReleaseEventActionPublished || rel.Release.TagName != "0.0.1" || rel.Release.TargetCommitish != "master" ||
		rel.Release.Draft || rel.Release.Prerelease || rel.Release.Author.Login != "Codertocat" || rel.Release.Assets == nil {
		t.Errorf("release %+v", rel.Release)
	}
	if published, _ := rel.Release.PublishedAt.Get(); published.Unix() != 1557933653 {
		t.Errorf("published_at %v", published)
	}
}

// TestGitHubRefused: a delivery whose X-Hub-Signature-256 does not match
// the body under the secret is 401 before anything else, and no handler
// runs.
func TestGitHubRefused(t *testing.T) {
	url, h := newGitHub(t)
	body := githubBody(t, "push.json")
	tampered := withBody(githubRequest(url, "push", "tampered", body, githubSecret), strings.Replace(body, `"forced":false`, `"forced":true`, 1))
	sha1Only := githubRequest(url, "push", "sha1-only", body, githubSecret)
	sha1Only.Header.Del("X-Hub-Signature-256")
	unprefixed := githubRequest(url, "push", "unprefixed", body, githubSecret)
	unprefixed.Header.Set("X-Hub-Signature-256", hexHMAC(githubSecret, body))
	for name, r := range map[string]*http.Request{
		"tampered body":         tampered,
		"another secret":        githubRequest(url, "push", "other-secret", body, "another secret"),
		"legacy sha1 only":      sha1Only,
		"signature sans prefix": unprefixed,
	} {
		if a := do(t, r); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

// TestGitHubOtherDeliveries: an event the spec does not describe is
// acknowledged (to the unknown-event hook); one without X-GitHub-Event is
// malformed; a webhook left at the form content type is refused, once its
// signature is checked.
func TestGitHubOtherDeliveries(t *testing.T) {
	var mu sync.Mutex
	var unknown []*webhook.Delivery
	url, h := newGitHub(t, github.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, d)
		return nil
	}))
	const star = `{"action":"created","starred_at":"2019-05-15T15:20:40Z","repository":{"id":186853002,"node_id":"MDEwOlJlcG9zaXRvcnkxODY4NTMwMDI=","name":"Hello-World","full_name":"Codertocat/Hello-World","private":false,"owner":{"login":"Codertocat","id":21031067}},"sender":{"login":"Codertocat","id":21031067}}`
	if a := do(t, githubRequest(url, "star", "5c4a2b00-773f-11e9-8e3b-7d2c1a0b9f8e", star, githubSecret)); a.status != http.StatusOK {
		t.Errorf("star: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 1 || string(unknown[0].Body) != star || unknown[0].Header.Get("X-GitHub-Event") != "star" {
		t.Errorf("unknown-event hook got %+v", unknown)
	}
	mu.Unlock()

	noEvent := githubRequest(url, "push", "no-event", githubBody(t, "push.json"), githubSecret)
	noEvent.Header.Del("X-GitHub-Event")
	if a := do(t, noEvent); a.status != http.StatusBadRequest {
		t.Errorf("no X-GitHub-Event: %d %s, want 400", a.status, a.body)
	}

	// content type application/x-www-form-urlencoded: payload=<the JSON>.
	form := "payload=" + neturl.QueryEscape(githubBody(t, "push.json"))
	formReq := githubRequest(url, "push", "form", form, githubSecret)
	formReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if a := do(t, formReq); a.status != http.StatusUnsupportedMediaType {
		t.Errorf("form delivery: %d %s, want 415", a.status, a.body)
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}
}

// withBody is r with body in place of its own, its signature headers kept.
func withBody(r *http.Request, body string) *http.Request {
	n := httptest.NewRequest(r.Method, r.URL.String(), strings.NewReader(body))
	n.Header = r.Header.Clone()
	return n
}

// TestGitHubLargePush: a push of many commits, above the runtime's
// default 1 MiB and below GitHub's 25 MB cap, is handled (GitHub would
// not retry a 413); a body above 25 MB is 413 with no call.
func TestGitHubLargePush(t *testing.T) {
	url, h := newGitHub(t)
	var push map[string]any
	if err := json.Unmarshal([]byte(githubBody(t, "push.json")), &push); err != nil {
		t.Fatal(err)
	}
	commit := push["commits"].([]any)[0]
	commits := make([]any, 2048) // GitHub's most commits in one push
	for i := range commits {
		commits[i] = commit
	}
	push["commits"] = commits
	big, err := json.Marshal(push)
	if err != nil {
		t.Fatal(err)
	}
	if len(big) <= webhook.DefaultBodyLimit {
		t.Fatalf("the push is %d bytes; want one above the default limit", len(big))
	}
	if a := do(t, githubRequest(url, "push", "3a2f9c00-773f-11e9-8f9e-2a86e4085a60", string(big), githubSecret)); a.status != http.StatusOK || len(h.pushes) != 1 || len(h.pushes[0].Commits) != 2048 {
		t.Fatalf("a %d-byte push: %d %s, %d calls", len(big), a.status, a.body, h.calls())
	}
	// A limit that is no limit keeps the spec's, not the runtime's 1 MiB.
	url2, h2 := newGitHub(t, github.WithBodyLimit(-1))
	if a := do(t, githubRequest(url2, "push", "3a2f9c00-773f-11e9-8f9e-2a86e4085a62", string(big), githubSecret)); a.status != http.StatusOK || h2.calls() != 1 {
		t.Fatalf("a %d-byte push under WithBodyLimit(-1): %d %s", len(big), a.status, a.body)
	}
	huge := `{"zen":"` + strings.Repeat("x", 25_000_000) + `","hook_id":1}`
	if a := do(t, githubRequest(url, "ping", "3a2f9c00-773f-11e9-8f9e-2a86e4085a61", huge, githubSecret)); a.status != http.StatusRequestEntityTooLarge || h.calls() != 1 {
		t.Errorf("a body above 25 MB: %d, %d calls", a.status, h.calls())
	}
}
