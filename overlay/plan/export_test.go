package plan

// For the error table (errors_test.go, package plan_test, which imports
// overlay for the generation errors): the fixtures and the parser with
// includes from a map.
var (
	ParseWith = parseWith
	GoSrc     = src
	AsmSrc    = asmSrc
)
