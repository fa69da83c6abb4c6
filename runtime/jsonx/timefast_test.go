package jsonx

import (
	"fmt"
	"reflect"
	"testing"
	"time"
)

// timeCases are raw JSON values for parseTime. fast says whether
// parseTimeFast must decode it itself; ok whether time.Time.UnmarshalJSON
// accepts it (checked too, so that the table means what it says).
var timeCases = []struct {
	raw      string
	fast, ok bool
}{
	// The fast path.
	{`"2023-06-15T10:20:30Z"`, true, true},
	{`"0000-01-01T00:00:00Z"`, true, true},
	{`"9999-12-31T23:59:59Z"`, true, true},
	{`"1970-01-01T00:00:00Z"`, true, true},
	{`"2024-02-29T12:00:00Z"`, true, true}, // leap day
	{`"2000-02-29T12:00:00Z"`, true, true}, // divisible by 400
	{`"0000-02-29T00:00:00Z"`, true, true}, // year 0 is a leap year
	{`"2023-01-31T00:00:00Z"`, true, true},
	{`"2023-04-30T00:00:00Z"`, true, true},
	{`"2023-12-31T00:00:00Z"`, true, true},
	{`"2023-06-15T23:59:59Z"`, true, true},
	{`"2023-06-15T10:20:30.1Z"`, true, true},
	{`"2023-06-15T10:20:30.12Z"`, true, true},
	{`"2023-06-15T10:20:30.123Z"`, true, true},
	{`"2023-06-15T10:20:30.1234Z"`, true, true},
	{`"2023-06-15T10:20:30.12345Z"`, true, true},
	{`"2023-06-15T10:20:30.123456Z"`, true, true},
	{`"2023-06-15T10:20:30.1234567Z"`, true, true},
	{`"2023-06-15T10:20:30.12345678Z"`, true, true},
	{`"2023-06-15T10:20:30.123456789Z"`, true, true},
	{`"2023-06-15T10:20:30.000000000Z"`, true, true},
	{`"2023-06-15T10:20:30.999999999Z"`, true, true},
	{`"2023-06-15T10:20:30.0Z"`, true, true},

	// Invalid dates and times (fallback, error).
	{`"2023-02-29T12:00:00Z"`, false, false}, // not a leap year
	{`"1900-02-29T12:00:00Z"`, false, false}, // divisible by 100 only
	{`"2024-02-30T12:00:00Z"`, false, false},
	{`"2023-04-31T00:00:00Z"`, false, false},
	{`"2023-00-10T00:00:00Z"`, false, false},
	{`"2023-13-10T00:00:00Z"`, false, false},
	{`"2023-01-00T00:00:00Z"`, false, false},
	{`"2023-01-32T00:00:00Z"`, false, false},
	{`"2023-06-15T24:00:00Z"`, false, false},
	{`"2023-06-15T23:60:00Z"`, false, false},
	{`"2023-06-15T23:59:60Z"`, false, false}, // no leap seconds
	{`"2023-06-15T10:20:30.Z"`, false, false},
	{`"2023-06-15T10:20:30.1x3Z"`, false, false},
	{`"2023-06-15T10:20:30"`, false, false}, // no zone
	{`"2023-06-15"`, false, false},
	{`"2023-6-15T10:20:30Z"`, false, false},
	{`"2023/06/15T10:20:30Z"`, false, false},
	{`"2023-06-15 10:20:30Z"`, false, false},
	{`"20x3-06-15T10:20:30Z"`, false, false},
	{`"-023-06-15T10:20:30Z"`, false, false},
	{`"+2023-06-15T10:20:30Z"`, false, false},
	{`"12023-06-15T10:20:30Z"`, false, false},
	{`"2023-06-15T10:20:30ZZ"`, false, false},
	{`"2023-06-15T10:20:30Z "`, false, false},
	{`" 2023-06-15T10:20:30Z"`, false, false},

	// Valid for UnmarshalJSON, but not on the fast path.
	{`"2023-06-15T10:20:30.1234567891Z"`, false, true}, // 10 digits, truncated
	{`"2023-06-15T10:20:30.12345678912345Z"`, false, true},
	{`"2023-06-15T10:20:30,5Z"`, false, true}, // ',' separator (time.Parse)
	{`"2023-06-15T1:20:30Z"`, false, true},    // one-digit hour (time.Parse)
	{`"2023-06-15T10:20:30+02:00"`, false, true},
	{`"2023-06-15T10:20:30-07:00"`, false, true},
	{`"2023-06-15T10:20:30+00:00"`, false, true}, // may be time.Local
	{`"2023-06-15T10:20:30-00:00"`, false, true},
	{`"2023-06-15T10:20:30.5+05:30"`, false, true},

	// Zone offsets out of range: Go 1.26 accepts them (time.Parse; the
	// strict checks of parseStrictRFC3339 are disabled, go.dev/issue/54580).
	{`"2023-06-15T10:20:30+24:00"`, false, true},
	{`"2023-06-15T10:20:30+02:60"`, false, true},
	{`"2023-06-15T10:20:30+02:61"`, false, false},
	{`"2023-06-15T10:20:30+99:59"`, false, false},
	// Other zone oddities.
	{`"2023-06-15T10:20:30+0200"`, false, false},
	{`"2023-06-15T10:20:30UTC"`, false, false},

	// Lowercase separators and escapes: UnmarshalJSON does not unescape.
	{`"2023-06-15t10:20:30Z"`, false, false},
	{`"2023-06-15T10:20:30z"`, false, false},
	{`"2023-06-15t10:20:30z"`, false, false},
	{`"2023-06-15\u005410:20:30Z"`, false, false},
	{`"2023-06-15T10:20:30\u005a"`, false, false},
	{`"\u0032023-06-15T10:20:30Z"`, false, false},

	// Not a date-time string.
	{`null`, false, true},
	{`nul`, false, false},
	{`nulll`, false, false},
	{`"null"`, false, false},
	{`""`, false, false},
	{`"`, false, false},
	{``, false, false},
	{`0`, false, false},
	{`1686824430`, false, false},
	{`true`, false, false},
	{`{}`, false, false},
	{`[]`, false, false},
	{`"2023-06-15T10:20:30Z`, false, false},
	{`2023-06-15T10:20:30Z"`, false, false},
	{`2023-06-15T10:20:30Z`, false, false},
	{`"2023-06-15T10:20:30Z"x`, false, false}, // trailing junk
	{`"2023-06-15T10:20:30Z" `, false, false},
	{` "2023-06-15T10:20:30Z"`, false, false},
	{`"2023-06-15T10:20:30Z",`, false, false},
	{`"2023-06-15T10:20:30Z""`, false, false},
	{"\"2023-06-15T10:20:30\x00Z\"", false, false},
	{"\"2023-06-15T10:20:30.\xff5Z\"", false, false},
}

// timeSentinel is the value *t holds before each decode, so that a decoder
// that wrongly leaves or clears it is seen.
var timeSentinel = time.Date(2001, 2, 3, 4, 5, 6, 7, time.FixedZone("sentinel", 3600))

// checkParseTime decodes raw with parseTime and with time.Time.UnmarshalJSON
// and fails unless both give the same value and the same error or not.
func checkParseTime(t *testing.T, raw []byte) {
	t.Helper()
	got, want := timeSentinel, timeSentinel
	gotErr := parseTime(raw, &got)
	wantErr := want.UnmarshalJSON(raw)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("parseTime(%q): error %v, UnmarshalJSON: error %v", raw, gotErr, wantErr)
	}
	if gotErr != nil && gotErr.Error() == "" {
		t.Fatalf("parseTime(%q): empty error text", raw)
	}
	// With an offset other than Local's, UnmarshalJSON makes a new
	// FixedZone each call, so two calls' results differ in == (loc pointer)
	// but not in reflect.DeepEqual; otherwise loc is nil, UTC or Local.
	sharedLoc := want.Location() == time.UTC || want.Location() == time.Local
	if !reflect.DeepEqual(got, want) || sharedLoc && got != want {
		t.Fatalf("parseTime(%q) = %#v, UnmarshalJSON: %#v", raw, got, want)
	}
	if v, ok := parseTimeFast(raw); ok {
		// Covered by the above, but say so plainly: what the fast path
		// accepts, UnmarshalJSON accepts with the same value, in UTC.
		if wantErr != nil || v != want || !reflect.DeepEqual(v, want) || v.Location() != time.UTC {
			t.Fatalf("parseTimeFast(%q) = %#v, UnmarshalJSON: %#v, %v", raw, v, want, wantErr)
		}
	}
}

func TestParseTime(t *testing.T) {
	for _, c := range timeCases {
		raw := []byte(c.raw)
		t.Run(c.raw, func(t *testing.T) {
			checkParseTime(t, raw)
			if _, ok := parseTimeFast(raw); ok != c.fast {
				t.Errorf("parseTimeFast(%q) ok = %v, want %v", raw, ok, c.fast)
			}
			var tt time.Time
			if err := tt.UnmarshalJSON(raw); (err == nil) != c.ok {
				t.Errorf("UnmarshalJSON(%q): error %v, want ok %v", raw, err, c.ok)
			}
		})
	}
}

// TestParseTimeFields tries every pair of characters '0' to '9' in each
// field of the date and time, over years with and without leap days.
func TestParseTimeFields(t *testing.T) {
	years := []string{"0000", "0001", "0004", "0100", "0400", "1900", "1970", "2000", "2023", "2024", "2100", "9996", "9999"}
	for _, year := range years {
		for mo := 0; mo < 100; mo++ {
			for d := 0; d < 100; d++ {
				checkParseTime(t, fmt.Appendf(nil, `"%s-%02d-%02dT12:34:56Z"`, year, mo, d))
			}
		}
	}
	for h := 0; h < 100; h++ {
		for m := 0; m < 100; m++ {
			checkParseTime(t, fmt.Appendf(nil, `"2024-02-29T%02d:%02d:00.5Z"`, h, m))
			checkParseTime(t, fmt.Appendf(nil, `"2024-02-29T%02d:00:%02dZ"`, h, m))
		}
	}
	for y := 0; y < 10000; y += 7 {
		checkParseTime(t, fmt.Appendf(nil, `"%04d-12-31T23:59:59.999999999Z"`, y))
	}
}

// TestParseTimeRoundTrip decodes what time.Time.MarshalJSON writes for UTC
// values, which must all take the fast path.
func TestParseTimeRoundTrip(t *testing.T) {
	for i := range 2000 {
		// A spread of instants over years 0 to 9999 and of nanoseconds
		// with 0 to 9 significant fractional digits.
		sec := int64(i)*157_766_413 - 62_167_219_200
		nsec := int64(i) * 7_654_321 % 1_000_000_000
		p := int64(1)
		for range i % 10 {
			p *= 10
		}
		nsec -= nsec % p
		v := time.Unix(sec, nsec).UTC()
		if v.Year() > 9999 {
			continue
		}
		raw, err := v.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		checkParseTime(t, raw)
		if _, ok := parseTimeFast(raw); !ok {
			t.Fatalf("parseTimeFast(%s): not on the fast path", raw)
		}
	}
}

func TestParseTimeNull(t *testing.T) {
	got := timeSentinel
	if err := parseTime([]byte("null"), &got); err != nil || got != timeSentinel {
		t.Fatalf("parseTime(null) = %v, %v; want *t unchanged, nil", got, err)
	}
}

func TestParseTimeAllocs(t *testing.T) {
	raw := []byte(`"2023-06-15T10:20:30.123456Z"`)
	var v time.Time
	if n := testing.AllocsPerRun(100, func() { _ = parseTime(raw, &v) }); n != 0 {
		t.Fatalf("parseTime allocates %v times per run, want 0", n)
	}
}

func FuzzParseTime(f *testing.F) {
	for _, c := range timeCases {
		f.Add([]byte(c.raw))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkParseTime(t, raw)
	})
}

func BenchmarkParseTime(b *testing.B) {
	inputs := []struct{ name, raw string }{
		{"Z", `"2023-06-15T10:20:30Z"`},
		{"Millis", `"2023-06-15T10:20:30.123Z"`},
		{"Nanos", `"2023-06-15T10:20:30.123456789Z"`},
		{"Offset", `"2023-06-15T10:20:30+02:00"`}, // fallback
	}
	for _, in := range inputs {
		raw := []byte(in.raw)
		b.Run("parseTime/"+in.name, func(b *testing.B) {
			var v time.Time
			for b.Loop() {
				if err := parseTime(raw, &v); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("UnmarshalJSON/"+in.name, func(b *testing.B) {
			var v time.Time
			for b.Loop() {
				if err := v.UnmarshalJSON(raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
