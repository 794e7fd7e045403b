package mcp

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	connectors "github.com/xlr8/connectors"
	"github.com/xlr8/connectors/policy"
	"github.com/xlr8/connectors/translate"
)

// actionTool makes the tool of a capability: its name, description and
// schemas are the capability's; its annotations say read-only for actions
// that change nothing, destructive for writes.
func actionTool(s *Server, conn connectors.Connector, c connectors.Capability) (*tool, error) {
	in := json.RawMessage(`{"type":"object"}`)
	if len(c.InputSchema) > 0 {
		var m map[string]any
		if err := json.Unmarshal(c.InputSchema, &m); err != nil || m["type"] != "object" {
			return nil, connectors.Errorf(connectors.CodeInvalidArgument, "mcp: capability %s: input schema is not a JSON object schema", c.Name)
		}
		in = c.InputSchema
	}
	def := &sdk.Tool{Name: toolName(c.Name), Description: describe(c), InputSchema: in, Annotations: annotations(c)}
	if len(c.OutputSchema) > 0 {
		def.OutputSchema = c.OutputSchema
	}
	t := &tool{def: def, cap: c}
	t.handle = func(ctx context.Context, pr connectors.Principal, args map[string]any) *sdk.CallToolResult {
		out, err := conn.Execute(policy.WithPrincipal(ctx, pr), c.Name, connectors.WithPrincipal(args, pr))
		if err != nil {
			return toolError(err)
		}
		masked, _ := out[policy.MaskedKey].([]string)
		delete(out, policy.MaskedKey)
		r := result(out, s.maxBytes)
		if len(masked) > 0 && !r.IsError {
			r.Meta = sdk.Meta{"masked_fields": masked}
		}
		return r
	}
	return t, nil
}

func describe(c connectors.Capability) string {
	d := c.Description
	if c.Sensitive {
		d += " (sensitive)"
	}
	return d
}

func annotations(c connectors.Capability) *sdk.ToolAnnotations {
	open := true
	a := &sdk.ToolAnnotations{Title: c.Description, ReadOnlyHint: !c.Write, OpenWorldHint: &open}
	if c.Write {
		destructive := true
		a.DestructiveHint = &destructive
	} else {
		a.IdempotentHint = true
	}
	return a
}

// readInputSchema is the read tool's input.
var readInputSchema = json.RawMessage(`{
  "type": "object",
  "properties": {
    "fields": {"type": "array", "items": {"type": "string"}, "description": "fields to return (default: all)"},
    "where": {"type": "string", "description": "a filter in the universal query language: status = 'ACTIVE' AND hire_date >= DATE '2024-01-01'"},
    "limit": {"type": "integer", "minimum": 1, "description": "records to return in this call (the server caps it)"},
    "cursor": {"type": "string", "description": "next_cursor of the previous call, with the same fields and where"}
  },
  "additionalProperties": false
}`)

var readOutputSchema = json.RawMessage(`{
  "type": "object",
  "properties": {
    "records": {"type": "array", "items": {"type": "object"}},
    "next_cursor": {"type": "string", "description": "pass it back as cursor for the next records; absent at the end"},
    "masked_fields": {"type": "array", "items": {"type": "string"}, "description": "personal fields masked for this caller"}
  },
  "required": ["records"]
}`)

// readTool makes the read tool of an entity: Get with fields, a filter, a
// bound, and a cursor that is the stream's Resume token.
func readTool(s *Server, conn connectors.Connector, product, entity string) *tool {
	c := policy.ReadCapability(product, entity)
	yes := true
	def := &sdk.Tool{Name: toolName(c.Name), Description: c.Description + ": fields, a where filter, paged by cursor",
		InputSchema: readInputSchema, OutputSchema: readOutputSchema,
		Annotations: &sdk.ToolAnnotations{Title: c.Description, ReadOnlyHint: true, IdempotentHint: true, OpenWorldHint: &yes}}
	t := &tool{def: def, cap: c}
	t.handle = func(ctx context.Context, pr connectors.Principal, args map[string]any) *sdk.CallToolResult {
		q, limit, err := readQuery(entity, args, s.maxRecs)
		if err != nil {
			return toolError(err)
		}
		var next string
		ctx = connectors.WithResumeHook(policy.WithPrincipal(ctx, pr), func(token string) { next = token })
		records := []connectors.Record{}
		var masked []string
		size := 0
		for rec, err := range conn.Get(ctx, q) {
			if err != nil {
				return toolError(err)
			}
			for _, m := range maskedIn(rec) {
				if !slices.Contains(masked, m) {
					masked = append(masked, m)
				}
			}
			b, err := json.Marshal(rec)
			if err != nil {
				return toolError(connectors.Errorf(connectors.CodeInternal, "a record does not encode as JSON"))
			}
			if len(b) > s.maxBytes {
				return toolError(connectors.Errorf(connectors.CodeInvalidArgument, "a record is %d bytes, over this server's limit of %d; select fewer fields", len(b), s.maxBytes))
			}
			records = append(records, rec)
			size += len(b)
			if len(records) >= limit || size >= s.maxBytes {
				break
			}
		}
		out := map[string]any{"records": records}
		if next != "" {
			out["next_cursor"] = next
		}
		if len(masked) > 0 {
			slices.Sort(masked)
			out["masked_fields"] = masked
		}
		return result(out, 2*s.maxBytes)
	}
	return t
}

// maskedIn lists the top-level fields of rec that hold policy.Masked.
func maskedIn(rec connectors.Record) []string {
	var out []string
	for k, v := range rec {
		if v == policy.Masked {
			out = append(out, k)
		}
	}
	return out
}

// readQuery builds the Query of a read-tool call. The filter is parsed by
// translate's universal parser (values are literals, never spliced into a
// vendor query); the cursor is the Resume token of the same query.
func readQuery(entity string, args map[string]any, maxRecs int) (connectors.Query, int, error) {
	q := connectors.Query{Entity: entity}
	limit := maxRecs
	for k, v := range args {
		switch k {
		case "fields":
			list, ok := v.([]any)
			if !ok {
				return q, 0, errorf("fields must be a list of strings")
			}
			for _, f := range list {
				s, ok := f.(string)
				if !ok || s == "" {
					return q, 0, errorf("fields must be a list of strings")
				}
				q.Fields = append(q.Fields, s)
			}
		case "where":
			s, ok := v.(string)
			if !ok {
				return q, 0, errorf("where must be a string")
			}
			if strings.TrimSpace(s) == "" {
				continue
			}
			parsed, err := translate.Parse("SELECT * FROM x WHERE " + s)
			if err != nil {
				return q, 0, err
			}
			if parsed.Limit != 0 || len(parsed.OrderBy) != 0 || !parsed.AsOf.IsZero() || !parsed.Since.IsZero() {
				return q, 0, errorf("where takes a filter only")
			}
			q.Where = parsed.Where
		case "limit":
			n, ok := v.(float64)
			if !ok || n < 1 || n != float64(int(n)) {
				return q, 0, errorf("limit must be a positive whole number")
			}
			limit = min(int(n), maxRecs)
		case "cursor":
			s, ok := v.(string)
			if !ok {
				return q, 0, errorf("cursor must be a string")
			}
			q.Resume = s
		default:
			return q, 0, errorf("unknown argument %q (want fields, where, limit, cursor)", k)
		}
	}
	return q, limit, nil
}

// toolName makes a valid MCP tool name (letters, digits, _ - .; at most 128
// characters) of a capability name.
func toolName(name string) string {
	b := []byte(name)
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_', c == '-', c == '.':
		default:
			b[i] = '_'
		}
	}
	if len(b) > 128 {
		b = b[:128]
	}
	return string(b)
}
