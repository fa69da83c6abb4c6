package webhook

// Example is one example delivery from a provider's spec: what a generated
// package's Examples function returns, and what tests and `hookgen send`
// replay.
type Example struct {
	// Message is the message's key in the spec, e.g. "DasherConfirmed".
	Message string
	// Name and Summary are the example's own, when the spec gives them.
	Name    string
	Summary string
	// Channel is the channel the message is delivered on, e.g. "/webhook".
	Channel string
	// Headers are the example's message headers.
	Headers map[string]string
	// Payload is the example body, as JSON.
	Payload []byte
}
