package parser

import "github.com/hookgen/hookgen/model"

// LintData is Lint on a document held in memory, for the fuzz target.
func LintData(name string, data []byte) (*model.API, ErrorList, error) {
	return parse(name, data, true, nil)
}
