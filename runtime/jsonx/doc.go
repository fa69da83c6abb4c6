// Package jsonx is the JSON decoder and encoder that hookgen-generated
// packages are built on: a cursor over the whole body in memory, with
// located errors, in a fraction of encoding/json's time.
//
// It is for generated code only and may change between versions of hookgen
// without notice. Code outside generated packages uses no more of it than
// the errors a generated decoder returns: [Error] (with its Path) and the
// sentinels it wraps, such as [ErrMissing] and [ErrNull], found with
// errors.As and errors.Is.
package jsonx
