package openlineage

// The schema loader and validator, for the CLI-level test in package
// openlineage_test.
var (
	LoadSchemas   = schemas
	ValidateEvent = validate
)
