package jsonx

import "testing"

// TestNullable: null and a value are told apart, and each says the field
// was present; a read error is returned and leaves the field invalid.
func TestNullable(t *testing.T) {
	for _, tc := range []struct {
		in           string
		value        int64
		valid, isErr bool
	}{
		{"null", 0, false, false},
		{"42", 42, true, false},
		{`"x"`, 0, false, true},
	} {
		var value int64 = 7
		var valid, set bool
		err := Nullable(Begin([]byte(tc.in)), &value, &valid, &set, ReadInt[int64])
		if (err != nil) != tc.isErr || !set || valid != tc.valid || (!tc.isErr && value != tc.value) {
			t.Errorf("%s: value %d valid %v set %v err %v; want %d %v true, error %v", tc.in, value, valid, set, err, tc.value, tc.valid, tc.isErr)
		}
	}
}

type decodes struct{ n int64 }

func (x *decodes) decodeJSON(d *Decoder) error { return ReadInt(d, &x.n) }

func TestNullableValue(t *testing.T) {
	v := decodes{n: 7}
	var valid, set bool
	if err := NullableValue(Begin([]byte("null")), &v, &valid, &set, (*decodes).decodeJSON); err != nil || valid || !set || v.n != 0 {
		t.Errorf("null: %+v valid %v set %v err %v", v, valid, set, err)
	}
	if err := NullableValue(Begin([]byte("3")), &v, &valid, &set, (*decodes).decodeJSON); err != nil || !valid || v.n != 3 {
		t.Errorf("3: %+v valid %v err %v", v, valid, err)
	}
}
