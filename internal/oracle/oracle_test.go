package oracle

import (
	"encoding/json"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Version
		ok   bool
	}{
		{"3.13.0", Version{3, 13, 0}, true},
		{"3.11.7", Version{3, 11, 7}, true},
		{"3.14.0rc1", Version{3, 14, 0}, true},
		{"3.12", Version{}, false},
		{"x.1.2", Version{}, false},
		{"", Version{}, false},
	} {
		got, err := ParseVersion(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseVersion(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestReasonPerVersion(t *testing.T) {
	old := Version{3, 12, 1}
	for _, tc := range []struct {
		code                int
		v                   Version
		phrase, explanation string
	}{
		{413, old, "Request Entity Too Large", "Entity is too large"},
		{413, Newest, "Content Too Large", "Content is too large"},
		{414, old, "Request-URI Too Long", "URI is too long"},
		{414, Newest, "URI Too Long", "URI is too long"},
		{416, old, "Requested Range Not Satisfiable", "Cannot satisfy request range"},
		{422, Version{3, 14, 0}, "Unprocessable Content", ""},
	} {
		p, e, ok := Reason(tc.code, tc.v)
		if !ok || p != tc.phrase || e != tc.explanation {
			t.Errorf("Reason(%d, %v) = %q, %q, %v; want %q, %q", tc.code, tc.v, p, e, ok, tc.phrase, tc.explanation)
		}
	}
	if _, _, ok := Reason(400, old); ok {
		t.Error("Reason(400) listed; 400's texts are the same in every version")
	}
	if got := Status(414); got != "414 URI Too Long" {
		t.Errorf("Status(414) = %q", got)
	}
	if got := Status(400); got != "" {
		t.Errorf("Status(400) = %q, want empty", got)
	}
}

func TestToNewest(t *testing.T) {
	in := "HTTP/1.0 414 Request-URI Too Long\r\n...<p>Message: Request Entity Too Large.</p>\n<p>Error code explanation: 413 - Entity is too large.</p>"
	want := "HTTP/1.0 414 URI Too Long\r\n...<p>Message: Content Too Large.</p>\n<p>Error code explanation: 413 - Content is too large.</p>"
	if got := ToNewest(in, Version{3, 11, 7}); got != want {
		t.Errorf("ToNewest from 3.11:\n got %q\nwant %q", got, want)
	}
	if got := ToNewest(in, Newest); got != in {
		t.Errorf("ToNewest from 3.13 changed %q to %q", in, got)
	}
	body := "Message: Request Entity Too Large"
	resp := "HTTP/1.0 413 Request Entity Too Large\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\nX: y\r\n\r\n" + body
	want = "HTTP/1.0 413 Content Too Large\r\nContent-Length: 26\r\nX: y\r\n\r\nMessage: Content Too Large"
	if got := ToNewest(resp, Version{3, 12, 1}); got != want {
		t.Errorf("ToNewest of a response:\n got %q\nwant %q", got, want)
	}
}

// TestReasonsAgainstOracle checks the table against the CPython running the
// tests: every code of http.server's responses either is listed and has the
// texts Reason gives for that version, or is unlisted and, converted with
// ToNewest, reads the same. Run it with each supported CPython
// (WSGIREF_PYTHON=...) to check the whole table.
func TestReasonsAgainstOracle(t *testing.T) {
	v := Current(t)
	if v.Before(Oldest) || Newest.Before(Version{v.Major, v.Minor, 0}) {
		t.Logf("CPython %v is outside the supported %v to %v", v, Oldest, Newest)
	}
	out, err := Command(t, "-c", `import json, http.server
print(json.dumps({int(k): v for k, v in http.server.BaseHTTPRequestHandler.responses.items()}))`).Output()
	if err != nil {
		t.Fatal(err)
	}
	var responses map[int][2]string
	if err := json.Unmarshal(out, &responses); err != nil {
		t.Fatal(err)
	}
	if len(responses) < 50 {
		t.Fatalf("only %d codes from CPython", len(responses))
	}
	for code, texts := range responses {
		if p, e, ok := Reason(code, v); ok {
			if p != texts[0] || e != texts[1] {
				t.Errorf("%d in CPython %v: %q, %q; table says %q, %q", code, v, texts[0], texts[1], p, e)
			}
			continue
		}
		for _, s := range texts {
			if ToNewest(s, v) != s {
				t.Errorf("%d in CPython %v: %q rewritten though the code is unlisted", code, v, s)
			}
		}
	}
	for _, d := range Differences {
		if d.Code != 0 {
			if _, ok := responses[d.Code]; !ok {
				t.Errorf("listed code %d unknown to CPython %v", d.Code, v)
			}
		}
	}
}

func TestWithTestSuite(t *testing.T) {
	py := WithTestSuite(t)
	if py == "" {
		t.Fatal("empty path")
	}
}

// TestUnavailableInCI runs this test binary again with a missing oracle:
// the oracle test must skip with the reason locally and fail with CI=true.
func TestUnavailableInCI(t *testing.T) {
	if os.Getenv("ORACLE_TEST_CHILD") == "1" {
		Python(t)
		return
	}
	for _, tc := range []struct {
		ci       string
		fails    bool
		contains string
	}{
		{"", false, "--- SKIP"},
		{"true", true, "CI=true: the oracle is required"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestUnavailableInCI$", "-test.v")
		cmd.Env = append(os.Environ(), "ORACLE_TEST_CHILD=1", EnvPython+"=/nonexistent/python3", "CI="+tc.ci)
		out, err := cmd.CombinedOutput()
		if (err != nil) != tc.fails || !strings.Contains(string(out), tc.contains) || !strings.Contains(string(out), "no CPython oracle") {
			t.Errorf("CI=%q: err %v, output:\n%s", tc.ci, err, out)
		}
	}
}
