package entrasim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
)

// The kinds of page token: a $skiptoken of a listing, a $skiptoken within a delta round,
// and a $deltatoken.
const (
	tokList byte = iota + 1
	tokDeltaPage
	tokDelta
)

// pageToken is the state an opaque $skiptoken or $deltatoken carries.
type pageToken struct {
	kind byte
	// fp binds the token to the path and query options it pages.
	fp uint64
	// a and b are a position in the listing.
	a, b int64
	// since is the world version a delta round reports changes after; snap the version
	// the round started at, which its deltaLink carries on.
	since, snap uint64
	// sel is the $select of a delta round, as bits of the resource's members.
	sel uint64
}

// tokenLen is the length of a token's payload; tokenMAC how many bytes of HMAC-SHA256 it
// carries.
const (
	tokenLen = 1 + 6*8
	tokenMAC = 12
)

// encodeToken returns an authenticated, opaque token for t.
func (s *Server) encodeToken(t pageToken) string {
	buf := make([]byte, 0, tokenLen+tokenMAC)
	buf = append(buf, t.kind)
	for _, v := range []uint64{t.fp, uint64(t.a), uint64(t.b), t.since, t.snap, t.sel} {
		buf = binary.BigEndian.AppendUint64(buf, v)
	}
	mac := hmac.New(sha256.New, s.pageKey)
	mac.Write(buf)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(buf)[:tokenLen+tokenMAC])
}

// decodeToken returns the state of a token this server issued, of the given kind, for the
// query that hashes to fp; false for any other string.
func (s *Server) decodeToken(tok string, kind byte, fp uint64) (pageToken, bool) {
	buf, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(buf) != tokenLen+tokenMAC {
		return pageToken{}, false
	}
	mac := hmac.New(sha256.New, s.pageKey)
	mac.Write(buf[:tokenLen])
	if !hmac.Equal(mac.Sum(nil)[:tokenMAC], buf[tokenLen:]) || buf[0] != kind {
		return pageToken{}, false
	}
	u := func(i int) uint64 { return binary.BigEndian.Uint64(buf[1+8*i:]) }
	t := pageToken{kind: kind, fp: u(0), a: int64(u(1)), b: int64(u(2)), since: u(3), snap: u(4), sel: u(5)}
	if t.fp != fp {
		return pageToken{}, false
	}
	return t, true
}

// fingerprint hashes a path and canonical query options.
func fingerprint(path, canon string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(path))
	h.Write([]byte{0})
	h.Write([]byte(canon))
	return h.Sum64()
}

// badSkipToken is Graph's answer to a $skiptoken it cannot use.
func badSkipToken() graphError {
	return badRequest("Directory_ExpiredPageToken",
		"The specified page token value has expired and can no longer be included in your request.")
}
