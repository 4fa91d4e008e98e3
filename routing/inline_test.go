package routing

import (
	"os"
	"os/exec"
	"regexp"
	"testing"
)

// The walk's speed rests on the compiler inlining Path.Next at every node
// of a generated router: past the inliner's budget of 80 it becomes a
// call at each segment (it was, at cost 108, until the slow walk became
// data). This asks the compiler, so a change that pushes Next over the
// budget fails here rather than only in a benchmark.
func TestNextInlines(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no go command to ask about inlining: %v", err)
		}
		t.Skipf("no go command to ask about inlining: %v", err)
	}
	out, err := exec.Command(goTool, "build", "-gcflags=-m=2", "-o", os.DevNull, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build -gcflags=-m=2: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`can inline \(\*Path\)\.Next with cost (\d+)`).FindSubmatch(out)
	if m == nil {
		why := regexp.MustCompile(`cannot inline \(\*Path\)\.Next[^\n]*`).Find(out)
		t.Fatalf("Path.Next is not inlinable: %s", why)
	}
	t.Logf("Path.Next inline cost %s", m[1])
	// WholePath is the first thing a static route's request runs, in
	// every router with static routes: a call there would cost a tenth of
	// such a request.
	if !regexp.MustCompile(`can inline WholePath with cost \d+`).Match(out) {
		why := regexp.MustCompile(`cannot inline WholePath[^\n]*`).Find(out)
		t.Errorf("WholePath is not inlinable: %s", why)
	}
}
