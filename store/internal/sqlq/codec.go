package sqlq

import (
	"encoding/json"
	"fmt"

	"github.com/nhiscope/nhi"
)

// The JSON columns hold "[]" or "{}" when empty, so that the JSON functions of either
// database (json_each, jsonb_array_elements) always see arrays and objects; empty values
// read back as nil.

// EncodePermissions returns the JSON of ps.
func EncodePermissions(ps []nhi.Permission) (string, error) {
	if len(ps) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(ps)
	return string(b), err
}

// EncodeCredentials returns the JSON of cs, with their times in UTC at millisecond
// precision, like every other time the stores keep.
func EncodeCredentials(cs []nhi.Credential) (string, error) {
	if len(cs) == 0 {
		return "[]", nil
	}
	norm := make([]nhi.Credential, len(cs))
	for i, c := range cs {
		c.CreatedAt = NormTime(c.CreatedAt)
		c.LastUsedAt = NormTime(c.LastUsedAt)
		c.ExpiresAt = NormTime(c.ExpiresAt)
		norm[i] = c
	}
	b, err := json.Marshal(norm)
	return string(b), err
}

// EncodeAttributes returns the JSON of m.
func EncodeAttributes(m map[string]string) (string, error) {
	if len(m) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(m)
	return string(b), err
}

// DecodeJSON decodes the JSON column col into v, leaving v untouched for "", "[]" and "{}".
func DecodeJSON(col, s string, v any) error {
	switch s {
	case "", "[]", "{}", "null":
		return nil
	}
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("decode %s: %w", col, err)
	}
	return nil
}

// EncodeJSON returns the JSON of v, which must be marshalable.
func EncodeJSON(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode: %w", err)
	}
	return string(b), nil
}
