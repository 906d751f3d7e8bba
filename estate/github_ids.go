package estate

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
)

// maxLogin is the longest login GitHub allows.
const maxLogin = 39

// The alphabets of the generator's random strings.
const (
	ghAlnum       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	ghHex         = "0123456789abcdef"
	ghUpperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
)

// ghIDSeq hands out increasing numeric IDs with random gaps, so that the IDs of one kind
// are unique and grow with time of creation, as GitHub's do.
type ghIDSeq struct{ last int64 }

// next returns an ID from 1 to gap above the last one.
func (s *ghIDSeq) next(r *rand.Rand, gap int64) int64 {
	s.last += 1 + r.Int64N(gap)
	return s.last
}

// ghRandText returns n characters drawn from alphabet.
func ghRandText(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

// cleanLogin returns s as a GitHub login: lower-case letters, digits and single inner
// hyphens, at most max characters; everything else is dropped and runs of hyphens (or
// of dropped characters between kept ones) collapse to one hyphen.
func cleanLogin(s string, max int) string {
	b := make([]byte, 0, len(s))
	for _, c := range []byte(strings.ToLower(s)) {
		switch {
		case isLower(c) || isDigit(c):
			b = append(b, c)
		case len(b) > 0 && b[len(b)-1] != '-':
			b = append(b, '-')
		}
	}
	if len(b) > max {
		b = b[:max]
	}
	return strings.TrimRight(string(b), "-")
}

// validLogin reports whether s follows GitHub's login rules: 1 to 39 lower-case letters,
// digits and single hyphens, neither first nor last.
func validLogin(s string) bool {
	if s == "" || len(s) > maxLogin || s[0] == '-' || s[len(s)-1] == '-' || strings.Contains(s, "--") {
		return false
	}
	for _, c := range []byte(s) {
		if !isLower(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

// loginSet hands out unique logins.
type loginSet map[string]struct{}

// claim returns base (made a valid login) if free, else base with the smallest number
// from 2 that makes it free, shortening base to fit; it records the login it returns.
func (s loginSet) claim(base string) string {
	base = cleanLogin(base, maxLogin)
	if base == "" {
		base = "user"
	}
	login := base
	for n := 2; ; n++ {
		if _, taken := s[login]; !taken {
			s[login] = struct{}{}
			return login
		}
		suffix := strconv.Itoa(n)
		login = cleanLogin(base, maxLogin-len(suffix)) + suffix
	}
}

// personLogin proposes a login for a person from the local part of the person's e-mail
// address (first.last, or a single word), in one of the styles engineers pick.
func personLogin(r *rand.Rand, email string) string {
	local, _, _ := strings.Cut(email, "@")
	first, last, ok := strings.Cut(local, ".")
	if !ok || first == "" || last == "" {
		return local
	}
	last = strings.TrimRight(last, "0123456789") // drop the e-mail's own numbering
	if last == "" {
		return first
	}
	switch r.IntN(6) {
	case 0:
		return first + last
	case 1:
		return first + "-" + last
	case 2:
		return first[:1] + last
	case 3:
		return first + last[:1]
	case 4:
		return first + last + strconv.Itoa(10+r.IntN(90))
	}
	return last + "-" + first
}

// orgLogin returns the login of the company's main organization: the first label of its
// domain, cut so that the labs organization and the bots' logins still fit.
func orgLogin(domain string) string {
	label, _, _ := strings.Cut(domain, ".")
	if l := cleanLogin(label, 24); l != "" {
		return l
	}
	return "company"
}

// ghNameHash returns bytes derived from a name, the same for every estate: vendors' app
// client IDs do not depend on the seed.
func ghNameHash(name string) [64]byte {
	return sha512.Sum512([]byte("nhi estate github " + name))
}

// appClientID returns a GitHub App's client ID: "Iv23li" and 14 letters and digits,
// derived from its slug.
func appClientID(slug string) string {
	return "Iv23li" + ghHashText(ghNameHash("app "+slug), 14)
}

// oauthClientID returns an OAuth app's client ID: "Ov23li" and 14 letters and digits,
// derived from its name.
func oauthClientID(name string) string {
	return "Ov23li" + ghHashText(ghNameHash("oauth "+name), 14)
}

// ghHashText spells the first n bytes of h in letters and digits.
func ghHashText(h [64]byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ghAlnum[int(h[i])%len(ghAlnum)]
	}
	return string(b)
}

// newGHDeployKey draws an Ed25519 public key in OpenSSH form ("ssh-ed25519 AAAA...") and
// returns it with its fingerprint ("SHA256:" and the unpadded base64 of the SHA-256 of
// the key blob), as ssh-keygen -l shows it.
func newGHDeployKey(r *rand.Rand) (key, fingerprint string) {
	const algo = "ssh-ed25519"
	blob := make([]byte, 0, 4+len(algo)+4+32)
	blob = binary.BigEndian.AppendUint32(blob, uint32(len(algo)))
	blob = append(blob, algo...)
	blob = binary.BigEndian.AppendUint32(blob, 32)
	for range 4 {
		blob = binary.BigEndian.AppendUint64(blob, r.Uint64())
	}
	sum := sha256.Sum256(blob)
	return algo + " " + base64.StdEncoding.EncodeToString(blob), "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
}

// newGHFingerprint draws the SHA256 fingerprint of a user's SSH key.
func newGHFingerprint(r *rand.Rand) string {
	var b [32]byte
	for i := 0; i < len(b); i += 8 {
		binary.BigEndian.PutUint64(b[i:], r.Uint64())
	}
	return "SHA256:" + base64.RawStdEncoding.EncodeToString(b[:])
}
