// Command tablegen writes the lookup tables that keep the module's hot paths
// free of branches and allocations. go generate runs it; its output is
// committed and must not be edited by hand.
//
//	go run ./gen/tablegen -table headers  -out headers/tables_gen.go
//	go run ./gen/tablegen -table hopbyhop -out internal/hopbyhop/hopbyhop_gen.go
//	go run ./gen/tablegen -table cgikey   -out internal/cgikey/cgikey_gen.go
//	go run ./gen/tablegen -table http1    -out simpleserver/internal/http1/tables_gen.go
package main

import (
	"bufio"
	_ "embed"
	"flag"
	"fmt"
	"os"
	"strings"
)

//go:embed fieldnames.txt
var fieldNamesFile string

func main() {
	table := flag.String("table", "", "table to write: headers, hopbyhop, cgikey or http1")
	out := flag.String("out", "", "output file")
	flag.Parse()
	gens := map[string]func() (fileWriter, error){
		"headers":  headersFile,
		"hopbyhop": hopByHopFile,
		"cgikey":   cgiKeyFile,
		"http1":    http1File,
	}
	gen, ok := gens[*table]
	if !ok || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: tablegen -table headers|hopbyhop|cgikey|http1 -out FILE")
		os.Exit(2)
	}
	f, err := gen()
	if err == nil {
		err = f.Save(*out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tablegen:", err)
		os.Exit(1)
	}
}

type fileWriter interface{ Save(string) error }

// fieldNames returns the registered names and the common unregistered ones.
func fieldNames() (registered, common []string, err error) {
	sc := bufio.NewScanner(strings.NewReader(fieldNamesFile))
	dst := &registered
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case line == "@common":
			dst = &common
		default:
			*dst = append(*dst, line)
		}
	}
	return registered, common, sc.Err()
}
