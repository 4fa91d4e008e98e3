package stress

import (
	"errors"
	"os/exec"
	"strings"
	"testing"
)

func TestParseExecs(t *testing.T) {
	tests := []struct {
		name string
		out  string
		want int64
	}{
		{"none", "ok  \tgithub.com/x\t0.1s\n", 0},
		{"last line wins", "fuzz: elapsed: 3s, execs: 1200 (400/sec), new interesting: 1 (total: 9)\n" +
			"fuzz: elapsed: 6s, execs: 2500 (433/sec), new interesting: 1 (total: 9)\nPASS\n", 2500},
		{"count budget", "fuzz: elapsed: 0s, execs: 2016 (5600/sec), new interesting: 0 (total: 43)\n", 2016},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseExecs([]byte(tt.out)); got != tt.want {
				t.Errorf("parseExecs = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestFailureLines(t *testing.T) {
	out := "fuzz: elapsed: 0s, gathering baseline coverage: 0/43 completed\n" +
		"--- FAIL: FuzzX (0.72s)\n    --- FAIL: FuzzX (0.00s)\n        x_test.go:116: bad thing\n    \n" +
		"    Failing input written to testdata/fuzz/FuzzX/95ed\n    To re-run:\nFAIL\n"
	want := "x_test.go:116: bad thing; Failing input written to testdata/fuzz/FuzzX/95ed"
	if got := failureLines([]byte(out)); got != want {
		t.Errorf("failureLines = %q, want %q", got, want)
	}
}

func TestFuzzOutcome(t *testing.T) {
	exit := &exec.ExitError{}
	tests := []struct {
		name      string
		err       error
		out       string
		newCorpus bool
		want      string
	}{
		{"clean", nil, "PASS", false, FuzzOK},
		{"spurious deadline of golang/go#75804", exit, "fuzz: elapsed: 2m0s ... context deadline exceeded\nFAIL", false, FuzzOK},
		{"deadline but a crasher was written", exit, "context deadline exceeded", true, FuzzFailed},
		{"crasher", exit, "Failing input written to testdata/fuzz/FuzzX/ab", true, FuzzFailed},
		{"build failure", errors.New("exit status 2"), "undefined: x", false, FuzzFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := fuzzOutcome(tt.err, []byte(tt.out), tt.newCorpus); got != tt.want {
				t.Errorf("fuzzOutcome = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestRunFuzzMissing checks that a target not written yet is recorded, not
// run and not failed.
func TestRunFuzzMissing(t *testing.T) {
	root, err := ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	r := RunFuzz(root, FuzzTarget{"./wsgiutil", "FuzzNoSuchTarget"}, "1x")
	if r.Result != FuzzMissing || r.Execs != 0 {
		t.Errorf("got %+v, want missing", r)
	}
}

func TestReplaceFigures(t *testing.T) {
	doc := "# R\n\n" + BeginMarker + "\nold\nfigures\n" + EndMarker + "\n\nafter\n"
	tests := []struct {
		name, doc, block, want string
		fails                  bool
	}{
		{"replaces between markers", doc, "new\n", "# R\n\n" + BeginMarker + "\nnew\n" + EndMarker + "\n\nafter\n", false},
		{"no markers", "# R\n", "new", "", true},
		{"markers reversed", EndMarker + BeginMarker, "new", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReplaceFigures(tt.doc, tt.block)
			if (err != nil) != tt.fails || got != tt.want {
				t.Errorf("got %q, %v; want %q, fails %v", got, err, tt.want, tt.fails)
			}
		})
	}
}

// TestMarkdownReportsProblems checks that a failed check reaches the
// figures block, so that a bad long run cannot be committed as a clean one.
func TestMarkdownReportsProblems(t *testing.T) {
	f := Figures{Command: "longrun", Load: LoadFigures{Problems: []string{"3 requests failed"}},
		Fuzz: []FuzzResult{{Target: FuzzTargets[0], Budget: "1m", Execs: 5, Result: FuzzFailed, Detail: "crash"}}}
	md := f.Markdown()
	for _, want := range []string{"load: 3 requests failed", "FuzzServe", "crash"} {
		if !strings.Contains(md, want) {
			t.Errorf("figures block lacks %q:\n%s", want, md)
		}
	}
}
