package headers

import (
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
)

// The Latin-1 path of the extended parameter form decodes, for every byte
// value, to what x/text's ISO-8859-1 decoder makes of the value: the two
// shifts in writeParam are that decoder.
func TestLatin1ParamMatchesXText(t *testing.T) {
	dec := charmap.ISO8859_1.NewDecoder()
	for c := 0x80; c < 0x100; c++ {
		v := "a" + string([]byte{byte(c)}) + "\xff z"
		want, err := dec.String(v)
		if err != nil {
			t.Fatal(err)
		}
		got := FormatValue("", Param{"filename", v})
		enc, ok := strings.CutPrefix(got, "filename*=UTF-8''")
		if !ok {
			t.Fatalf("%q: not the extended form: %q", v, got)
		}
		if dec, err := url.PathUnescape(enc); err != nil || dec != want {
			t.Errorf("%q: %q decodes to %q, x/text says %q", v, enc, dec, want)
		}
	}
}
