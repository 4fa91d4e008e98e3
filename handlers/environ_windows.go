//go:build windows

package handlers

import (
	"syscall"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// ansiCodePages maps the ANSI code pages GetACP returns to their encodings
// (Python's "mbcs").
var ansiCodePages = map[uint32]encoding.Encoding{
	874:  charmap.Windows874,
	932:  japanese.ShiftJIS,
	936:  simplifiedchinese.GBK,
	949:  korean.EUCKR,
	950:  traditionalchinese.Big5,
	1250: charmap.Windows1250,
	1251: charmap.Windows1251,
	1252: charmap.Windows1252,
	1253: charmap.Windows1253,
	1254: charmap.Windows1254,
	1255: charmap.Windows1255,
	1256: charmap.Windows1256,
	1257: charmap.Windows1257,
	1258: charmap.Windows1258,
}

// ansiEncoding returns the encoding of the system's ANSI code page, or nil
// (Windows-1252 is then assumed) when it is unknown.
func ansiEncoding() encoding.Encoding {
	proc := syscall.NewLazyDLL("kernel32.dll").NewProc("GetACP")
	if proc.Find() != nil {
		return nil
	}
	cp, _, _ := proc.Call()
	return ansiCodePages[uint32(cp)]
}
