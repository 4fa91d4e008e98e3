package main

import (
	"fmt"
	"sort"
)

// node is a position in the route tree: the path walked so far. The
// generated code is this tree written out as nested switches, and the
// tests' interpreter walks the same tree, so the two decide alike.
type node struct {
	depth   int
	statics map[string]*node
	param   *node  // the child matching any non-empty segment
	pname   string // its parameter name
	pline   int    // the line that named it, for conflict messages

	leaf  map[string]*route // routes ending here, by method
	rest  map[string]*route // catch-all routes mounted here, by method
	rname string            // the catch-all parameter name
	rline int

	count    int  // the routes in the subtree, once countRoutes has counted them
	trailing bool // the node is a trailing slash (the static segment "")
}

func newNode(depth int) *node {
	return &node{depth: depth, statics: map[string]*node{}, leaf: map[string]*route{}, rest: map[string]*route{}}
}

// buildTree inserts every route and reports duplicates and parameters that
// disagree on their name at the same position (the named args would differ
// with the route chosen, which the generated code cannot tell apart).
func buildTree(file string, routes []*route) (*node, error) {
	e := &errs{file: file}
	root := newNode(0)
	for _, r := range routes {
		insert(e, root, r)
	}
	return root, e.err()
}

func insert(e *errs, n *node, r *route) {
	for _, s := range r.segs {
		switch s.kind {
		case static:
			c := n.statics[s.text]
			if c == nil {
				c = newNode(n.depth + 1)
				c.trailing = s.text == ""
				n.statics[s.text] = c
			}
			n = c
		case param:
			if n.param == nil {
				n.param, n.pname, n.pline = newNode(n.depth+1), s.text, r.line
			} else if n.pname != s.text {
				e.add(r.line, "%s %s: parameter :%s conflicts with :%s at the same position (line %d)", r.method, r.path, s.text, n.pname, n.pline)
				return
			}
			n = n.param
		case catchAll:
			if len(n.rest) == 0 {
				n.rname, n.rline = s.text, r.line
			} else if n.rname != s.text {
				e.add(r.line, "%s %s: catch-all *%s conflicts with *%s at the same position (line %d)", r.method, r.path, s.text, n.rname, n.rline)
				return
			}
			if prev := n.rest[r.method]; prev != nil {
				e.add(r.line, "duplicate route %s %s (line %d)", r.method, r.path, prev.line)
				return
			}
			n.rest[r.method] = r
			return
		}
	}
	if prev := n.leaf[r.method]; prev != nil {
		e.add(r.line, "duplicate route %s %s (line %d)", r.method, r.path, prev.line)
		return
	}
	n.leaf[r.method] = r
}

// staticKeys returns the static children's segments in a fixed order, so
// the output is the same on every run.
func (n *node) staticKeys() []string {
	keys := make([]string, 0, len(n.statics))
	for k := range n.statics {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// methodTable lists the methods the routes use, plus HEAD when GET is
// there (GET serves HEAD), in the order an Allow header lists them.
func methodTable(routes []*route) ([]string, error) {
	set := map[string]bool{}
	for _, r := range routes {
		switch r.method {
		case anyMethod:
		case "GET":
			set["GET"], set["HEAD"] = true, true
		default:
			set[r.method] = true
		}
	}
	list := make([]string, 0, len(set))
	for m := range set {
		list = append(list, m)
	}
	sort.Strings(list)
	if len(list) > 64 {
		return nil, fmt.Errorf("%d methods: a router handles at most 64", len(list))
	}
	return list, nil
}

// choose is the method rule of one node: the route for the method, else
// GET for HEAD, else the ANY route. It returns nil when the node has no
// route for the method.
func choose(routes map[string]*route, method string) *route {
	if r := routes[method]; r != nil && method != anyMethod {
		return r
	}
	if method == "HEAD" {
		if r := routes["GET"]; r != nil {
			return r
		}
	}
	return routes[anyMethod]
}

// allowed returns the methods of a node as a mask over the method table,
// or 0 when an ANY route makes every method allowed.
func allowed(routes map[string]*route, table []string) uint64 {
	if routes[anyMethod] != nil {
		return 0
	}
	var mask uint64
	for i, m := range table {
		if routes[m] != nil || m == "HEAD" && routes["GET"] != nil {
			mask |= 1 << i
		}
	}
	return mask
}
