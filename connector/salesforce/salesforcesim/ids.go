package salesforcesim

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
)

// base62 is the alphabet of Salesforce IDs.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// sfID returns an 18-character case-safe Salesforce ID: the object's 3-character key
// prefix, the pod "5e0", n in nine base-62 digits, and the 3-character checksum that
// makes the ID case-insensitively unique.
func sfID(prefix string, n uint64) string {
	var b [9]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = base62[n%62]
		n /= 62
	}
	return caseSafe(prefix + "5e0" + string(b[:]))
}

// hashID returns the ID of prefix for the thing named by parts: the same parts always
// give the same ID.
func hashID(prefix string, parts ...string) string {
	sum := sha256.Sum256([]byte(prefix + "\x00" + strings.Join(parts, "\x00")))
	return sfID(prefix, binary.BigEndian.Uint64(sum[:8])%13537086546263552) // 62^9
}

// caseSafe appends the checksum of a 15-character ID: for each 5-character chunk, the
// bits of its upper-case letters index "A..Z0..5".
func caseSafe(id15 string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	var sb strings.Builder
	sb.WriteString(id15)
	for chunk := range 3 {
		bits := 0
		for i := range 5 {
			if c := id15[chunk*5+i]; c >= 'A' && c <= 'Z' {
				bits |= 1 << i
			}
		}
		sb.WriteByte(alphabet[bits])
	}
	return sb.String()
}

// id15 returns the 15-character form of an ID, for comparisons: Salesforce takes either
// form of an ID wherever it takes one.
func id15(id string) string {
	if len(id) == 18 {
		return id[:15]
	}
	return id
}

// validID reports whether s is shaped like a 15- or 18-character Salesforce ID.
func validID(s string) bool {
	if len(s) != 15 && len(s) != 18 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune(base62, rune(s[i])) {
			return false
		}
	}
	return true
}

// randText returns n base-62 characters derived from seed, for handles such as request IDs
// that must look random yet be reproducible.
func randText(n int, seed ...string) string {
	var sb strings.Builder
	for ctr := 0; sb.Len() < n; ctr++ {
		sum := sha256.Sum256([]byte(strings.Join(seed, "\x00") + "\x00" + string(rune('a'+ctr))))
		for _, c := range sum {
			if sb.Len() == n {
				break
			}
			sb.WriteByte(base62[int(c)%62])
		}
	}
	return sb.String()
}
