package githubsim

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nhiscope/nhi/estate"
)

// AddDeployKey adds a deploy key to repository org/repo, added by the account addedBy
// (a login of the estate) at the given time, and audits it as public_key.create. It
// returns the key's ID. The public key is made up: an ed25519 key line unique to the ID.
func (s *Server) AddDeployKey(org, repo, title string, readOnly bool, addedBy string, at time.Time) (int64, error) {
	rp, ok := s.w.repo(org, repo)
	if !ok {
		return 0, fmt.Errorf("githubsim: no repository %s/%s", org, repo)
	}
	u, ok := s.w.user(addedBy)
	if !ok {
		return 0, fmt.Errorf("githubsim: no user %q", addedBy)
	}
	if title == "" {
		return 0, errors.New("githubsim: a deploy key needs a title")
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	id := s.w.newID()
	k := estate.GHDeployKey{ID: id, Repo: rp, Title: title, Key: fakeKey(id), ReadOnly: readOnly, AddedBy: u,
		CreatedAt: at.UTC(), Verified: true, Enabled: true}
	s.w.keyIdx[id] = int32(len(s.w.keys))
	s.w.keys = append(s.w.keys, &key{k: k})
	s.w.audit(s.w.gh.Repos[rp].Org, "public_key.create", u, -1, at, s.w.keyFields(&k))
	return id, nil
}

// fakeKey returns an OpenSSH ed25519 public key line whose key bytes derive from id.
func fakeKey(id int64) string {
	blob := []byte("\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20")
	for i := range 32 {
		blob = append(blob, byte(id>>(8*(i%8)))^byte(i*37))
	}
	return "ssh-ed25519 " + b64(blob)
}

// AddHook adds an active JSON webhook to organization org, posting the given events to
// url, created by the account actor (a login of the estate) at the given time, and
// audits it as hook.create. It returns the hook's ID.
func (s *Server) AddHook(org, url string, events []string, actor string, at time.Time) (int64, error) {
	o, ok := s.w.org(org)
	if !ok {
		return 0, fmt.Errorf("githubsim: no organization %q", org)
	}
	u, ok := s.w.user(actor)
	if !ok {
		return 0, fmt.Errorf("githubsim: no user %q", actor)
	}
	if url == "" || len(events) == 0 {
		return 0, errors.New("githubsim: a hook needs a URL and events")
	}
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	id := s.w.newID()
	h := estate.GHHook{ID: id, Org: o, URL: url, Events: slices.Clone(events), Active: true, ContentType: "json",
		CreatedBy: u, CreatedAt: at.UTC(), UpdatedAt: at.UTC()}
	s.w.hookIdx[id] = int32(len(s.w.hooks))
	s.w.hooks = append(s.w.hooks, &hook{h: h})
	s.w.audit(o, "hook.create", u, -1, at, map[string]any{"hook_id": id, "name": "webhook",
		"events": slices.Clone(events), "active": true})
	return id, nil
}
