package postgres

import (
	"encoding/json"
	"fmt"

	"github.com/nhiscope/nhi"
)

// The JSON columns hold "[]" or "{}" when empty, so that the jsonb functions always see
// arrays and objects; empty values read back as nil.

// encodePermissions returns the JSON of ps.
func encodePermissions(ps []nhi.Permission) (string, error) {
	if len(ps) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ps)
	return string(b), err
}

// encodeCredentials returns the JSON of cs, with their times in UTC at millisecond
// precision, like every other time the store keeps.
func encodeCredentials(cs []nhi.Credential) (string, error) {
	if len(cs) == 0 {
		return "[]", nil
	}
	norm := make([]nhi.Credential, len(cs))
	for i, c := range cs {
		c.CreatedAt = normTime(c.CreatedAt)
		c.LastUsedAt = normTime(c.LastUsedAt)
		c.ExpiresAt = normTime(c.ExpiresAt)
		norm[i] = c
	}
	b, err := json.Marshal(norm)
	return string(b), err
}

// encodeAttributes returns the JSON of m.
func encodeAttributes(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// decodeJSON decodes the JSON column col into v, leaving v untouched for "", "[]" and "{}".
func decodeJSON(col, s string, v any) error {
	switch s {
	case "", "[]", "{}", "null":
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %s: %w", col, err)
	}
	return nil
}

// encodeJSON returns the JSON of v, which must be marshalable.
func encodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}
