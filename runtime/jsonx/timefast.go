package jsonx

import "time"

// parseTime decodes the JSON value raw (including its quotes, or the literal
// null) into *t with exactly the result of t.UnmarshalJSON(raw): the same
// time.Time value (wall, ext and loc identical, so reflect.DeepEqual and ==
// agree), null leaves *t alone, and an error exactly when UnmarshalJSON
// reports one.
//
// The common forms "YYYY-MM-DDTHH:MM:SSZ" and "YYYY-MM-DDTHH:MM:SS.fZ" (1 to 9
// fractional digits, uppercase T and Z) are decoded directly; everything else,
// including every invalid value, is left to t.UnmarshalJSON, so the fast path
// never decides an input differently, and errors are time's own.
func parseTime(raw []byte, t *time.Time) error {
	if v, ok := parseTimeFast(raw); ok {
		*t = v
		return nil
	}
	return t.UnmarshalJSON(raw)
}

// timeFracScale[k] scales a fraction of k digits to nanoseconds.
var timeFracScale = [10]int{0, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1}

// parseTimeFast decodes raw if it is a quoted UTC date-time of one of the
// forms parseTime handles directly and its fields are in the ranges that
// time's RFC 3339 parser (time.parseRFC3339) accepts. It reports false for
// anything else, valid or not.
//
// On every input it accepts, time.parseRFC3339 also succeeds, and with the
// same fields builds the value with time.Date(..., time.UTC): no monotonic
// reading and a nil loc (setLoc maps &utcLoc to nil), as here.
func parseTimeFast(raw []byte) (time.Time, bool) {
	// `"2006-01-02T15:04:05Z"` is 22 bytes; `"2006-01-02T15:04:05.999999999Z"` 32.
	n := len(raw)
	if n < 22 || n > 32 || raw[0] != '"' || raw[n-1] != '"' || raw[n-2] != 'Z' {
		return time.Time{}, false
	}
	s := raw[1 : n-2] // 2006-01-02T15:04:05 and maybe .999999999
	if s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	// timeDigits2 returns -1 for a non-digit, which fails every range check.
	y1, y2 := timeDigits2(s[0], s[1]), timeDigits2(s[2], s[3])
	month := timeDigits2(s[5], s[6])
	day := timeDigits2(s[8], s[9])
	hour := timeDigits2(s[11], s[12])
	min := timeDigits2(s[14], s[15])
	sec := timeDigits2(s[17], s[18])
	if y1 < 0 || y2 < 0 || month < 1 || month > 12 || day < 1 ||
		hour < 0 || hour > 23 || min < 0 || min > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	year := y1*100 + y2 // 0 to 9999
	if day > timeDaysIn(month, year) {
		return time.Time{}, false
	}

	nsec := 0
	if len(s) > 19 {
		// A '.' and 1 to 9 digits. Neither ',' nor a '.' without digits
		// nor more than 9 digits: those go to UnmarshalJSON.
		frac := s[19:]
		if len(frac) < 2 || frac[0] != '.' {
			return time.Time{}, false
		}
		for _, c := range frac[1:] {
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			nsec = nsec*10 + int(c-'0')
		}
		nsec *= timeFracScale[len(frac)-1]
	}
	// time.Date(year, month, day, hour, min, sec, nsec, time.UTC) gives
	// this value (no monotonic reading, a nil loc) for a fraction of its
	// cost, since the fields are in range and need no normalizing.
	secs := daysSinceEpoch(year, month, day)*86400 + int64(hour*3600+min*60+sec)
	return time.Unix(secs, int64(nsec)).UTC(), true
}

// daysSinceEpoch is the number of days from 1970-01-01 to the date in the
// proleptic Gregorian calendar (H. Hinnant's days_from_civil).
func daysSinceEpoch(year, month, day int) int64 {
	y := int64(year)
	if month <= 2 {
		y-- // years start in March, so that the leap day ends them
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400                                    // [0, 399]
	doy := (153*int64((month+9)%12)+2)/5 + int64(day) - 1 // [0, 365]
	doe := yoe*365 + yoe/4 - yoe/100 + doy                // [0, 146096]
	return era*146097 + doe - 719468
}

// timeDigits2 returns the value of the two decimal digits a and b, or -1 if
// either is not a digit.
func timeDigits2(a, b byte) int {
	a -= '0'
	b -= '0'
	if a > 9 || b > 9 {
		return -1
	}
	return int(a)*10 + int(b)
}

// timeDaysIn returns the number of days in month (1 to 12) of year, with the
// proleptic Gregorian leap years that time uses (year 0 is a leap year).
func timeDaysIn(month, year int) int {
	if month == 2 {
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	// 31 30 31 30 31 30 31 31 30 31 30 31
	return 30 + (month+month>>3)&1
}
