package main

import (
	"fmt"
	"strings"
	"testing"
)

// The switch tree matches the static routes' whole paths first while
// there are at most maxInline of them; past that ServeWSGI would grow
// with the route file, so there is no such switch and the walk serves
// them (the table shape never has one). A file of parameter routes only
// has none either.
func TestWholeSwitchBound(t *testing.T) {
	file := func(static, param int) string {
		var b strings.Builder
		for i := range static {
			fmt.Fprintf(&b, "GET /s%d/x\n", i)
		}
		for i := range param {
			fmt.Fprintf(&b, "GET /p%d/:id\n", i)
		}
		return b.String()
	}
	tests := []struct {
		static, param int
		shape         string
		want          bool
	}{
		{1, 0, shapeSwitch, true},
		{maxInline, 3, shapeSwitch, true},
		{maxInline + 1, 0, shapeSwitch, false},
		{0, 5, shapeSwitch, false},
		{3, 0, shapeTable, false},
	}
	for _, tt := range tests {
		code, err := generate(config{pkg: "api", source: "r.txt", shape: tt.shape}, file(tt.static, tt.param))
		if err != nil {
			t.Fatal(err)
		}
		src := string(code)
		if got := strings.Contains(src, "routing.WholePath(path, base)"); got != tt.want {
			t.Errorf("%d static and %d parameter routes, %s shape: whole-path switch %v, want %v", tt.static, tt.param, tt.shape, got, tt.want)
		}
		if tt.want && strings.Count(src, "routing.ServeWhole(") != tt.static {
			t.Errorf("%d static routes: %d ServeWhole calls", tt.static, strings.Count(src, "routing.ServeWhole("))
		}
	}
}
