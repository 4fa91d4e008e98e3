package benchmarks

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref/internal/oracle"
)

// TestPythonTimeit runs the CPython script in its quick mode: it checks
// its own answers against the fixtures (and exits non-zero when one is
// wrong) and must time every operation the Go side names.
func TestPythonTimeit(t *testing.T) {
	py := oracle.Python(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, py, "python/wsgiref_timeit.py", "--quick", "testdata/fixtures.json").Output()
	if err != nil {
		t.Fatalf("wsgiref_timeit.py: %v\n%s", err, stderrOf(err))
	}
	var res struct {
		Python  string
		Results map[string]float64
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	names := []string{"GetFirst", "GetLast", "Set", "GetAll", "Serialize"}
	for i, n := range names {
		names[i] = "Headers/" + n + "/cpython"
	}
	names = append(names, "Environ/Build/cpython", "URI/RequestURI/cpython", "URI/ApplicationURI/cpython", "URI/ShiftPathInfo/cpython")
	for _, n := range names {
		if v, ok := res.Results[n]; !ok || v <= 0 {
			t.Errorf("%s: %v (present %v)", n, v, ok)
		}
	}
	if len(res.Results) != len(names) {
		t.Errorf("results %v, want exactly %v", res.Results, names)
	}
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestPythonServers starts the CPython and werkzeug hello servers the
// report loads and checks that they answer what the Go servers answer.
func TestPythonServers(t *testing.T) {
	for _, c := range []struct{ name, python, kind, check string }{
		{"wsgiref", "python3", "wsgiref", ""},
		{"werkzeug", "/usr/bin/python3", "werkzeug", "import werkzeug"},
	} {
		t.Run(c.name, func(t *testing.T) {
			py, err := exec.LookPath(c.python)
			if err != nil {
				t.Skip("no " + c.python)
			}
			if c.check != "" && exec.Command(py, "-c", c.check).Run() != nil {
				t.Skip(c.python + " lacks " + c.name + " (Debian: python3-werkzeug)")
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, py, "python/hello_server.py", c.kind, "--file", "testdata/fixtures.json")
			stdout, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Wait()
			defer cmd.Process.Kill()
			line, err := bufio.NewReader(stdout).ReadString('\n')
			addr, ok := strings.CutPrefix(strings.TrimSpace(line), "LISTEN ")
			if err != nil || !ok {
				t.Fatalf("no LISTEN line: %q %v", line, err)
			}
			for path, want := range map[string]string{"/": "Hello world!\n", "/file": string(fixturesJSON)} {
				resp, err := http.Get("http://" + addr + path)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || string(body) != want {
					t.Errorf("GET %s: %s %q", path, resp.Status, body)
				}
			}
		})
	}
}
