package providers_test

// GitLab's webhooks, sent to the generated gitlab.Server the way GitLab
// sends them ("Webhooks", "Delivery headers"; "Webhook events"): a POST
// with Content-Type application/json, User-Agent GitLab/<version>,
// X-Gitlab-Instance, X-Gitlab-Webhook-UUID, X-Gitlab-Event naming the
// event ("Push Hook", ...), X-Gitlab-Event-UUID, Idempotency-Key (kept on
// retries) and, with a secret token set, X-Gitlab-Token: the token as it
// is. Nothing is signed. The bodies are shortened from the examples of
// "Webhook events".

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/hookgen/hookgen/generated/gitlab"
	"github.com/hookgen/hookgen/webhook"
)

const gitlabToken = "a secret token, as typed in the webhook's settings"

// gitlabRequest is the POST GitLab sends for event with the webhook's
// token (none when token is empty).
func gitlabRequest(url, event, idempotencyKey, body, token string) *http.Request {
	r, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "GitLab/17.6.0-ee")
	r.Header.Set("X-Gitlab-Instance", "https://gitlab.example.com")
	r.Header.Set("X-Gitlab-Webhook-UUID", "02affd2d-2cba-4033-917d-ec22d5dc4b38")
	r.Header.Set("X-Gitlab-Event", event)
	r.Header.Set("X-Gitlab-Event-UUID", "13792a34-cac6-4fda-95a8-c58e00a3954e")
	if idempotencyKey != "" {
		r.Header.Set("Idempotency-Key", idempotencyKey)
	}
	if token != "" {
		r.Header.Set("X-Gitlab-Token", token)
	}
	return r
}

const (
	gitlabProject = `{"id":15,"name":"Diaspora","description":"","web_url":"http://example.com/mike/diaspora","avatar_url":null,` +
		`"git_ssh_url":"git@example.com:mike/diaspora.git","git_http_url":"http://example.com/mike/diaspora.git","namespace":"Mike",` +
		`"visibility_level":0,"path_with_namespace":"mike/diaspora","default_branch":"master","homepage":"http://example.com/mike/diaspora",` +
		`"url":"git@example.com:mike/diaspora.git","ssh_url":"git@example.com:mike/diaspora.git","http_url":"http://example.com/mike/diaspora.git"}`
	gitlabUser = `{"id":1,"name":"Administrator","username":"root","avatar_url":"http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon","email":"admin@example.com"}`

	gitlabPush = `{"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22","after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7",` +
		`"ref":"refs/heads/master","ref_protected":true,"checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","user_id":4,"user_name":"John Smith",` +
		`"user_username":"jsmith","user_email":"john@example.com","user_avatar":"https://s.gravatar.com/avatar/d4c74594d841139328695756648b6bd6?s=80",` +
		`"project_id":15,"project":` + gitlabProject + `,"repository":{"name":"Diaspora","url":"git@example.com:mike/diaspora.git","description":"",` +
		`"homepage":"http://example.com/mike/diaspora","git_http_url":"http://example.com/mike/diaspora.git","git_ssh_url":"git@example.com:mike/diaspora.git",` +
		`"visibility_level":0},"commits":[{"id":"b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327","message":"Update Catalan translation to e38cb41.\n\nSee https://gitlab.com/gitlab-org/gitlab for more information",` +
		`"title":"Update Catalan translation to e38cb41.","timestamp":"2011-12-12T14:27:31+02:00","url":"http://example.com/mike/diaspora/commit/b6568db1bc1dcd7f8b4d5a946b0b91f9dacd7327",` +
		`"author":{"name":"Jordi Mallach","email":"jordi@softcatala.org"},"added":["CHANGELOG"],"modified":["app/controller/application.rb"],"removed":[]},` +
		`{"id":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","message":"fixed readme","title":"fixed readme","timestamp":"2012-01-03T23:36:29+02:00",` +
		`"url":"http://example.com/mike/diaspora/commit/da1560886d4f094c3e6c9ef40349f7d38b5d27d7","author":{"name":"GitLab dev user","email":"gitlabdev@dv6700.(none)"},` +
		`"added":["CHANGELOG"],"modified":["app/controller/application.rb"],"removed":[]}],"total_commits_count":4}`
	gitlabTagPush = `{"object_kind":"tag_push","event_name":"tag_push","before":"0000000000000000000000000000000000000000","after":"82b3d5ae55f7080f1e6022629cdb57bfae7cccc7",` +
		`"ref":"refs/tags/v1.0.0","ref_protected":true,"checkout_sha":"82b3d5ae55f7080f1e6022629cdb57bfae7cccc7","user_id":1,"user_name":"John Smith",` +
		`"project_id":15,"project":` + gitlabProject + `,"commits":[],"total_commits_count":0}`
	gitlabMergeRequest = `{"object_kind":"merge_request","event_type":"merge_request","user":` + gitlabUser + `,"project":` + gitlabProject + `,` +
		`"object_attributes":{"id":99,"iid":1,"target_branch":"master","source_branch":"ms-viewport","source_project_id":14,"author_id":51,"assignee_ids":[6],` +
		`"assignee_id":6,"reviewer_ids":[6],"title":"MS-Viewport","created_at":"2013-12-03T17:23:34Z","updated_at":"2013-12-03T17:23:34Z","milestone_id":null,` +
		`"state_id":1,"state":"opened","draft":false,"merge_status":"unchecked","target_project_id":14,"description":"","url":"http://example.com/diaspora/merge_requests/1",` +
		`"last_commit":{"id":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","message":"fixed readme","title":"Update file README.md","timestamp":"2012-01-03T23:36:29+02:00",` +
		`"url":"http://example.com/awesome_space/awesome_project/commits/da1560886d4f094c3e6c9ef40349f7d38b5d27d7","author":{"name":"GitLab dev user","email":"gitlabdev@dv6700.(none)"}},` +
		`"labels":[{"id":206,"title":"API","color":"#ffffff","project_id":14,"created_at":"2013-12-03T17:15:43Z","updated_at":"2013-12-03T17:15:43Z","template":false,` +
		`"description":"API related issues","type":"ProjectLabel","group_id":41}],"action":"open","detailed_merge_status":"mergeable"},` +
		`"labels":[{"id":206,"title":"API","color":"#ffffff","project_id":14,"created_at":"2013-12-03T17:15:43Z","updated_at":"2013-12-03T17:15:43Z","template":false,` +
		`"description":"API related issues","type":"ProjectLabel","group_id":41}],"changes":{"updated_by_id":{"previous":null,"current":1},"draft":{"previous":true,"current":false},` +
		`"updated_at":{"previous":"2017-09-15 16:50:55 UTC","current":"2017-09-15 16:52:00 UTC"}},` +
		`"assignees":[{"id":6,"name":"User1","username":"user1","avatar_url":"http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon"}],` +
		`"reviewers":[{"id":6,"name":"User1","username":"user1","avatar_url":"http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon"}]}`
	gitlabIssue = `{"object_kind":"issue","event_type":"issue","user":` + gitlabUser + `,"project":` + gitlabProject + `,` +
		`"object_attributes":{"id":301,"title":"New API: create/update/delete file","assignee_ids":[51],"assignee_id":51,"author_id":51,"project_id":14,` +
		`"created_at":"2013-12-03T17:15:43Z","updated_at":"2013-12-03T17:15:43Z","description":"Create new API for manipulations with repository","milestone_id":null,` +
		`"state_id":1,"confidential":false,"due_date":null,"type":"Issue","iid":23,"url":"http://example.com/diaspora/issues/23","state":"opened","action":"open"},` +
		`"assignees":[{"id":51,"name":"User1","username":"user1","avatar_url":"http://www.gravatar.com/avatar/e64c7d89f26bd1972efa854d13d7dd61?s=40\u0026d=identicon"}],` +
		`"labels":[],"changes":{"updated_at":{"previous":"2017-09-15 16:50:55 UTC","current":"2017-09-15 16:52:00 UTC"}}}`
	gitlabConfidentialIssue = `{"object_kind":"issue","event_type":"confidential_issue","user":` + gitlabUser + `,"project":` + gitlabProject + `,` +
		`"object_attributes":{"id":302,"title":"A security fix","author_id":51,"project_id":14,"created_at":"2013-12-03T17:15:43Z","updated_at":"2013-12-03T17:15:43Z",` +
		`"description":"Not for everyone's eyes","confidential":true,"type":"Issue","iid":23,"url":"http://example.com/diaspora/issues/23","state":"opened","action":"open"}}`
	gitlabPipeline = `{"object_kind":"pipeline","object_attributes":{"id":31,"iid":3,"name":"Pipeline for branch: master","ref":"master","tag":false,` +
		`"sha":"bcbb5ec396a2c0f828686f14fac9b80b780504f2","before_sha":"bcbb5ec396a2c0f828686f14fac9b80b780504f2","source":"merge_request_event","status":"success",` +
		`"stages":["build","test","deploy"],"created_at":"2016-08-12 15:23:28 UTC","finished_at":"2016-08-12 15:26:29 UTC","duration":63,` +
		`"variables":[{"key":"NESTOR_PROD_ENVIRONMENT","value":"us-west-1"}],"url":"http://example.com/gitlab-org/gitlab-test/-/pipelines/31"},` +
		`"merge_request":{"id":1,"iid":1,"title":"Test","source_branch":"test","source_project_id":1,"target_branch":"master","target_project_id":1,"state":"opened",` +
		`"merge_status":"can_be_merged","detailed_merge_status":"mergeable","url":"http://192.168.64.1:3005/gitlab-org/gitlab-test/merge_requests/1"},` +
		`"user":` + gitlabUser + `,"project":` + gitlabProject + `,"commit":{"id":"bcbb5ec396a2c0f828686f14fac9b80b780504f2","message":"test\n",` +
		`"timestamp":"2016-08-12T17:23:21+02:00","url":"http://example.com/gitlab-org/gitlab-test/commit/bcbb5ec396a2c0f828686f14fac9b80b780504f2",` +
		`"author":{"name":"User","email":"user@gitlab.com"}},"builds":[{"id":380,"stage":"deploy","name":"production","status":"skipped",` +
		`"created_at":"2016-08-12 15:23:28 UTC","started_at":null,"finished_at":null,"duration":null,"queued_duration":null,"failure_reason":null,"when":"manual",` +
		`"manual":true,"allow_failure":false,"runner":null,"environment":{"name":"production","action":"start","deployment_tier":"production"}},` +
		`{"id":378,"stage":"test","name":"test-build","status":"failed","created_at":"2016-08-12 15:23:28 UTC","started_at":"2016-08-12 15:26:12 UTC",` +
		`"finished_at":"2016-08-12 15:26:29 UTC","duration":17.0,"queued_duration":196.0,"failure_reason":"script_failure","when":"on_success","manual":false,` +
		`"allow_failure":false,"environment":null}]}`
)

// gitlabHandler records what the generated Server hands over.
type gitlabHandler struct {
	ledger
	pushes    []*gitlab.PushEvent
	tags      []*gitlab.PushEvent
	merges    []*gitlab.MergeRequestEvent
	issues    []*gitlab.IssueEvent
	secret    []*gitlab.IssueEvent
	pipelines []*gitlab.PipelineEvent
	headers   []*gitlab.DeliveryHeaders
}

func (h *gitlabHandler) record(ctx context.Context, hd *gitlab.DeliveryHeaders, add func()) error {
	return h.ledger.record(ctx, func() { add(); h.headers = append(h.headers, hd) })
}

func (h *gitlabHandler) HandlePush(ctx context.Context, e *gitlab.PushEvent, hd *gitlab.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.pushes = append(h.pushes, e) })
}

func (h *gitlabHandler) HandleTagPush(ctx context.Context, e *gitlab.PushEvent, hd *gitlab.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.tags = append(h.tags, e) })
}

func (h *gitlabHandler) HandleMergeRequest(ctx context.Context, e *gitlab.MergeRequestEvent, hd *gitlab.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.merges = append(h.merges, e) })
}

func (h *gitlabHandler) HandleIssue(ctx context.Context, e *gitlab.IssueEvent, hd *gitlab.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.issues = append(h.issues, e) })
}

func (h *gitlabHandler) HandleConfidentialIssue(ctx context.Context, e *gitlab.IssueEvent, hd *gitlab.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.secret = append(h.secret, e) })
}

func (h *gitlabHandler) HandlePipeline(ctx context.Context, e *gitlab.PipelineEvent, hd *gitlab.DeliveryHeaders) error {
	return h.record(ctx, hd, func() { h.pipelines = append(h.pipelines, e) })
}

func newGitLab(t *testing.T, opts ...gitlab.Option) (string, *gitlabHandler) {
	t.Helper()
	h := new(gitlabHandler)
	srv, err := gitlab.NewServer(h, append([]gitlab.Option{gitlab.WithGitLabToken(gitlabToken)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, srv) + "/webhook", h
}

// TestGitLabEvents: each documented event reaches its handler, routed by
// X-Gitlab-Event, typed, with its delivery headers; the event id is the
// Idempotency-Key.
func TestGitLabEvents(t *testing.T) {
	url, h := newGitLab(t)
	for _, d := range []struct{ event, key, body string }{
		{"Push Hook", "f5e5f430-f57b-4e6e-9fac-d9128cd7232f", gitlabPush},
		{"Tag Push Hook", "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e", gitlabTagPush},
		{"Merge Request Hook", "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f", gitlabMergeRequest},
		{"Issue Hook", "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a", gitlabIssue},
		{"Confidential Issue Hook", "4e5f6a7b-8c9d-4eaf-9b0c-1d2e3f4a5b6c", gitlabConfidentialIssue},
		{"Pipeline Hook", "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b", gitlabPipeline},
	} {
		if a := do(t, gitlabRequest(url, d.event, d.key, d.body, gitlabToken)); a.status != http.StatusOK {
			t.Fatalf("%s: %d %s", d.event, a.status, a.body)
		}
	}
	if len(h.pushes) != 1 || len(h.tags) != 1 || len(h.merges) != 1 || len(h.issues) != 1 || len(h.secret) != 1 || len(h.pipelines) != 1 {
		t.Fatalf("%d pushes, %d tag pushes, %d merge requests, %d issues, %d confidential issues, %d pipelines",
			len(h.pushes), len(h.tags), len(h.merges), len(h.issues), len(h.secret), len(h.pipelines))
	}
	if h.ids[0] != "f5e5f430-f57b-4e6e-9fac-d9128cd7232f" {
		t.Errorf("event id %q, want the Idempotency-Key", h.ids[0])
	}
	if hd := h.headers[0]; hd.XGitlabEvent != "Push Hook" || hd.GetXGitlabInstance() != "https://gitlab.example.com" ||
		hd.GetXGitlabWebhookUUID() != "02affd2d-2cba-4033-917d-ec22d5dc4b38" || hd.GetXGitlabEventUUID() != "13792a34-cac6-4fda-95a8-c58e00a3954e" ||
		hd.GetIdempotencyKey() != "f5e5f430-f57b-4e6e-9fac-d9128cd7232f" {
		t.Errorf("headers %+v", hd)
	}
	p := h.pushes[0]
	if p.ObjectKind != "push" || p.Ref != "refs/heads/master" || p.After != "da1560886d4f094c3e6c9ef40349f7d38b5d27d7" || p.UserID != 4 ||
		p.GetUserUsername() != "jsmith" || p.ProjectID != 15 || p.Project.GetPathWithNamespace() != "mike/diaspora" || p.TotalCommitsCount != 4 ||
		len(p.Commits) != 2 || !p.GetRefProtected() {
		t.Errorf("push %+v", p)
	}
	if c := p.Commits[1]; c.ID != "da1560886d4f094c3e6c9ef40349f7d38b5d27d7" || c.GetTitle() != "fixed readme" || c.GetTimestamp() != "2012-01-03T23:36:29+02:00" ||
		c.GetAuthor().GetName() != "GitLab dev user" || len(c.Added) != 1 || c.Added[0] != "CHANGELOG" {
		t.Errorf("commit %+v", c)
	}
	if tp := h.tags[0]; tp.ObjectKind != "tag_push" || tp.Ref != "refs/tags/v1.0.0" || tp.Before != strings.Repeat("0", 40) || len(tp.Commits) != 0 {
		t.Errorf("tag push %+v", tp)
	}
	m := h.merges[0]
	if m.ObjectKind != gitlab.MergeRequestEventObjectKind || m.User.Username != "root" || m.ObjectAttributes.Iid != 1 ||
		m.ObjectAttributes.Title != "MS-Viewport" || m.ObjectAttributes.GetAction() != "open" || m.ObjectAttributes.State != "opened" ||
		m.ObjectAttributes.SourceBranch != "ms-viewport" || m.ObjectAttributes.TargetBranch != "master" ||
		m.ObjectAttributes.GetLastCommit().ID != "da1560886d4f094c3e6c9ef40349f7d38b5d27d7" || len(m.Labels) != 1 || m.Labels[0].Title != "API" ||
		len(m.Reviewers) != 1 || string(m.Changes["draft"]) != `{"previous":true,"current":false}` {
		t.Errorf("merge request %+v", m)
	}
	i := h.issues[0]
	if i.ObjectKind != "issue" || i.ObjectAttributes.Iid != 23 || i.ObjectAttributes.GetAction() != "open" || i.ObjectAttributes.GetType() != "Issue" ||
		i.ObjectAttributes.GetConfidential() || len(i.ObjectAttributes.AssigneeIDs) != 1 || i.ObjectAttributes.AssigneeIDs[0] != 51 {
		t.Errorf("issue %+v", i)
	}
	if c := h.secret[0]; c.GetEventType() != "confidential_issue" || !c.ObjectAttributes.GetConfidential() || c.ObjectAttributes.Iid != 23 {
		t.Errorf("confidential issue %+v", c)
	}
	pl := h.pipelines[0]
	if pl.ObjectKind != gitlab.PipelineEventObjectKind || pl.ObjectAttributes.ID != 31 || pl.ObjectAttributes.Status != "success" ||
		pl.ObjectAttributes.GetCreatedAt() != "2016-08-12 15:23:28 UTC" || pl.ObjectAttributes.Duration.Value != 63 || len(pl.ObjectAttributes.Stages) != 3 ||
		pl.MergeRequest.Value.Iid != 1 || len(pl.Builds) != 2 || pl.Builds[1].FailureReason.Value != "script_failure" || pl.Builds[0].Duration.Valid {
		t.Errorf("pipeline %+v", pl)
	}
}

// TestGitLabRetries: a retry keeps its Idempotency-Key and is handled
// once; a recursive hook shares X-Gitlab-Event-UUID but is another
// delivery (another Idempotency-Key), handled; an instance older than
// GitLab 17.4 sends no Idempotency-Key, and a retry of its body is still
// handled once.
func TestGitLabRetries(t *testing.T) {
	url, h := newGitLab(t)
	const key = "f5e5f430-f57b-4e6e-9fac-d9128cd7232f"
	for range 2 {
		if a := do(t, gitlabRequest(url, "Push Hook", key, gitlabPush, gitlabToken)); a.status != http.StatusOK {
			t.Fatalf("%d %s", a.status, a.body)
		}
	}
	if h.calls() != 1 {
		t.Fatalf("a retry: %d calls, want 1", h.calls())
	}
	// The same X-Gitlab-Event-UUID (gitlabRequest sends one for all), another
	// event of the same kind.
	other := strings.Replace(gitlabPush, `"total_commits_count":4`, `"total_commits_count":5`, 1)
	if a := do(t, gitlabRequest(url, "Push Hook", "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", other, gitlabToken)); a.status != http.StatusOK || h.calls() != 2 {
		t.Fatalf("another delivery under the same X-Gitlab-Event-UUID: %d %s, %d calls", a.status, a.body, h.calls())
	}
	for range 2 {
		if a := do(t, gitlabRequest(url, "Merge Request Hook", "", gitlabMergeRequest, gitlabToken)); a.status != http.StatusOK {
			t.Fatalf("without Idempotency-Key: %d %s", a.status, a.body)
		}
	}
	if h.calls() != 3 || len(h.merges) != 1 {
		t.Errorf("without Idempotency-Key: %d calls, %d merge requests", h.calls(), len(h.merges))
	}
}

// TestGitLabToken: X-Gitlab-Token is compared as it is: a missing or other
// token (or the token in another case, or a prefix of it) is 401 with no
// handler call; during a rotation both tokens pass.
func TestGitLabToken(t *testing.T) {
	url, h := newGitLab(t)
	for name, token := range map[string]string{
		"no token":       "",
		"another token":  "another secret token",
		"another case":   strings.ToUpper(gitlabToken),
		"with a suffix":  gitlabToken + "x",
		"a prefix of it": gitlabToken[:10],
	} {
		if a := do(t, gitlabRequest(url, "Push Hook", "4f5a6b7c-8d9e-4f0a-9b1c-2d3e4f5a6b7c", gitlabPush, token)); a.status != http.StatusUnauthorized {
			t.Errorf("%s: %d %s, want 401", name, a.status, a.body)
		}
	}
	if h.calls() != 0 {
		t.Errorf("handler called %d times", h.calls())
	}

	url, h = newGitLab(t, gitlab.WithGitLabToken("the new token", gitlabToken))
	for i, token := range []string{gitlabToken, "the new token"} {
		key := []string{"5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e"}[i]
		if a := do(t, gitlabRequest(url, "Tag Push Hook", key, gitlabTagPush, token)); a.status != http.StatusOK {
			t.Errorf("token %d of 2: %d %s", i+1, a.status, a.body)
		}
	}
	if h.calls() != 2 {
		t.Errorf("rotation: %d calls, want 2", h.calls())
	}
}

// TestGitLabOtherEvents: an event this spec does not describe (a comment's
// Note Hook) is acknowledged to the unknown-event hook; a work item's
// Issue Hook (object_kind work_item) is an Issue; a delivery without
// X-Gitlab-Event, or whose body is not the event's, is 400.
func TestGitLabOtherEvents(t *testing.T) {
	var mu sync.Mutex
	var unknown []string
	url, h := newGitLab(t, gitlab.WithUnknownEventHandler(func(_ context.Context, d *webhook.Delivery) error {
		mu.Lock()
		defer mu.Unlock()
		unknown = append(unknown, d.Header.Get("X-Gitlab-Event"))
		return nil
	}))
	note := `{"object_kind":"note","event_type":"note","user":` + gitlabUser + `,"project_id":5,"project":` + gitlabProject + `,` +
		`"object_attributes":{"id":1243,"note":"This is a commit comment. How does this work?","noteable_type":"Commit","author_id":1,"action":"create"}}`
	if a := do(t, gitlabRequest(url, "Note Hook", "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", note, gitlabToken)); a.status != http.StatusOK {
		t.Errorf("Note Hook: %d %s, want 200", a.status, a.body)
	}
	mu.Lock()
	if len(unknown) != 1 || unknown[0] != "Note Hook" {
		t.Errorf("unknown-event hook got %v", unknown)
	}
	mu.Unlock()

	task := strings.NewReplacer(`"object_kind":"issue","event_type":"issue"`, `"object_kind":"work_item","event_type":"work_item"`, `"type":"Issue"`, `"type":"Task"`).Replace(gitlabIssue)
	if a := do(t, gitlabRequest(url, "Issue Hook", "8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a", task, gitlabToken)); a.status != http.StatusOK || len(h.issues) != 1 ||
		h.issues[0].ObjectKind != "work_item" || h.issues[0].ObjectAttributes.GetType() != "Task" {
		t.Errorf("a task's Issue Hook: %d %s, %d issues", a.status, a.body, len(h.issues))
	}

	noEvent := gitlabRequest(url, "", "9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b", gitlabPush, gitlabToken)
	noEvent.Header.Del("X-Gitlab-Event")
	for name, r := range map[string]*http.Request{
		"no X-Gitlab-Event":         noEvent,
		"a push as a merge request": gitlabRequest(url, "Merge Request Hook", "0f1a2b3c-4d5e-4f6a-9b7c-8d9e0f1a2b3c", gitlabPush, gitlabToken),
		"an iid as a string":        gitlabRequest(url, "Issue Hook", "2b3c4d5e-6f7a-4b8c-9d9e-0f1a2b3c4d5e", strings.Replace(gitlabIssue, `"iid":23`, `"iid":"23"`, 1), gitlabToken),
		"not JSON":                  gitlabRequest(url, "Push Hook", "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f", `object_kind=push`, gitlabToken),
	} {
		if a := do(t, r); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", name, a.status, a.body)
		}
	}
	if h.calls() != 1 {
		t.Errorf("handler called %d times, want 1 (the task)", h.calls())
	}
}
