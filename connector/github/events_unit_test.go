package github

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	gh "github.com/google/go-github/v89/github"

	"github.com/nhiscope/nhi"
)

func TestToEvent(t *testing.T) {
	t.Parallel()
	const body = `[
	 {"@timestamp":1723459200123,"_document_id":"a1","action":"personal_access_token.access_granted","actor":"octocat",
	  "created_at":1723459200123,"org":"acme","user":"octocat","token_id":98716,"user_programmatic_access_name":"Some Token",
	  "repository_selection":"all","actor_ip":"192.0.2.1"},
	 {"@timestamp":1723459201000,"_document_id":"a2","action":"hook.create","actor":"admin",
	  "hook_id":5,"config":{"url":"https://hooks.example.net/p?secret=x","secret":"s3"},"events":["push"]},
	 {"@timestamp":1723459202000,"_document_id":"a3","action":"repo.create","actor":"admin"},
	 {"@timestamp":1723459203000,"action":"public_key.create"}
	]`
	var entries []*gh.AuditEntry
	if err := json.Unmarshal([]byte(body), &entries); err != nil {
		t.Fatal(err)
	}
	at := time.UnixMilli(1723459200123).UTC()
	want := nhi.Event{ID: "a1", Platform: nhi.PlatformGitHub, Tenant: "acme", Time: at, Kind: nhi.EventGrantAdded,
		Activity: "personal_access_token.access_granted", Actor: "octocat", TargetID: "98716", Target: "Some Token",
		Result: "success", SourceIP: "192.0.2.1", Details: map[string]string{"token_id": "98716", "user": "octocat",
			"user_programmatic_access_name": "Some Token", "repository_selection": "all"}}
	got, ok := toEvent("acme", entries[0])
	if !ok {
		t.Fatal("token event not delivered")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("token event (-want +got):\n%s", diff)
	}
	hook, ok := toEvent("acme", entries[1])
	if !ok || hook.Kind != nhi.EventAppAdded || hook.TargetID != "5" || hook.Details["destination_host"] != "https://hooks.example.net" {
		t.Errorf("hook event = %+v", hook)
	}
	for k, v := range hook.Details {
		if v == "s3" || k == "config.url" {
			t.Errorf("hook event keeps %s=%q", k, v)
		}
	}
	if _, ok := toEvent("acme", entries[2]); ok {
		t.Error("repo.create delivered")
	}
	if _, ok := toEvent("acme", entries[3]); ok {
		t.Error("event without a document ID delivered")
	}
}
