package gatewaytesting

import (
	"strings"
	"testing"
	"time"
)

// BadInputCase is one malformed request: the bytes sent (then the writing
// side closed when CloseWrite is set), the status the front end gets (""
// when nothing can be answered) and the reason logged.
type BadInputCase struct {
	Name       string
	Raw        string
	CloseWrite bool
	Status     string
	Reason     string
}

// badInputLimits are the server's limits in the bad-input tests.
var badInputLimits = Config{MaxHeaderBytes: 1000, MaxBodyBytes: 100, HeaderTimeout: 300 * time.Millisecond}

// sharedBadInput are the malformed requests every gateway refuses alike,
// in p's encoding.
func sharedBadInput(p Protocol) []BadInputCase {
	refused := p.Name + ": refused request: "
	return []BadInputCase{
		{Name: "duplicate length", Raw: string(p.Head("0", "CONTENT_LENGTH", "5")), Status: "400 Bad Request", Reason: refused + "CONTENT_LENGTH given twice"},
		{Name: "signed length", Raw: string(p.Head("+5")), Status: "400 Bad Request", Reason: "CONTENT_LENGTH is not a decimal number"},
		{Name: "body over limit", Raw: string(p.Head("101")), Status: "413 Content Too Large", Reason: "request body larger than the limit"},
		{Name: "client vanishes mid-body", Raw: string(p.Head("50")) + "only ten b", CloseWrite: true,
			Status: "500 Internal Server Error", Reason: p.Name + ": request body: connection closed in the middle of the request"},
	}
}

// badInput sends each malformed request to one server and checks the
// status the front end gets (none when it cannot read any more), the
// reason logged, and that the next good request is served.
func badInput(t *testing.T, p Protocol) {
	ts := Start(t, p, "tcp", badInputLimits)
	for _, tc := range append(p.BadInput, sharedBadInput(p)...) {
		t.Run(tc.Name, func(t *testing.T) {
			before := len(ts.Log.String())
			got, err := ts.RoundTrip(t, []byte(tc.Raw), tc.CloseWrite)
			if err != nil {
				t.Fatalf("reading the answer: %v (got %q)", err, got)
			}
			if tc.Status == "" {
				if got != "" {
					t.Errorf("answered %q, want nothing", got)
				}
			} else if !strings.HasPrefix(got, p.StatusPrefix+tc.Status+"\r\n") {
				t.Errorf("answered %q, want status %s", got, tc.Status)
			}
			logged := ts.WaitLog(before)
			if !strings.Contains(logged, tc.Reason) || !strings.Contains(logged, "level=WARN") {
				t.Errorf("logged %q, want a warning with %q", logged, tc.Reason)
			}
			if ok, err := ts.RoundTrip(t, p.Request("", "X_ECHO", "CONTENT_LENGTH"), false); err != nil || !strings.HasSuffix(ok, "\r\n\r\nCONTENT_LENGTH=0\n") {
				t.Errorf("next request: %q, %v", ok, err)
			}
		})
	}
}
