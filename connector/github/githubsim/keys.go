package githubsim

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"

	"github.com/nhiscope/nhi/estate"
)

// keyJSON is a deploy key.
type keyJSON struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"`
	URL       string `json:"url"`
	Title     string `json:"title"`
	Verified  bool   `json:"verified"`
	CreatedAt any    `json:"created_at"`
	ReadOnly  bool   `json:"read_only"`
	AddedBy   any    `json:"added_by"`
	LastUsed  any    `json:"last_used"`
	Enabled   bool   `json:"enabled"`
}

// keyOf renders a deploy key.
func (w *world) keyOf(k *estate.GHDeployKey, base string) keyJSON {
	r := &w.gh.Repos[k.Repo]
	var added any
	if k.AddedBy >= 0 {
		added = w.login(k.AddedBy)
	}
	return keyJSON{ID: k.ID, Key: k.Key, URL: base + "/repos/" + w.gh.Orgs[r.Org].Login + "/" + r.Name + "/keys/" + itoa(k.ID),
		Title: k.Title, Verified: k.Verified, CreatedAt: ts(k.CreatedAt), ReadOnly: k.ReadOnly, AddedBy: added,
		LastUsed: ts(k.LastUsedAt), Enabled: k.Enabled}
}

// fingerprintOf returns the SHA256 fingerprint of an OpenSSH public key line, as
// ssh-keygen -l prints it; "" when the line does not hold base64.
func fingerprintOf(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return ""
	}
	blob, err := base64.StdEncoding.DecodeString(f[1])
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(blob)
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// listKeys answers GET /repos/{owner}/{repo}/keys.
func (s *Server) listKeys(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	var pick []*key
	for _, k := range s.w.keys {
		if k.k.Repo == c.repo && !k.gone {
			pick = append(pick, k)
		}
	}
	p := s.pageOf(r)
	lo, hi := p.bounds(len(pick))
	base := baseURL(r)
	out := make([]keyJSON, 0, hi-lo)
	for _, k := range pick[lo:hi] {
		out = append(out, s.w.keyOf(&k.k, base))
	}
	setLinks(w, r, p, len(pick))
	writeJSON(w, http.StatusOK, out)
}

// keyByPath returns the live deploy key the path names in repository rp, or nil.
// w.mu is held.
func (w *world) keyByPath(v string, rp int32) *key {
	id, err := strconv.ParseInt(v, 10, 64)
	i, ok := w.keyIdx[id]
	if err != nil || !ok || w.keys[i].gone || w.keys[i].k.Repo != rp {
		return nil
	}
	return w.keys[i]
}

// getKey answers GET /repos/{owner}/{repo}/keys/{key_id}.
func (s *Server) getKey(w http.ResponseWriter, r *http.Request, c caller) {
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	k := s.w.keyByPath(r.PathValue("key_id"), c.repo)
	if k == nil {
		writeError(w, notFound())
		return
	}
	writeJSON(w, http.StatusOK, s.w.keyOf(&k.k, baseURL(r)))
}

// deleteKey answers DELETE /repos/{owner}/{repo}/keys/{key_id}: 204, the key is gone
// and audited as public_key.delete.
func (s *Server) deleteKey(w http.ResponseWriter, r *http.Request, c caller) {
	now := s.now()
	s.w.mu.Lock()
	defer s.w.mu.Unlock()
	k := s.w.keyByPath(r.PathValue("key_id"), c.repo)
	if k == nil {
		writeError(w, notFound())
		return
	}
	if !c.ignore {
		k.gone = true
		s.w.audit(c.org, "public_key.delete", c.user, -1, now, s.w.keyFields(&k.k))
	}
	noContent(w)
}

// keyFields are the audit-log fields of a deploy key event.
func (w *world) keyFields(k *estate.GHDeployKey) map[string]any {
	r := &w.gh.Repos[k.Repo]
	f := map[string]any{"key_id": k.ID, "title": k.Title, "read_only": k.ReadOnly,
		"repo": w.gh.Orgs[r.Org].Login + "/" + r.Name, "repo_id": r.ID}
	if fp := fingerprintOf(k.Key); fp != "" {
		f["fingerprint"] = fp
	}
	return f
}

// b64 encodes bytes in standard base64.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
