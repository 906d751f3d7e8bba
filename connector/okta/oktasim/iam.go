package oktasim

import (
	"net/http"
	"sort"
)

// assigneeJSON is a user with admin role assignments.
type assigneeJSON struct {
	ID    string          `json:"id"`
	ORN   string          `json:"orn"`
	Links map[string]link `json:"_links"`
}

// listAssignees is GET /api/v1/iam/assignees/users: the users holding admin roles, in an
// envelope {"value":[...],"_links":{"next":{"href"}}} that pages by after.
func (s *Server) listAssignees(w http.ResponseWriter, r *http.Request) {
	limit, ok := s.limitOf(w, r, 100, 100)
	if !ok {
		return
	}
	s.w.mu.RLock()
	var all []assigneeJSON
	for i := range s.w.users {
		u := &s.w.users[i]
		if len(u.roles) > 0 {
			all = append(all, assigneeJSON{ID: u.id, ORN: "orn:okta:directory:" + s.w.issuer[8:] + ":users:" + u.id,
				Links: map[string]link{"roles": {Href: s.w.issuer + "/api/v1/users/" + u.id + "/roles"}}})
		}
	}
	s.w.mu.RUnlock()
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	lo := 0
	if after := r.URL.Query().Get("after"); after != "" {
		lo = sort.Search(len(all), func(i int) bool { return all[i].ID > after })
	}
	hi := min(len(all), lo+limit)
	body := map[string]any{"value": append([]assigneeJSON{}, all[lo:hi]...), "_links": map[string]any{}}
	if hi < len(all) {
		body["_links"] = map[string]any{"next": link{Href: nextURL(r, all[hi-1].ID, limit)}}
	}
	writeJSON(w, http.StatusOK, body)
}
