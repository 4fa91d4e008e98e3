package simpleserver

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/internal/oracle"
)

// routeApp sends /echo to echoApp, /stream to streamApp, /header to
// headerApp and the rest to DemoApp.
var routeApp = wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
	switch env.Get("PATH_INFO") {
	case "/echo":
		return echoApp(env, start)
	case "/stream":
		return streamApp(env, start)
	case "/header":
		return headerApp(env, start)
	case "/scheme":
		_, err := start("200 OK", headers.Headers{{Name: "Content-Type", Value: "text/plain"}})
		return wsgiref.Strings(env.Get(wsgiref.URLSchemeKey) + " " + env.Get("HTTPS")), err
	}
	return DemoApp.ServeWSGI(env, start)
})

func needCurl(t *testing.T) string {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("curl not installed (apt-get install curl)")
	}
	return curl
}

func runCurl(t *testing.T, stdin string, args ...string) (stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(needCurl(t), append([]string{"-s", "--max-time", "10"}, args...)...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %v: %v\n%s", args, err, errb.String())
	}
	return out.String(), errb.String()
}

// TestCurl drives the server with curl: the README's demo request,
// HTTP/1.0, HEAD, keep-alive, chunked both ways, 100-continue, 414.
func TestCurl(t *testing.T) {
	ts := startServer(t, routeApp)
	base := ts.url("")

	t.Run("demo page", func(t *testing.T) {
		out, _ := runCurl(t, "", "-i", base+"/xyz?abc")
		for _, want := range []string{"HTTP/1.1 200 OK\r\n", "Server: " + SoftwareVersion + "\r\n",
			"Content-Type: text/plain; charset=utf-8\r\n", "\r\n\r\nHello world!\n\n",
			"\nPATH_INFO = '/xyz'\nQUERY_STRING = 'abc'\n", "\nHTTP_USER_AGENT = 'curl/"} {
			if !strings.Contains(out, want) {
				t.Errorf("missing %q in\n%s", want, out)
			}
		}
	})
	t.Run("HTTP/1.0", func(t *testing.T) {
		out, _ := runCurl(t, "", "-i", "--http1.0", "-H", "X-Test-Header: Python test ", "-H", "X-Test-Header: Python test 2", base+"/header?query=test")
		if !strings.HasPrefix(out, "HTTP/1.0 200 OK\r\n") || !strings.HasSuffix(out, "\r\n\r\nPython test,Python test 2;query=test;/header") {
			t.Errorf("response %q", out)
		}
	})
	t.Run("HEAD", func(t *testing.T) {
		out, _ := runCurl(t, "", "-I", base+"/")
		if !strings.HasPrefix(out, "HTTP/1.1 200 OK\r\n") || !strings.Contains(out, "Content-Length: ") || !strings.HasSuffix(out, "\r\n\r\n") {
			t.Errorf("HEAD %q", out)
		}
	})
	t.Run("keep-alive", func(t *testing.T) {
		out, _ := runCurl(t, "", "-o", "/dev/null", "-o", "/dev/null", "-w", "%{num_connects}\n", base+"/a", base+"/b")
		if out != "1\n0\n" {
			t.Errorf("connects per request %q, want one then zero", out)
		}
	})
	t.Run("chunked response", func(t *testing.T) {
		out, _ := runCurl(t, "", "--raw", base+"/stream")
		if out != "4\r\none \r\n4\r\ntwo \r\n5\r\nthree\r\n0\r\n\r\n" {
			t.Errorf("raw chunked body %q", out)
		}
	})
	t.Run("chunked request", func(t *testing.T) {
		data := strings.Repeat("0123456789", 1000)
		out, _ := runCurl(t, data, "-i", "-H", "Transfer-Encoding: chunked", "-H", "Expect:", "--data-binary", "@-", base+"/echo")
		if !strings.Contains(out, "X-Content-Length: \"\" true\r\n") || !strings.HasSuffix(out, "\r\n\r\n"+data) {
			t.Errorf("echo of a chunked upload: %.300q", out)
		}
	})
	t.Run("100-continue", func(t *testing.T) {
		data := strings.Repeat("x", 2000)
		out, errOut := runCurl(t, data, "-v", "-H", "Expect: 100-continue", "--expect100-timeout", "5", "--data-binary", "@-", base+"/echo")
		if out != data || !strings.Contains(errOut, "< HTTP/1.1 100 Continue") {
			t.Errorf("body %d bytes, curl log:\n%s", len(out), errOut)
		}
	})
	t.Run("414", func(t *testing.T) {
		out, _ := runCurl(t, "", "-o", "/dev/null", "-w", "%{http_code}", base+"/"+strings.Repeat("x", 65537))
		if out != "414" {
			t.Errorf("status %q", out)
		}
	})
}

// pythonClient is the http.client side of TestPythonHTTPClient: each line
// of the JSON it prints is one check's result.
const pythonClient = `
import http.client, json, sys
port = int(sys.argv[1])
out = {}
c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
c.request("GET", "/xyz?abc")
r = c.getresponse(); body = r.read()
out["demo"] = [r.status, r.version, r.getheader("Content-Type"), body.decode("latin-1")]
sock = c.sock
c.request("GET", "/stream")
r = c.getresponse(); body = r.read()
out["stream"] = [r.status, r.getheader("Transfer-Encoding"), body.decode(), c.sock is sock]
c.request("POST", "/echo", body=iter([b"ab", b"cd", b"ef"]), encode_chunked=True)
r = c.getresponse(); body = r.read()
out["chunked_upload"] = [r.status, body.decode(), r.getheader("X-Content-Length"), c.sock is sock]
c.request("HEAD", "/")
r = c.getresponse(); body = r.read()
out["head"] = [r.status, len(body), r.getheader("Content-Length") is not None, c.sock is sock]
c.putrequest("GET", "/header?query=test", skip_accept_encoding=True)
c.putheader("X-Test-Header", "Python test ")
c.putheader("X-Test-Header", "Python test 2")
c.endheaders()
r = c.getresponse(); body = r.read()
out["environ"] = [r.status, body.decode("latin-1"), c.sock is sock]
class C10(http.client.HTTPConnection):
    _http_vsn = 10
    _http_vsn_str = "HTTP/1.0"
c = C10("127.0.0.1", port, timeout=10)
c.request("GET", "/header?query=test", headers={"X-Test-Header": "one"})
r = c.getresponse(); body = r.read()
out["http10"] = [r.status, r.version, body.decode(), r.getheader("Connection"), r.will_close]
print(json.dumps(out))
`

// TestPythonHTTPClient drives the server with Python's http.client: a
// kept-alive connection through GET, a chunked response, a chunked
// upload, HEAD and test_environ's repeated header, then HTTP/1.0.
func TestPythonHTTPClient(t *testing.T) {
	python := oracle.Python(t)
	ts := startServer(t, routeApp)
	cmd := exec.Command(python, "-c", pythonClient, strconv.Itoa(ts.ServerPort()))
	out, err := cmd.Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("python: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var got map[string][]any
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	demo := got["demo"]
	if demo[0] != 200.0 || demo[1] != 11.0 || demo[2] != "text/plain; charset=utf-8" ||
		!strings.Contains(demo[3].(string), "\nPATH_INFO = '/xyz'\nQUERY_STRING = 'abc'\n") ||
		!strings.Contains(demo[3].(string), "\nHTTP_ACCEPT_ENCODING = 'identity'\n") {
		t.Errorf("demo: %v", demo)
	}
	for name, want := range map[string]string{
		"stream":         `[200,"chunked","one two three",true]`,
		"chunked_upload": `[200,"abcdef","\"\" true",true]`,
		"head":           `[200,0,true,true]`,
		"environ":        `[200,"Python test,Python test 2;query=test;/header",true]`,
		"http10":         `[200,10,"one;query=test;/header",null,true]`,
	} {
		b, _ := json.Marshal(got[name])
		if string(b) != want {
			t.Errorf("%s: got %s, want %s", name, b, want)
		}
	}
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a
// day, and returns it with its PEM for clients.
func selfSigned(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "simpleserver test"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(certPEM, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return cert, certPEM
}

// TestTLS: a round trip over TLS with a certificate made here, through Go's
// client (two requests, one connection) and curl; the environ says https.
func TestTLS(t *testing.T) {
	cert, certPEM := selfSigned(t)
	ts := startServer(t, routeApp, WithTLS(&tls.Config{Certificates: []tls.Certificate{cert}}))
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	url := "https://" + ts.Addr().String()
	for i := 0; i < 2; i++ {
		resp, err := client.Get(url + "/scheme")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(body) != "https on" || resp.TLS == nil {
			t.Errorf("over TLS: %q", body)
		}
	}
	waitFor(t, func() bool { return strings.Count(ts.log.String(), `"GET /scheme HTTP/1.1" 200 8`) == 2 })

	if _, err := exec.LookPath("curl"); err == nil {
		ca := filepath.Join(t.TempDir(), "ca.pem")
		if err := os.WriteFile(ca, certPEM, 0o600); err != nil {
			t.Fatal(err)
		}
		out, _ := runCurl(t, "", "--cacert", ca, url+"/xyz?abc")
		if !strings.Contains(out, "wsgi.url_scheme = 'https'\n") || !strings.Contains(out, "HTTPS = 'on'\n") {
			t.Errorf("curl over TLS:\n%s", out)
		}
	}

	// A client that does not speak TLS is dropped; the server goes on.
	out := roundTrip(t, ts.Addr(), "GET / HTTP/1.0\r\n\r\n")
	if strings.Contains(out, "200 OK") {
		t.Errorf("plain HTTP on the TLS port answered %q", out)
	}
	if _, err := client.Get(url + "/scheme"); err != nil {
		t.Errorf("after a plain client: %v", err)
	}
}
