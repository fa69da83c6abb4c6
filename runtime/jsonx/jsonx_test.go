package jsonx_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/hookgen/hookgen/runtime/jsonx"
)

var bodies = []string{
	`{"event_type":"DASHER_CONFIRMED","fee":42}`,
	`{"EVENT_TYPE":"A"}`,
	`{"event_type":"A","event_type":"B"}`,
	`{"event_type":"A","Event_Type":null}`,
	`{"event_type":"A","event_type":1}`,
	`{"event_type":"\u00e9\ud800x"}`,
	"{\"event_type\":\"bad \xff utf8\"}",
	`{"event_id":1201895966044343904,"data":{"id":"x","list":[1,{"k":"v"}]}}`,
	`{"ev\u0065nt_type":"escaped key"}`,
	`{"event_type":"A"} x`,
	`{"event_type":"A"`,
	`[]`, `true`, `"s"`, `null`, ` null `, ``, `{}`, `{"a":[1,2,{"b":null}]}`,
}

// TestProbe holds Probe against json.Unmarshal into a one-field struct.
func TestProbe(t *testing.T) {
	for _, b := range bodies {
		checkProbe(t, []byte(b))
	}
}

func FuzzProbe(f *testing.F) {
	for _, b := range bodies {
		f.Add([]byte(b))
	}
	f.Fuzz(checkProbe)
}

func checkProbe(t *testing.T, data []byte) {
	var want struct {
		V string `json:"event_type"`
	}
	errStd := json.Unmarshal(data, &want)
	got, err := jsonx.Probe(data, "event_type")
	switch {
	case errStd != nil && err == nil:
		t.Fatalf("%q: Probe accepts what encoding/json rejects (%v)", data, errStd)
	case errStd == nil && err != nil && !isTopLevelNull(data) && !(errors.Is(err, jsonx.ErrRepeated) && repeated(data)):
		t.Fatalf("%q: Probe rejects what encoding/json accepts: %v", data, err)
	case errStd == nil && err == nil && repeated(data):
		t.Fatalf("%q: Probe accepts event_type given twice", data)
	case errStd == nil && err == nil && got != want.V:
		t.Fatalf("%q: Probe = %q, encoding/json %q", data, got, want.V)
	}
}

// repeated reports whether the object data has two keys that
// encoding/json would both decode into a field named event_type.
func repeated(data []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(data, &m) != nil {
		return false
	}
	// A map keeps one entry per exact key; count the keys as they come.
	dec := json.NewDecoder(bytes.NewReader(data))
	n := 0
	if _, err := dec.Token(); err != nil {
		return false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if k, _ := tok.(string); bytes.Equal(jsonx.Fold(nil, []byte(k)), []byte("EVENT_TYPE")) {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	return n > 1
}

func isTopLevelNull(data []byte) bool {
	var v any
	return json.Unmarshal(data, &v) == nil && v == nil
}

var nestedBodies = []string{
	`{"type":"event_callback","event":{"type":"app_mention","text":"hi"}}`,
	`{"event":{"TYPE":"message"}}`,
	`{"event":{"type":"a","type":"b"}}`,
	`{"event":{"type":"a"},"Event":{"type":"b"}}`,
	`{"event":{"type":"a"},"event":null}`,
	`{"event":null}`, `{"event":{}}`, `{"event":{"type":null}}`,
	`{"event":"app_mention"}`, `{"event":[{"type":"a"}]}`, `{"event":{"type":1}}`,
	`{"event":{"type":1},"x":}`, `{"event":{"type":"a"}} x`, `{"event":{"type":"a"}`,
	`{"event":{"type":"\u00e9"},"other":{"event":{"type":"no"}}}`,
	`[]`, `null`, ``, `{}`,
}

// TestProbePath holds ProbePath against json.Unmarshal into nested
// structs.
func TestProbePath(t *testing.T) {
	for _, b := range append(nestedBodies, bodies...) {
		checkProbePath(t, []byte(b))
	}
	if _, err := jsonx.ProbePath([]byte(`{"event":{"type":"a","Type":"b"}}`), []string{"event", "type"}); !errors.Is(err, jsonx.ErrRepeated) {
		t.Errorf("a type given twice inside event: %v, want ErrRepeated", err)
	}
}

func FuzzProbePath(f *testing.F) {
	for _, b := range nestedBodies {
		f.Add([]byte(b))
	}
	f.Fuzz(checkProbePath)
}

func checkProbePath(t *testing.T, data []byte) {
	var want struct {
		Event *struct {
			Type string `json:"type"`
		} `json:"event"`
	}
	errStd := json.Unmarshal(data, &want)
	got, err := jsonx.ProbePath(data, []string{"event", "type"})
	twice := repeatedPath(data)
	switch {
	case errStd != nil && err == nil:
		t.Fatalf("%q: ProbePath accepts what encoding/json rejects (%v)", data, errStd)
	case errStd == nil && err != nil && !isTopLevelNull(data) && !(errors.Is(err, jsonx.ErrRepeated) && twice):
		t.Fatalf("%q: ProbePath rejects what encoding/json accepts: %v", data, err)
	case errStd == nil && err == nil && twice:
		t.Fatalf("%q: ProbePath accepts event or its type given twice", data)
	case errStd == nil && err == nil && want.Event != nil && got != want.Event.Type:
		t.Fatalf("%q: ProbePath = %q, encoding/json %q", data, got, want.Event.Type)
	case errStd == nil && err == nil && want.Event == nil && got != "":
		t.Fatalf("%q: ProbePath = %q without an event", data, got)
	}
}

// repeatedPath reports whether the object data gives event twice, or an
// event object gives type twice, as encoding/json folds keys.
func repeatedPath(data []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return false
	}
	if countFolded(data, "EVENT") > 1 {
		return true
	}
	for k, v := range top {
		if bytes.Equal(jsonx.Fold(nil, []byte(k)), []byte("EVENT")) && countFolded(v, "TYPE") > 1 {
			return true
		}
	}
	return false
}

// countFolded counts the keys of the object data that fold to folded.
func countFolded(data []byte, folded string) int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return 0
	}
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return n
		}
		if k, _ := tok.(string); bytes.Equal(jsonx.Fold(nil, []byte(k)), []byte(folded)) {
			n++
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return n
		}
	}
	return n
}

// TestPayloadValue holds PayloadValue against a plain reference reading.
func TestPayloadValue(t *testing.T) {
	for _, b := range bodies {
		for _, p := range []string{"/event_type", "/event_id", "/data/id", "/data/list/1/k", "/data/list/0", "/a/2", "/missing", ""} {
			checkPayloadValue(t, []byte(b), p)
		}
	}
}

func FuzzPayloadValue(f *testing.F) {
	for _, b := range bodies {
		f.Add([]byte(b), "/event_id")
	}
	f.Fuzz(checkPayloadValue)
}

func checkPayloadValue(t *testing.T, body []byte, pointer string) {
	if want, got := referencePayloadValue(body, pointer), jsonx.PayloadValue(body, pointer); got != want {
		t.Fatalf("PayloadValue(%q, %q) = %q, reference %q", body, pointer, got, want)
	}
}

// TestEncoderMatchesMarshal checks strings and floats byte for byte.
func TestEncoderMatchesMarshal(t *testing.T) {
	for _, s := range []string{"", "plain", "<a href=\"x\">&</a>", "\u2028\u2029", "\x00\x01\b\f\n\r\t\x1f", "bad \xff\xfe", "é😀", "\\/"} {
		checkString(t, s)
	}
	for _, f := range []float64{0, math.Copysign(0, -1), 1, -1.5, 1e-7, 1e20, 1e21, 123456789, 3.4028235e38, 5e-324, math.MaxFloat64, 0.1} {
		checkFloat(t, f)
	}
}

func FuzzEncoder(f *testing.F) {
	f.Add("x<y", 1.5)
	f.Fuzz(func(t *testing.T, s string, x float64) {
		checkString(t, s)
		checkFloat(t, x)
	})
}

func checkString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	var e jsonx.Encoder
	e.Str(s)
	if got := e.Bytes(); string(got) != string(want) {
		t.Fatalf("Str(%q) = %s, json.Marshal %s", s, got, want)
	}
}

func checkFloat(t *testing.T, x float64) {
	for _, bits := range []int{32, 64} {
		var v any = x
		if bits == 32 {
			v = float32(x)
		}
		want, errStd := json.Marshal(v)
		var e jsonx.Encoder
		if bits == 32 {
			e.Float(float64(float32(x)), 32)
		} else {
			e.Float(x, 64)
		}
		got, err := e.Result()
		if (errStd == nil) != (err == nil) || string(got) != string(want) {
			t.Fatalf("Float(%v, %d) = %s, %v; json.Marshal %s, %v", x, bits, got, err, want, errStd)
		}
	}
}

// TestErrorPath checks the path of a nested error and its pointer form.
func TestErrorPath(t *testing.T) {
	err := jsonx.Field(jsonx.Index(jsonx.Field(jsonx.ErrMissing, "sku"), 2), "line_items")
	err = jsonx.Field(err, "3ds secure")
	var e *jsonx.Error
	if !errors.As(err, &e) || !errors.Is(err, jsonx.ErrMissing) {
		t.Fatalf("%v is no *jsonx.Error wrapping ErrMissing", err)
	}
	if got, want := e.Path(), `$["3ds secure"].line_items[2].sku`; got != want {
		t.Errorf("Path() = %s, want %s", got, want)
	}
	if got, want := e.Pointer(), `/3ds secure/line_items/2/sku`; got != want {
		t.Errorf("Pointer() = %s, want %s", got, want)
	}
}

// referencePayloadValue is the straightforward decode-each-level reading that
// jsonx.PayloadValue must agree with. It returns the value at a JSON pointer (RFC 6901) in a JSON
// body, for correlation ids such as $message.payload#/event_id: a string
// without its quotes, any other value as its JSON text (an id sent as the
// number 1201895966044343904 keeps every digit). It returns "" when the
// value is absent or the body is not JSON.
func referencePayloadValue(body []byte, pointer string) string {
	raw := json.RawMessage(body)
	var toks []string
	if pointer != "" {
		toks = strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	}
	for _, tok := range toks {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		if raw = bytes.TrimSpace(raw); len(raw) == 0 {
			return ""
		}
		switch raw[0] {
		case '{':
			var m map[string]json.RawMessage
			if json.Unmarshal(raw, &m) != nil {
				return ""
			}
			var ok bool
			if raw, ok = m[tok]; !ok {
				return ""
			}
		case '[':
			var a []json.RawMessage
			i, err := strconv.Atoi(tok)
			if json.Unmarshal(raw, &a) != nil || err != nil || i < 0 || i >= len(a) {
				return ""
			}
			raw = a[i]
		default:
			return ""
		}
	}
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	if bytes.Equal(raw, []byte("null")) {
		return ""
	}
	return string(raw)
}

func TestPayloadValueCases(t *testing.T) {
	body := []byte(`{"event_id": 1201895966044343904, "meta": {"id": "abc", "list": [1, {"x/y": "z"}]}, "nil": null}`)
	for ptr, want := range map[string]string{
		"/event_id":          "1201895966044343904",
		"/meta/id":           "abc",
		"/meta/list/1/x~1y":  "z",
		"/meta/list/0":       "1",
		"/missing":           "",
		"/nil":               "",
		"/meta/list/7":       "",
		"/event_id/deeper":   "",
		"/meta/list/notanum": "",
	} {
		if got := jsonx.PayloadValue(body, ptr); got != want {
			t.Errorf("PayloadValue(%q) = %q, want %q", ptr, got, want)
		}
	}
	for _, bad := range []string{"", "   ", "not json", "[", "{"} {
		if got := jsonx.PayloadValue([]byte(bad), "/a"); got != "" {
			t.Errorf("PayloadValue(%q) = %q", bad, got)
		}
	}
}

// TestReadStrArena checks that strings decoded into a shared arena keep
// their values across arena chunks, whatever happens to the input after.
func TestReadStrArena(t *testing.T) {
	var want []string
	data := []byte{'['}
	for i := range 200 {
		s := strings.Repeat(string(rune('a'+i%26)), i*3%300)
		if i%7 == 0 {
			s += "\u00e9\\n"
		}
		want = append(want, strings.ReplaceAll(s, "\\n", "\n"))
		if i > 0 {
			data = append(data, ',')
		}
		data = append(data, '"')
		data = append(data, s...)
		data = append(data, '"')
	}
	data = append(data, ']')
	d := jsonx.Begin(data)
	it, err := d.ArrIter()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for it.Next() {
		var s string
		if err := jsonx.ReadStr(d, &s); err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if err := jsonx.Finish(d, it.Err()); err != nil {
		t.Fatal(err)
	}
	clear(data)
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("string %d: %q, want %q", i, got[i], want[i])
		}
	}
}

// scanInputs are the edges of the JSON grammar the scanner must decide as
// encoding/json does.
var scanInputs = []string{
	`0`, `-0`, `-`, `01`, `1.`, `1.5e`, `1e+`, `1E-7`, `-12.5e+3`, `.5`, `+1`,
	`"a\"b\\c\/d\b\f\n\r\t"`, `"\u00e9\uD83D\uDE00\ud800\udc00x"`, `"\ud800"`, `"\ud800\u0041"`,
	`"\x"`, `"\u12"`, `"\u12g4"`, "\"tab\tin string\"", "\"\x00\"", `"unterminated`,
	"\"\xff\xfe invalid utf8 \xc3\"", `"12345678901234567890"`, `"abcdefg\"hijklmnop"`,
	`[1,2,]`, `[,1]`, `[1 2]`, `{"a":1,}`, `{"a" 1}`, `{1:2}`, `{"a":1 "b":2}`, `{}`, `[]`, ` [ ] `,
	`true`, `tru`, `trueX`, `false`, `nul`, `null`, `nullnull`, ``, ` `, "\t\r\n{}\n",
	`{"a":[{"b":[null,true,false,"s",-1.5e10]}]}`, strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

// TestScan holds the scanner against encoding/json on the grammar's edges.
func TestScan(t *testing.T) {
	for _, in := range scanInputs {
		checkScan(t, []byte(in))
	}
}

// FuzzScan is the differential fuzz target of the scanner: what it accepts
// (json.Valid) and how it reads strings (json.Unmarshal into a string).
func FuzzScan(f *testing.F) {
	for _, in := range scanInputs {
		f.Add([]byte(in))
	}
	f.Fuzz(checkScan)
}

func checkScan(t *testing.T, data []byte) {
	d := jsonx.Begin(data)
	if err := jsonx.Finish(d, d.Skip()); (err == nil) != json.Valid(data) {
		t.Fatalf("%q: scanner says %v, json.Valid %v", data, err, json.Valid(data))
	}
	var want, got string
	errStd := json.Unmarshal(data, &want)
	d = jsonx.Begin(data)
	err := jsonx.Finish(d, jsonx.ReadStr(d, &got))
	switch {
	case (err == nil) != (errStd == nil):
		t.Fatalf("%q: string: jsonx %v, encoding/json %v", data, err, errStd)
	case err == nil && got != want:
		t.Fatalf("%q: string %q, encoding/json %q", data, got, want)
	}
	// Strings that share the input read the same.
	var shared string
	d = jsonx.BeginShared(data)
	if err := jsonx.Finish(d, jsonx.ReadStr(d, &shared)); (err == nil) != (errStd == nil) || shared != got {
		t.Fatalf("%q: shared string %q (%v), copied %q", data, shared, err, got)
	}
}

// TestNumbers holds the number readers against encoding/json on the
// shapes each fast path takes or declines.
func TestNumbers(t *testing.T) {
	for _, in := range []string{
		"0", "-0", "-0.0", "37.422", "-122.084", "0.1", "0.3", "123456789012345", "1234567890123456",
		"999999999999999.9", "0.000000000000001", "9007199254740993", "1e3", "1.5E-7", "42", "-42",
		"18446744073709551615", "9223372036854775807", "-9223372036854775808", "922337203685477580",
		"1.7976931348623157e308", "4.9e-324", "1e400", "2.2250738585072011e-308",
	} {
		checkNumber(t, []byte(in))
	}
}

func FuzzNumber(f *testing.F) {
	for _, in := range []string{"37.422", "-0.5", "123456789012345", "1e3", "-9223372036854775808"} {
		f.Add([]byte(in))
	}
	f.Fuzz(checkNumber)
}

func checkNumber(t *testing.T, data []byte) {
	var wantF float64
	errF := json.Unmarshal(data, &wantF)
	var gotF float64
	d := jsonx.Begin(data)
	err := jsonx.Finish(d, jsonx.ReadFloat(d, &gotF))
	if (err == nil) != (errF == nil) || (err == nil && math.Float64bits(gotF) != math.Float64bits(wantF)) {
		t.Fatalf("%q: float64 %v (%v), encoding/json %v (%v)", data, gotF, err, wantF, errF)
	}
	var wantF32, gotF32 float32
	errF = json.Unmarshal(data, &wantF32)
	d = jsonx.Begin(data)
	err = jsonx.Finish(d, jsonx.ReadFloat(d, &gotF32))
	if (err == nil) != (errF == nil) || (err == nil && math.Float32bits(gotF32) != math.Float32bits(wantF32)) {
		t.Fatalf("%q: float32 %v (%v), encoding/json %v (%v)", data, gotF32, err, wantF32, errF)
	}
	var wantI, gotI int64
	errI := json.Unmarshal(data, &wantI)
	d = jsonx.Begin(data)
	err = jsonx.Finish(d, jsonx.ReadInt(d, &gotI))
	if (err == nil) != (errI == nil) || (err == nil && gotI != wantI) {
		t.Fatalf("%q: int64 %v (%v), encoding/json %v (%v)", data, gotI, err, wantI, errI)
	}
}

// TestKeyOutlivesNestedKeys: a key with escapes stays what it was while
// its value, with escaped keys of its own, is read (error paths name it).
func TestKeyOutlivesNestedKeys(t *testing.T) {
	for _, data := range []string{`{"x\u0079": {"a\u0062": 1, "c": }}`, `{"x\u0079": [{"a\u0062c": 1}, tru]}`} {
		d := jsonx.Begin([]byte(data))
		it, err := d.ObjIter()
		if err != nil {
			t.Fatal(err)
		}
		if !it.Next() {
			t.Fatalf("%s: no member", data)
		}
		if err := d.Skip(); err == nil {
			t.Fatalf("%s: Skip accepted a bad value", data)
		}
		if got := string(it.Key()); got != "xy" {
			t.Errorf("%s: key after its value %q, want %q", data, got, "xy")
		}
		_ = jsonx.Finish(d, nil)
	}
}

func TestRawOf(t *testing.T) {
	allowed := jsonx.KindInteger | jsonx.KindString
	for _, tc := range []struct {
		in   string
		want string // "" for an error wrapping ErrKind
	}{
		{`42`, `42`}, {`-7`, `-7`}, {`"abc"`, `"abc"`}, {`1201895966044343904`, `1201895966044343904`},
		{`1.5`, ``}, {`1e3`, ``}, {`{}`, ``}, {`[]`, ``}, {`true`, ``}, {`null`, ``},
	} {
		var m json.RawMessage
		d := jsonx.Begin([]byte(tc.in))
		err := jsonx.Finish(d, jsonx.RawOf(d, &m, allowed))
		switch {
		case tc.want == "" && !errors.Is(err, jsonx.ErrKind):
			t.Errorf("RawOf(%s) = %s, %v; want an ErrKind error", tc.in, m, err)
		case tc.want != "" && (err != nil || string(m) != tc.want):
			t.Errorf("RawOf(%s) = %s, %v; want %s", tc.in, m, err, tc.want)
		}
	}
	var m json.RawMessage
	d := jsonx.Begin([]byte(`{}`))
	err := jsonx.Finish(d, jsonx.RawOf(d, &m, allowed))
	if want := "$: value of a type the schema does not allow: want an integer or a string, got an object"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %s", err, want)
	}
}

// TestElements: an array's elements, each as it is in the body; anything
// but a valid array is an error.
func TestElements(t *testing.T) {
	got, err := jsonx.Elements([]byte(` [ {"event":"open","sg_event_id":"a"}, 1,"s" ,null,[2]] `))
	want := []string{`{"event":"open","sg_event_id":"a"}`, `1`, `"s"`, `null`, `[2]`}
	if err != nil || len(got) != len(want) {
		t.Fatalf("Elements = %q, %v", got, err)
	}
	for i := range want {
		if string(got[i]) != want[i] {
			t.Errorf("element %d = %s, want %s", i, got[i], want[i])
		}
	}
	if got, err := jsonx.Elements([]byte(`[]`)); err != nil || len(got) != 0 {
		t.Errorf("[] = %q, %v", got, err)
	}
	for _, bad := range []string{`{}`, `null`, ``, `[1,]`, `[1] x`, `[{"a":}]`, `"[]"`} {
		if _, err := jsonx.Elements([]byte(bad)); err == nil {
			t.Errorf("Elements(%s) accepted", bad)
		}
	}
}

func TestPointer(t *testing.T) {
	body := []byte(`{"a/b":{"c":[1,{"d":"x"}]},"n":null}`)
	for ptr, want := range map[string]string{
		"/a~1b/c/1/d": `"x"`, "/a~1b/c/0": "1", "/n": "", "/missing": "", "/a~1b/c/9": "", "/a~1b/c/-1": "",
	} {
		got, ok := jsonx.Pointer(body, ptr)
		if string(got) != want || ok != (want != "") {
			t.Errorf("Pointer(%s) = %s, %v; want %s", ptr, got, ok, want)
		}
	}
	if got := jsonx.SplitPointer("type"); len(got) != 1 || got[0] != "type" {
		t.Errorf("SplitPointer(type) = %q", got)
	}
	if got := jsonx.SplitPointer("/a~1b/~0c"); len(got) != 2 || got[0] != "a/b" || got[1] != "~c" {
		t.Errorf("SplitPointer = %q", got)
	}
}
