package googleworkspacesim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
)

// The kinds of page token.
const (
	pageUsers byte = iota + 1
	pageActivities
)

// pageMACLen is how many bytes of HMAC-SHA256 a page token carries.
const pageMACLen = 12

// encodePageToken returns an opaque page token for position (a, b) of a listing of the
// given kind whose query hashes to fp. Tokens are authenticated, so a tampered token, or one
// reused with other query parameters, is rejected.
func (s *Server) encodePageToken(kind byte, fp uint64, a, b int64) string {
	buf := make([]byte, 0, 25+pageMACLen)
	buf = append(buf, kind)
	buf = binary.BigEndian.AppendUint64(buf, fp)
	buf = binary.BigEndian.AppendUint64(buf, uint64(a))
	buf = binary.BigEndian.AppendUint64(buf, uint64(b))
	mac := hmac.New(sha256.New, s.pageKey)
	mac.Write(buf)
	buf = mac.Sum(buf)[:25+pageMACLen]
	return base64.RawURLEncoding.EncodeToString(buf)
}

// decodePageToken returns the position a page token holds, or false if it is not a token
// this server issued for this kind of listing and query.
func (s *Server) decodePageToken(tok string, kind byte, fp uint64) (a, b int64, ok bool) {
	buf, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(buf) != 25+pageMACLen {
		return 0, 0, false
	}
	mac := hmac.New(sha256.New, s.pageKey)
	mac.Write(buf[:25])
	if !hmac.Equal(mac.Sum(nil)[:pageMACLen], buf[25:]) || buf[0] != kind ||
		binary.BigEndian.Uint64(buf[1:9]) != fp {
		return 0, 0, false
	}
	return int64(binary.BigEndian.Uint64(buf[9:17])), int64(binary.BigEndian.Uint64(buf[17:25])), true
}

// badPageToken is the answer to a page token the server did not issue.
func badPageToken() apiError { return invalidParam("pageToken", "Invalid page token") }
