// Package hookimpl is the part of hookgen's runtime that only generated
// packages call: the HTTP endpoint of a channel, the runner that
// de-duplicates deliveries and calls handlers, the settings behind a
// generated package's options, and the helpers of the status-code
// contract.
//
// It is for generated code only and may change between versions of
// hookgen without notice, like protobuf-go's runtime/protoimpl. Write
// against package webhook and the generated packages instead: a generated
// package's With… options configure everything here.
package hookimpl

// SupportPackageIsVersion1 is referenced by every package generated for
// this version of the runtime. A generated package that needs a newer
// runtime references SupportPackageIsVersion2 (or later) and fails to
// compile against this one with that name in the error, rather than with
// a confusing error about some identifier that changed.
const SupportPackageIsVersion1 = true
