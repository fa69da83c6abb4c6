// Package providers holds the loopback tests of the provider packages in
// generated/: each starts a package's Server behind an HTTP listener and
// sends it requests as its provider's documentation shows them (the
// documented payloads and headers, signed the provider's way in the test
// itself, not with hookgen's test kit), then checks the answer the
// provider requires and the handler calls.
package providers
