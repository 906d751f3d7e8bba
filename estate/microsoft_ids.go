package estate

import (
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// guidLen is the length of a GUID in its canonical form: 8-4-4-4-12 hexadecimal digits.
const guidLen = 36

// appendGUID appends the canonical lowercase form of the 16 bytes b to dst, as a random
// (version 4, RFC 4122 variant) GUID.
func appendGUID(dst []byte, b [16]byte) []byte {
	const hex = "0123456789abcdef"
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hex[c>>4], hex[c&0x0f])
	}
	return dst
}

// randomBytes16 draws 16 bytes from r.
func randomBytes16(r *rand.Rand) [16]byte {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], r.Uint64())
	binary.BigEndian.PutUint64(b[8:], r.Uint64())
	return b
}

// newGUID draws a random GUID from r.
func newGUID(r *rand.Rand) string {
	return string(appendGUID(make([]byte, 0, guidLen), randomBytes16(r)))
}

// newGUIDs draws n random GUIDs from r, held by one allocation.
func newGUIDs(r *rand.Rand, n int) []string {
	buf := make([]byte, 0, n*guidLen)
	for range n {
		buf = appendGUID(buf, randomBytes16(r))
	}
	all := string(buf)
	out := make([]string, n)
	for i := range out {
		out[i] = all[i*guidLen : (i+1)*guidLen]
	}
	return out
}

// nameGUID derives a GUID from a name, the same for every estate: vendors' app and
// tenant IDs do not depend on the seed.
func nameGUID(name string) string {
	sum := sha512.Sum512([]byte("nhi estate microsoft " + name))
	return string(appendGUID(make([]byte, 0, guidLen), [16]byte(sum[:16])))
}

// guidBytes returns the 16 bytes of a canonical GUID in Microsoft's binary layout (the
// first three groups little-endian), as object IDs are packed into the IDs of delegated
// permission grants and app role assignments. It returns zeros for a malformed GUID.
func guidBytes(s string) [16]byte {
	var b [16]byte
	if len(s) != guidLen {
		return b
	}
	k := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '-' {
			continue
		}
		b[k/2] |= unhex(s[i]) << (4 * (1 - k%2))
		k++
	}
	b[0], b[1], b[2], b[3] = b[3], b[2], b[1], b[0]
	b[4], b[5] = b[5], b[4]
	b[6], b[7] = b[7], b[6]
	return b
}

// unhex returns the value of one hexadecimal digit, 0 for anything else.
func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}

// grantID returns the ID Microsoft Graph gives a delegated permission grant: the
// unpadded base64url encoding of the binary object IDs (guidBytes) of the client, the
// resource and, for a Principal grant, the user.
func grantID(ids ...[16]byte) string {
	var buf [48]byte
	n := 0
	for _, b := range ids[:min(len(ids), 3)] {
		n += copy(buf[n:], b[:])
	}
	return base64.RawURLEncoding.EncodeToString(buf[:n])
}

// assignmentID returns an app role assignment ID: the principal's object ID in binary
// and 16 random bytes, unpadded base64url (43 characters).
func assignmentID(r *rand.Rand, principal string) string {
	p, x := guidBytes(principal), randomBytes16(r)
	return base64.RawURLEncoding.EncodeToString(append(p[:], x[:]...))
}

// initialDomain returns the tenant's initial domain for the company's primary domain:
// the letters and digits of its first label (at most 27) and ".onmicrosoft.com".
func initialDomain(domain string) string {
	label, _, _ := strings.Cut(domain, ".")
	b := make([]byte, 0, 27)
	for _, c := range []byte(label) {
		if (isLower(c) || isDigit(c)) && len(b) < 27 {
			b = append(b, c)
		}
	}
	return string(b) + ".onmicrosoft.com"
}

// tenantName returns the company's display name for its own apps' publisher: the first
// label of its domain, capitalized.
func tenantName(domain string) string {
	label, _, _ := strings.Cut(domain, ".")
	return strings.ToUpper(label[:1]) + label[1:]
}
