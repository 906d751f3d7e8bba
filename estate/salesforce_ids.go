package estate

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// sfBase62 is the alphabet of Salesforce IDs, in the order their counters run.
const sfBase62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// The key prefixes of the Salesforce objects the estate names.
const (
	sfPrefixOrg       = "00D"
	sfPrefixUser      = "005"
	sfPrefixUserLogin = "0Yw"
	sfPrefixApp       = "0H4"
	sfPrefixMenuItem  = "0Jm"
	sfPrefixLogin     = "0Ya"
	sfPrefixBulkJob   = "750"
)

// SFIDLen is the length of a case-safe Salesforce ID.
const SFIDLen = 18

// sfPods are instance codes, the two characters after an ID's key prefix.
var sfPods = [...]string{"5e", "4x", "8a", "Dn", "Hs", "Kd", "J0", "3t"}

// sfCounterMax bounds the record counters the estate starts an object's IDs at, so that
// IDs look like a real org's: zeros, then a few significant characters.
const sfCounterMax = 62 * 62 * 62 * 62 * 62 * 62

// appendSFID appends the 18-character ID of record n of the object with key prefix on
// instance pod: the prefix, the pod, a reserved "0", n in nine base-62 digits, and the
// three-character case-safe suffix.
func appendSFID(dst []byte, prefix, pod string, n uint64) []byte {
	var id [15]byte
	copy(id[:], prefix)
	copy(id[3:], pod)
	id[5] = '0'
	for i := 14; i >= 6; i-- {
		id[i] = sfBase62[n%62]
		n /= 62
	}
	dst = append(dst, id[:]...)
	return append(dst, sfCaseSafeSuffix(id)...)
}

// sfCaseSafeSuffix returns the suffix that turns a 15-character case-sensitive ID into
// its 18-character case-insensitive form: for each five characters, the bit mask of
// their uppercase letters (first character lowest) as a letter or digit of
// "A".."Z", "0".."5".
func sfCaseSafeSuffix(id [15]byte) []byte {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
	out := make([]byte, 3)
	for chunk := range 3 {
		mask := 0
		for j := range 5 {
			if c := id[chunk*5+j]; c >= 'A' && c <= 'Z' {
				mask |= 1 << j
			}
		}
		out[chunk] = alphabet[mask]
	}
	return out
}

// sfIDs returns n IDs of the object with key prefix on pod, for consecutive records
// from a random start, held by one allocation.
func sfIDs(r *rand.Rand, prefix, pod string, n int) []string {
	start := r.Uint64N(sfCounterMax)
	buf := make([]byte, 0, n*SFIDLen)
	for i := range n {
		buf = appendSFID(buf, prefix, pod, start+uint64(i))
	}
	all := string(buf)
	out := make([]string, n)
	for i := range out {
		out[i] = all[i*SFIDLen : (i+1)*SFIDLen]
	}
	return out
}

// sfDeleteTokens returns n DeleteToken handles: "5Aep861" and 80 random characters of
// letters, digits, "." and "_", as Salesforce's opaque token strings look, held by one
// allocation.
func sfDeleteTokens(r *rand.Rand, n int) []string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
	const prefix, body = "5Aep861", 80
	size := len(prefix) + body
	buf := make([]byte, 0, n*size)
	for range n {
		buf = append(buf, prefix...)
		for k := 0; k < body; k += 10 {
			x := r.Uint64()
			for j := 0; j < 10 && k+j < body; j++ {
				buf = append(buf, alphabet[x&63])
				x >>= 6
			}
		}
	}
	all := string(buf)
	out := make([]string, n)
	for i := range out {
		out[i] = all[i*size : (i+1)*size]
	}
	return out
}

// sfRequestID returns the REQUEST_ID of the n-th API request of an org with salt: "4",
// eleven base-62 characters of a bijective mix of n (so distinct n give distinct IDs)
// and "-".
func sfRequestID(salt, n uint64) string {
	x := (n ^ salt) * 0x9e3779b97f4a7c15
	x ^= x >> 31
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 29
	var b [13]byte
	b[0], b[12] = '4', '-'
	for i := 11; i >= 1; i-- {
		b[i] = sfBase62[x%62]
		x /= 62
	}
	return string(b[:])
}

// sfMyDomain returns the org's My Domain name for the company's domain: its first label.
func sfMyDomain(domain string) string {
	label, _, _ := strings.Cut(domain, ".")
	return label
}

// sfAPIName turns a display name into a Metadata API name: letters and digits, other
// runs of characters as one underscore.
func sfAPIName(name string) string {
	var b strings.Builder
	under := false
	for _, c := range []byte(name) {
		if isLower(c) || isDigit(c) || (c >= 'A' && c <= 'Z') {
			b.WriteByte(c)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}

// TokenSubject returns the label subject and connector ExternalID of token t:
// "<UserId>/<AppMenuItemId>/<CreatedDate as Unix milliseconds>".
func (s *Salesforce) TokenSubject(t SFToken) string {
	return s.Users[t.User].ID + "/" + s.Apps[t.App].MenuItemID + "/" + strconv.FormatInt(t.CreatedAt.UnixMilli(), 10)
}
