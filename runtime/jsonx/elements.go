package jsonx

// Elements returns the elements of the JSON array data, each as its own
// bytes inside data, in one pass: data must be valid JSON and an array
// (a top-level null is an error too). The elements are not decoded.
func Elements(data []byte) ([][]byte, error) {
	d := Begin(data)
	var out [][]byte
	it, err := d.ArrIter()
	if err != nil {
		return nil, Finish(d, err)
	}
	for it.Next() {
		raw, err := RawBytes(d)
		if err != nil {
			return nil, Finish(d, Index(err, len(out)))
		}
		out = append(out, raw)
	}
	if err := it.Err(); err != nil {
		return nil, Finish(d, err)
	}
	return out, Finish(d, nil)
}
