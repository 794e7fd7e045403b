package connkit

import (
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/google/jsonschema-go/jsonschema"

	connectors "github.com/xlr8/connectors"
)

// schemaTypes are the library's types with a JSON form jsonschema-go cannot
// infer from their Go shape.
var schemaTypes = map[reflect.Type]*jsonschema.Schema{
	reflect.TypeFor[connectors.Date]():   {Type: "string", Format: "date"},
	reflect.TypeFor[connectors.Record](): {Type: "object"},
}

// SchemaFor returns the JSON Schema of T for a Capability's InputSchema or
// OutputSchema, inferred by github.com/google/jsonschema-go as the MCP Go
// SDK does: a field is required unless its json tag says omitempty or
// omitzero (the rule Decode enforces). It panics if T cannot be described:
// capability tables are built from static types at init, where that is a
// programming error.
func SchemaFor[T any]() json.RawMessage {
	s, err := jsonschema.For[T](&jsonschema.ForOptions{TypeSchemas: schemaTypes})
	if err != nil {
		panic(fmt.Sprintf("connkit: schema of %T: %v", *new(T), err))
	}
	b, err := json.Marshal(s)
	if err != nil {
		panic(fmt.Sprintf("connkit: schema of %T: %v", *new(T), err))
	}
	return b
}
