package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// The example as a subprocess over stdio, driven by the SDK's client: an AI
// agent sees read tools only and gets an employee; payroll is not listed.
func TestStdioSubprocess(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example")
	}
	bin := filepath.Join(t.TempDir(), "mcp-server")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "MCP_PRINCIPAL=assistant-1", "MCP_PRINCIPAL_TYPE=AI_AGENT", "MCP_GROUPS=AI Assistant", "XLR8_PROJECT=")
	cs, err := sdk.NewClient(&sdk.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, &sdk.CommandTransport{Command: cmd}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	res, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tl := range res.Tools {
		names = append(names, tl.Name)
		if !tl.Annotations.ReadOnlyHint {
			t.Errorf("agent lists a write: %s", tl.Name)
		}
	}
	if !slices.Contains(names, "workday.hcm.get_employee") || slices.Contains(names, "workday.payroll.get_compensation") {
		t.Errorf("tools = %v", names)
	}
	out, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "workday.hcm.get_employee", Arguments: map[string]any{"employee_id": "EMP001"}})
	if err != nil {
		t.Fatal(err)
	}
	text := out.Content[0].(*sdk.TextContent).Text
	if out.IsError || !strings.Contains(text, "Alice") {
		t.Errorf("get_employee = %s", text)
	}
}

func TestParseTokens(t *testing.T) {
	tt, err := parseTokens("0123456789abcdef=EMP001:HUMAN:HR Admin|Manager; fedcba9876543210=bot:AI_AGENT")
	if err != nil {
		t.Fatal(err)
	}
	if p := tt["0123456789abcdef"]; p.ID != "EMP001" || len(p.Groups) != 2 {
		t.Errorf("parsed %+v", p)
	}
	for _, bad := range []string{"short=EMP:HUMAN", "0123456789abcdef=EMP", "0123456789abcdef=EMP:ROBOT"} {
		if _, err := parseTokens(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
