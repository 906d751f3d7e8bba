package entrasim

import (
	"bytes"
	"net/http"
)

// deltaSource is a collection as a delta query reads it, under w.mu.
type deltaSource struct {
	n      int
	meta   func(i int) meta
	id     func(i int) string
	fields func(i int) []kv
	// removedReason is "changed" for objects that are soft-deleted (restorable) and
	// "deleted" for those that are gone for good.
	removedReason string
}

// deltaApps answers GET /v1.0/applications/delta.
func (s *Server) deltaApps(w http.ResponseWriter, r *http.Request, _ caller) {
	wd := s.w
	s.delta(w, r, s.res.app, func() deltaSource {
		return deltaSource{n: len(wd.apps), meta: func(i int) meta { return wd.apps[i].meta },
			id:     func(i int) string { return wd.apps[i].app.ObjectID },
			fields: func(i int) []kv { return applicationFields(&wd.apps[i].app) }, removedReason: "changed"}
	})
}

// deltaSPs answers GET /v1.0/servicePrincipals/delta.
func (s *Server) deltaSPs(w http.ResponseWriter, r *http.Request, _ caller) {
	wd := s.w
	s.delta(w, r, s.res.sp, func() deltaSource {
		return deltaSource{n: len(wd.sps), meta: func(i int) meta { return wd.sps[i].meta },
			id:     func(i int) string { return wd.sps[i].sp.ObjectID },
			fields: func(i int) []kv { return spFields(&wd.sps[i].sp) }, removedReason: "changed"}
	})
}

// deltaGrants answers GET /v1.0/oauth2PermissionGrants/delta.
func (s *Server) deltaGrants(w http.ResponseWriter, r *http.Request, _ caller) {
	wd := s.w
	s.delta(w, r, s.res.grant, func() deltaSource {
		return deltaSource{n: len(wd.grants), meta: func(i int) meta { return wd.grants[i].meta },
			id:     func(i int) string { return wd.grants[i].id },
			fields: func(i int) []kv { return wd.grantFields(wd.grants[i]) }, removedReason: "deleted"}
	})
}

// delta runs one page of a delta round. The first request (no token) lists every live
// object, with an optional $select; $skiptoken pages on within a round; the last page
// carries @odata.deltaLink, whose $deltatoken starts a round listing what changed since:
// changed and new objects in full, removed ones as {"id", "@removed"}.
func (s *Server) delta(w http.ResponseWriter, r *http.Request, res *resource, open func() deltaSource) {
	q, gerr := parseQuery(r, res, optSelect|optSkip|optDelta)
	if gerr != nil {
		s.fail(w, r, *gerr)
		return
	}
	fp := fingerprint(r.URL.Path, "")
	wd := s.w
	wd.mu.RLock()
	defer wd.mu.RUnlock()
	t := pageToken{kind: tokDeltaPage, fp: fp, snap: wd.ver, sel: selBits(res, q.sel)}
	var ok bool
	switch {
	case q.skipToken != "":
		t, ok = s.decodeToken(q.skipToken, tokDeltaPage, fp)
	case q.deltaToken != "":
		t, ok = s.decodeToken(q.deltaToken, tokDelta, fp)
		t.kind, t.a, t.snap = tokDeltaPage, 0, wd.ver
	default:
		ok = true
	}
	src := open()
	if !ok || t.a < 0 || t.a > int64(src.n) || t.snap > wd.ver {
		s.fail(w, r, badRequest("Request_BadRequest", "Invalid or expired delta token."))
		return
	}
	s.respond(w, r, s.deltaPage(r, res, t, src), nil)
}

// deltaPage renders the page of a delta round at t.
func (s *Server) deltaPage(r *http.Request, res *resource, t pageToken, src deltaSource) []byte {
	sel := bitsSel(res, t.sel)
	size := (&query{}).pageSize(s.opts.MaxPageSize)
	var items bytes.Buffer
	count, i := 0, int(t.a)
	for ; i < src.n && count < size; i++ {
		m := src.meta(i)
		if (t.since == 0 && m.removed) || (t.since > 0 && m.ver <= t.since) {
			continue
		}
		if count > 0 {
			items.WriteByte(',')
		}
		count++
		if m.removed {
			appendObject(&items, nil, nil, kv{"id", src.id(i)}, kv{"@removed", map[string]string{"reason": src.removedReason}})
			continue
		}
		appendObject(&items, src.fields(i), sel)
	}
	link := baseURL(r) + r.URL.Path
	if i < src.n {
		next := t
		next.a = int64(i)
		return collection(contextURL(r, res.set, sel, false), "@odata.nextLink", link+"?$skiptoken="+s.encodeToken(next), items.Bytes())
	}
	done := pageToken{kind: tokDelta, fp: t.fp, since: t.snap, sel: t.sel}
	return collection(contextURL(r, res.set, sel, false), "@odata.deltaLink", link+"?$deltatoken="+s.encodeToken(done), items.Bytes())
}

// selBits encodes a selection as bits of the resource's members; 0 means none given.
func selBits(res *resource, sel selection) uint64 {
	var bits uint64
	for i, f := range res.fields {
		if sel != nil && sel.has(f) {
			bits |= 1 << i
		}
	}
	return bits
}

// bitsSel decodes selBits; 0 gives nil, every member.
func bitsSel(res *resource, bits uint64) selection {
	if bits == 0 {
		return nil
	}
	var sel selection
	for i, f := range res.fields {
		if bits&(1<<i) != 0 {
			sel = append(sel, f)
		}
	}
	return sel
}
