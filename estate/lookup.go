package estate

import (
	"slices"
	"sort"
	"strings"
)

// Person returns person i. It panics if i is out of range, like an index expression.
func (e *Estate) Person(i int) *Person { return &e.People[i] }

// Vendor returns vendor i (the Vendor of a grant). It panics if i is out of range.
func (e *Estate) Vendor(i int) *Vendor { return &e.Vendors[i] }

// PersonByEmail returns the index of the person with the e-mail address, compared without
// regard to case. It searches EmailOrder, or, when an estate built by hand lacks it,
// scans People.
func (e *Estate) PersonByEmail(email string) (int, bool) {
	email = strings.ToLower(email)
	if len(e.EmailOrder) != len(e.People) {
		i := slices.IndexFunc(e.People, func(p Person) bool { return strings.EqualFold(p.Email, email) })
		return i, i >= 0
	}
	k := sort.Search(len(e.EmailOrder), func(k int) bool { return e.People[e.EmailOrder[k]].Email >= email })
	if k < len(e.EmailOrder) && e.People[e.EmailOrder[k]].Email == email {
		return int(e.EmailOrder[k]), true
	}
	return -1, false
}

// PersonByGoogleID returns the index of the person with the Google user ID. People are in
// ascending order of GoogleID (all IDs have the same length), so this is a binary search.
func (e *Estate) PersonByGoogleID(id string) (int, bool) {
	i, ok := slices.BinarySearchFunc(e.People, id, func(p Person, id string) int {
		return strings.Compare(p.GoogleID, id)
	})
	if !ok {
		return -1, false
	}
	return i, true
}

// PersonByKey returns the index of the person a Directory API userKey names: a Google
// user ID or an e-mail address.
func (e *Estate) PersonByKey(key string) (int, bool) {
	if strings.Contains(key, "@") {
		return e.PersonByEmail(key)
	}
	return e.PersonByGoogleID(key)
}

// VendorByClientID returns the index of the vendor whose app has the OAuth client ID.
func (e *Estate) VendorByClientID(clientID string) (int, bool) {
	i := slices.IndexFunc(e.Vendors, func(v Vendor) bool { return v.GoogleClientID == clientID })
	return i, i >= 0
}

// FirstAdmin returns the first active admin, the one to impersonate, or nil if there is
// none (never for a generated estate: its first person is one).
func (e *Estate) FirstAdmin() *Person {
	for i := range e.People {
		if p := &e.People[i]; p.Admin && p.Status == Active {
			return p
		}
	}
	return nil
}

// GrantsOf returns the live grants of person i, in vendor order. The result shares
// memory with Grants and must not be modified.
func (e *Estate) GrantsOf(person int) []Grant { return grantsOf(e.Grants, person) }

// RevokedOf returns the revoked grants of person i, in vendor order. The result shares
// memory with Revoked and must not be modified.
func (e *Estate) RevokedOf(person int) []Grant { return grantsOf(e.Revoked, person) }

// grantsOf returns the run of grants, sorted by person, that belong to person.
func grantsOf(grants []Grant, person int) []Grant {
	lo := sort.Search(len(grants), func(k int) bool { return int(grants[k].Person) >= person })
	hi := lo + sort.Search(len(grants)-lo, func(k int) bool { return int(grants[lo+k].Person) > person })
	return grants[lo:hi:hi]
}
