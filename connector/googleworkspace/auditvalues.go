package googleworkspace

import "time"

// The values of audit activities the connector reads without encoding/json: event names,
// times and unique qualifiers.

// eventName returns the code of an event name.
func eventName(b []byte) uint8 {
	switch string(b) {
	case "authorize":
		return evAuthorize
	case "revoke":
		return evRevoke
	case "activity":
		return evActivity
	}
	return evOther
}

// parseMillis parses an RFC 3339 time into Unix milliseconds, or badTime. Google's own
// layout (2006-01-02T15:04:05.000Z) is read without time.Parse.
func parseMillis(b []byte) int64 {
	if len(b) == len("2006-01-02T15:04:05.000Z") && b[4] == '-' && b[7] == '-' && b[10] == 'T' &&
		b[13] == ':' && b[16] == ':' && b[19] == '.' && b[23] == 'Z' {
		y, okY := digitsAt(b, 0, 4)
		mo, okMo := digitsAt(b, 5, 2)
		d, okD := digitsAt(b, 8, 2)
		h, okH := digitsAt(b, 11, 2)
		mi, okMi := digitsAt(b, 14, 2)
		sec, okS := digitsAt(b, 17, 2)
		ms, okMs := digitsAt(b, 20, 3)
		if okY && okMo && okD && okH && okMi && okS && okMs && mo >= 1 && mo <= 12 && h < 24 && mi < 60 && sec < 60 {
			t := time.Date(y, time.Month(mo), d, h, mi, sec, ms*int(time.Millisecond), time.UTC)
			if t.Day() == d && d >= 1 { // no day 31 in April
				return t.UnixMilli()
			}
			return badTime
		}
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return badTime
	}
	return t.UnixMilli()
}

// digitsAt reads n decimal digits of b at off.
func digitsAt(b []byte, off, n int) (int, bool) {
	v := 0
	for _, c := range b[off : off+n] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, true
}

// parseInt64 parses a decimal int64 ("-" and digits; "null" is 0, as encoding/json reads
// a quoted null into an int64 with the ",string" option).
func parseInt64(b []byte) (int64, bool) {
	if string(b) == "null" {
		return 0, true
	}
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 {
		return 0, false
	}
	for len(b) > 1 && b[0] == '0' {
		b = b[1:]
	}
	if len(b) > 19 {
		return 0, false
	}
	var u uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true // -(1<<63) wraps to MinInt64, as it should
	case !neg && u < 1<<63:
		return int64(u), true
	}
	return 0, false
}
