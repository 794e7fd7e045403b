package connectortest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

type oauthToken = oauth2.Token

// TestSuiteCatchesMisbehaviour runs the suite on deliberately broken toy
// connectors (in a subprocess, since a failing suite fails its test) and
// checks that each bug fails the test that should catch it.
func TestSuiteCatchesMisbehaviour(t *testing.T) {
	if os.Getenv("CONNECTORTEST_TOY_BUG") != "" {
		t.Skip("inside the subprocess")
	}
	cases := []struct {
		bug      bug
		failures []string // subtests that must fail
	}{
		{dropPage, []string{"GetStreamsEveryRecordOnce"}},
		{repeatPage, []string{"GetStreamsEveryRecordOnce"}},
		{ignoreLimit, []string{"Limit"}},
		{logToken, []string{"Lifecycle"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.bug), func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestToyConformance$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), "CONNECTORTEST_TOY_BUG="+string(tc.bug))
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the suite passed a connector with bug %q:\n%s", tc.bug, tail(out))
			}
			for _, name := range tc.failures {
				if !strings.Contains(string(out), "--- FAIL: TestToyConformance/"+name+" ") {
					t.Errorf("bug %q did not fail %s:\n%s", tc.bug, name, tail(out))
				}
			}
		})
	}
}

func tail(b []byte) string {
	s := string(b)
	if len(s) > 4000 {
		s = "..." + s[len(s)-4000:]
	}
	return s
}
