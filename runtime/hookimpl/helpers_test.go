package hookimpl

import (
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
)

// newReq builds a real POST request carrying body and the given headers.
func newReq(body string, headers ...string) *http.Request {
	r := httptest.NewRequest(http.MethodPost, "https://receiver.test/hook", strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

func basicHeader(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}
