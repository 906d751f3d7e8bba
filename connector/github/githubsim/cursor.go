package githubsim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
)

// cursor is what an opaque audit-log (or GraphQL) cursor carries: the position of the
// last item delivered, bound to the query it pages.
type cursor struct {
	fp   uint64
	a, b int64
}

// The sizes of a cursor's payload and of the HMAC it carries.
const (
	cursorLen = 3 * 8
	cursorMAC = 12
)

// encodeCursor returns an authenticated, opaque cursor.
func (s *Server) encodeCursor(c cursor) string {
	buf := make([]byte, 0, cursorLen+cursorMAC)
	for _, v := range []uint64{c.fp, uint64(c.a), uint64(c.b)} {
		buf = binary.BigEndian.AppendUint64(buf, v)
	}
	mac := hmac.New(sha256.New, s.pageKey)
	mac.Write(buf)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(buf)[:cursorLen+cursorMAC])
}

// decodeCursor returns the position of a cursor this server issued for the query that
// hashes to fp; false for any other string.
func (s *Server) decodeCursor(tok string, fp uint64) (cursor, bool) {
	buf, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(buf) != cursorLen+cursorMAC {
		return cursor{}, false
	}
	mac := hmac.New(sha256.New, s.pageKey)
	mac.Write(buf[:cursorLen])
	if !hmac.Equal(mac.Sum(nil)[:cursorMAC], buf[cursorLen:]) {
		return cursor{}, false
	}
	c := cursor{fp: binary.BigEndian.Uint64(buf), a: int64(binary.BigEndian.Uint64(buf[8:])), b: int64(binary.BigEndian.Uint64(buf[16:]))}
	return c, c.fp == fp
}

// fingerprint hashes the parts of a query a cursor is bound to.
func fingerprint(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum64()
}
