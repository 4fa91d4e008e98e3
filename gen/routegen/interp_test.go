package main

import (
	"fmt"
	"slices"
	"strings"

	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/routing"
	"github.com/gowsgi/wsgiref/wsgiutil"
)

// outcome is what a router does with a request: the handler it calls and
// the environ that handler sees, or the status it answers itself.
type outcome struct {
	status  int    // 200 when a handler was called
	handler string // the Handlers field called
	script  string // SCRIPT_NAME seen by the handler
	path    string // PATH_INFO seen by the handler
	args    string // routing args as name=value pairs
	allow   string // the Allow header of a 405
}

func (o outcome) String() string {
	if o.status != 200 {
		return fmt.Sprintf("%d allow=%q", o.status, o.allow)
	}
	return fmt.Sprintf("%s script=%q path=%q args=%s", o.handler, o.script, o.path, o.args)
}

func formatArgs(names, values []string) string {
	parts := make([]string, len(names))
	for i := range names {
		parts[i] = fmt.Sprintf("%s=%q", names[i], values[i])
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// interp walks the route tree the way the generated code does, with the
// same routing.Path, so the fuzz test can check the tree's decisions
// without compiling Go for every input.
type interp struct {
	table []string
	env   *wsgiref.Environ
	p     routing.Path
	m     string
	allow uint64

	// What the chosen route's application gets, for mounting a second
	// router under it.
	committed     *wsgiref.Environ
	names, values []string
}

type capt struct{ name, val string }

func interpret(root *node, table []string, env *wsgiref.Environ) outcome {
	return interpretFull(root, table, env).out
}

// interpreted is an outcome with the environ and args the handler gets.
type interpreted struct {
	out           outcome
	env           *wsgiref.Environ
	names, values []string
}

func interpretFull(root *node, table []string, env *wsgiref.Environ) interpreted {
	it := &interp{table: table, env: env}
	o := it.run(root)
	return interpreted{o, it.committed, it.names, it.values}
}

func (it *interp) run(root *node) outcome {
	env, table := it.env, it.table
	it.p, it.m = routing.Begin(env)
	if o, ok := it.node(root, it.p.Start(), nil); ok {
		return o
	}
	if it.allow != 0 {
		return outcome{status: 405, allow: routing.Methods(table).Allow(routing.MethodSet(it.allow))}
	}
	return outcome{status: 404}
}

func (it *interp) node(n *node, i int, caps []capt) (outcome, bool) {
	if len(n.statics) > 0 || n.param != nil || len(n.leaf) > 0 {
		s, next, ok := it.p.Next(i)
		if !ok {
			if len(n.leaf) > 0 {
				if o, ok := it.methods(n.leaf, next, caps); ok {
					return o, true
				}
			}
		} else {
			if c := n.statics[s]; c != nil {
				if o, ok := it.node(c, next, caps); ok {
					return o, true
				}
			}
			if n.param != nil && s != "" {
				if o, ok := it.node(n.param, next, append(slices.Clip(caps), capt{n.pname, s})); ok {
					return o, true
				}
			}
		}
	}
	if len(n.rest) > 0 {
		return it.methods(n.rest, i, append(slices.Clip(caps), capt{n.rname, it.p.Rest(i)}))
	}
	return outcome{}, false
}

func (it *interp) methods(routes map[string]*route, pos int, caps []capt) (outcome, bool) {
	r := choose(routes, it.m)
	if r == nil {
		it.allow |= allowed(routes, it.table)
		return outcome{}, false
	}
	env := it.env.Clone()
	it.p.Commit(env, pos)
	names, values := make([]string, len(caps)), make([]string, len(caps))
	for i, c := range caps {
		names[i], values[i] = c.name, c.val
	}
	it.committed, it.names, it.values = env, names, values
	return outcome{status: 200, handler: r.handler, script: env.Get("SCRIPT_NAME"),
		path: env.Get("PATH_INFO"), args: formatArgs(names, values)}, true
}

// bruteForce decides a request without the tree: it tries every route
// against the names ShiftPathInfo yields and takes the best match by the
// documented priority (per position: end of path, static, parameter,
// catch-all; then the method rule of the node). It checks the tree and
// the interpreter against the specification rather than against
// themselves.
func bruteForce(routes []*route, table []string, env *wsgiref.Environ) outcome {
	method := env.Get("REQUEST_METHOD")
	// The states of the environ after each ShiftPathInfo call.
	type st struct{ script, path string }
	scratch := env.Clone()
	states := []st{{scratch.Get("SCRIPT_NAME"), scratch.Get("PATH_INFO")}}
	var names []string
	for range len(states[0].path) + 2 {
		name, ok := wsgiutil.ShiftPathInfo(scratch)
		states = append(states, st{scratch.Get("SCRIPT_NAME"), scratch.Get("PATH_INFO")})
		if !ok {
			break
		}
		names = append(names, name)
	}
	type match struct {
		key    []int
		shape  string
		r      *route
		commit int // index in states; -1 leaves the environ alone
		caps   []capt
	}
	var matches []match
	for _, r := range routes {
		var key []int
		var caps []capt
		shape := ""
		ok, commit := true, -1
		for j, s := range r.segs {
			if s.kind == catchAll {
				key = append(key, 2)
				caps = append(caps, capt{s.text, states[j].path})
				shape += "/*"
				commit = j
				break
			}
			if j >= len(names) {
				ok = false
				break
			}
			switch {
			case s.kind == static && names[j] == s.text:
				key = append(key, 0)
				shape += "/=" + s.text
			case s.kind == param && names[j] != "":
				key = append(key, 1)
				caps = append(caps, capt{s.text, names[j]})
				shape += "/:"
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if !ok {
			continue
		}
		if commit < 0 {
			if len(r.segs) != len(names) {
				continue
			}
			key = append(key, -1)
			commit = len(names) + 1
		}
		matches = append(matches, match{key, shape, r, commit, caps})
	}
	slices.SortStableFunc(matches, func(a, b match) int { return slices.Compare(a.key, b.key) })
	var allow uint64
	for i := 0; i < len(matches); {
		// The routes of one node: same key, same shape.
		j := i
		node := map[string]*route{}
		for j < len(matches) && slices.Equal(matches[j].key, matches[i].key) && matches[j].shape == matches[i].shape {
			node[matches[j].r.method] = matches[j].r
			j++
		}
		if r := choose(node, method); r != nil {
			for _, m := range matches[i:j] {
				if m.r != r {
					continue
				}
				out := env.Clone()
				// A call that changed nothing (the end of the path) does
				// not set the two variables.
				k := m.commit
				for k > 0 && states[k] == states[k-1] {
					k--
				}
				if k > 0 {
					out.Set("SCRIPT_NAME", states[k].script)
					out.Set("PATH_INFO", states[k].path)
				}
				ns, vs := make([]string, len(m.caps)), make([]string, len(m.caps))
				for x, c := range m.caps {
					ns[x], vs[x] = c.name, c.val
				}
				return outcome{status: 200, handler: r.handler, script: out.Get("SCRIPT_NAME"),
					path: out.Get("PATH_INFO"), args: formatArgs(ns, vs)}
			}
		}
		allow |= allowed(node, table)
		i = j
	}
	if allow != 0 {
		return outcome{status: 405, allow: routing.Methods(table).Allow(routing.MethodSet(allow))}
	}
	return outcome{status: 404}
}
