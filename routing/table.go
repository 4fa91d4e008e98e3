package routing

import (
	"reflect"

	wsgiref "github.com/gowsgi/wsgiref"
)

// Table is a route tree written as data: the shape routegen gives a big
// route file, whose tree written out as code would cost the compiler
// seconds per thousand routes. [Table.Serve] walks it with the decisions
// of the switch tree that routegen writes for a small file: a static
// segment before the parameter before a catch-all, backtracking on a
// miss, GET serving HEAD, and the Allow set of every node whose path
// matched but whose routes did not take the method.
//
// A route is known by its index in Routes, which is also its index in
// the applications that Serve is given:
//
//	GET /users/:user   (Routes[0])
//	POST /users        (Routes[1])
//
//	Nodes: []Node{
//		{Statics: []Static{{"users", 1}}},             // 0: the root
//		{Param: 2, Leaf: []Leaf{{"POST", 1}}, ...},    // 1: /users
//		{Leaf: []Leaf{{"GET", 0}}, ...},               // 2: /users/:user
//	}
type Table struct {
	Routes  []Route // the routes, in the order of the applications
	Methods Methods // the Allow order of the MethodSets below
	Nodes   []Node  // the tree; Nodes[0] is the root
	// RedirectSlash redirects a path that matches no route of its method
	// but would with its trailing slash added or removed ([RedirectSlash]),
	// as routegen -redirect-slash does.
	RedirectSlash bool
}

// Node is one position of a [Table]'s tree: the path walked so far.
type Node struct {
	Statics   []Static  // the static segments below, sorted by Segment
	Param     int32     // the node of the parameter below, 0 for none
	Leaf      []Leaf    // the routes ending here
	LeafAllow MethodSet // the methods of Leaf, 0 when an ANY route takes them all
	Rest      []Leaf    // the catch-all routes mounted here
	RestAllow MethodSet // the methods of Rest, likewise
}

// Static is a static segment below a node and the node it leads to; ""
// is a trailing slash.
type Static struct {
	Segment string // the segment as PATH_INFO holds it, decoded
	Node    int32  // the index of the node it leads to in Table.Nodes
}

// Leaf is one route of a node: its method ("ANY" for every method the
// node's other routes leave) and its index in [Table.Routes].
type Leaf struct {
	Method string // "GET", or "ANY"
	Route  int32  // the index of the route in Table.Routes
}

// maxTableParams is the most parameter values a walk keeps without
// allocating; a deeper route's walk allocates once.
const maxTableParams = 8

// walk is the state of one request's walk down a Table.
type walk struct {
	t     *Table
	m     string
	allow MethodSet
	slash Slash // the first trailing-slash fix found, with RedirectSlash
	// The parameter values on the way down: the first maxTableParams in
	// vals, on the stack, the others in more.
	vals [maxTableParams]string
	more []string
	n    int
}

// push adds the value of the next parameter down.
func (w *walk) push(v string) {
	if w.n < maxTableParams {
		w.vals[w.n] = v
	} else {
		w.more = append(w.more[:w.n-maxTableParams], v)
	}
	w.n++
}

// values are the parameter values of the route chosen.
func (w *walk) values() []string {
	if w.n <= maxTableParams {
		return w.vals[:w.n]
	}
	return append(w.vals[:maxTableParams:maxTableParams], w.more[:w.n-maxTableParams]...)
}

// Apps returns the application of each route of t, in the order of
// t.Routes, from handlers, a pointer to the generated Handlers struct:
// route k gets the field named t.Routes[k].Handler. A field that is
// missing or holds no application gives nil, which [Table.Serve]
// answers with 501 naming the field. A generated router calls it once,
// in its constructor, so that the compiler is not handed a statement
// per route:
//
//	// Handlers{GetUser: app} and Routes GET /users/:id (GetUser), POST /users (PostUser)
//	t.Apps(&h)
//	[]wsgiref.App{app, nil}
func (t *Table) Apps(handlers any) []wsgiref.App {
	apps := make([]wsgiref.App, len(t.Routes))
	v := reflect.ValueOf(handlers)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return apps
	}
	v = v.Elem()
	fields := make(map[string]int, v.NumField())
	for i := range v.NumField() {
		fields[v.Type().Field(i).Name] = i
	}
	for k, r := range t.Routes {
		if i, ok := fields[r.Handler]; ok && v.Field(i).CanInterface() {
			apps[k], _ = v.Field(i).Interface().(wsgiref.App)
		}
	}
	return apps
}

// Serve routes the request of env through t to apps[k], the application
// of t.Routes[k]: it commits the environ as the switch tree does (SCRIPT_NAME
// the matched path, PATH_INFO the rest), adds the route's parameters to the
// routing args through args, and calls the application with [Serve] (501
// for a nil one). With t.RedirectSlash, a path that matches no route of
// its method but would with its trailing slash changed is redirected. A
// path that matches no route goes to notFound when it is not nil, else
// answers 404; a path whose routes do not take the method answers 405
// with the Allow header.
func (t *Table) Serve(env *wsgiref.Environ, start wsgiref.StartResponse, apps []wsgiref.App, args *ArgsCache, notFound wsgiref.App) (wsgiref.Body, error) {
	var p Path
	w := walk{t: t}
	w.m = p.Begin(env) // in place: returning the walk costs a copy
	if k, pos, ok := w.node(&p, 0, p.Start()); ok {
		r := &t.Routes[k]
		p.Commit(env, pos)
		if w.n > 0 {
			args.Capture(env, r.Pattern.Names, w.values()...)
		}
		return Serve(apps[k], r.Handler, env, start)
	}
	if w.slash != SlashNone {
		return RedirectSlash(env, start, w.m, w.slash)
	}
	if w.allow != 0 {
		return MethodNotAllowed(t.Methods.Allow(w.allow), start)
	}
	if notFound != nil {
		return notFound.ServeWSGI(env, start)
	}
	return NotFound(env, start)
}

// node walks the subtree of node n from position i of p and returns the route
// chosen and the position to commit, or false to backtrack. w.values()
// are the values of the chosen route's parameters when it returns true.
func (w *walk) node(p *Path, n int32, i int) (route int32, pos int, ok bool) {
	nd := &w.t.Nodes[n]
	if len(nd.Statics) > 0 || nd.Param != 0 || len(nd.Leaf) > 0 {
		seg, next, more := p.Next(i)
		switch {
		case !more:
			if k, ok := w.choose(nd.Leaf, nd.LeafAllow); ok {
				return k, next, true
			}
			if w.t.RedirectSlash && w.slash == SlashNone {
				// "/x" where only "/x/" takes the method.
				if kid := nd.static(""); kid != 0 && w.takes(w.t.Nodes[kid].Leaf) {
					w.slash = SlashAdd
				}
			}
		default:
			if kid := nd.static(seg); kid != 0 {
				if k, pos, ok := w.node(p, kid, next); ok {
					return k, pos, true
				}
			}
			if seg == "" && w.t.RedirectSlash && w.slash == SlashNone {
				// "/x/" where only "/x" takes the method (after a
				// trailing slash the walk has no segment "").
				if _, _, more := p.Next(next); !more && w.takes(nd.Leaf) {
					w.slash = SlashDrop
				}
			}
			if nd.Param != 0 && seg != "" {
				depth := w.n
				w.push(seg)
				if k, pos, ok := w.node(p, nd.Param, next); ok {
					return k, pos, true
				}
				w.n = depth
			}
		}
	}
	if len(nd.Rest) > 0 {
		if k, ok := w.choose(nd.Rest, nd.RestAllow); ok {
			w.push(p.Rest(i))
			return k, i, true
		}
	}
	return 0, 0, false
}

// linearStatics is the most static segments a node scans in order: an
// equality test is a length compare for most segments, cheaper than the
// ordered compares of a binary search.
const linearStatics = 32

// static returns the node of the static segment seg below nd, or 0.
func (nd *Node) static(seg string) int32 {
	st := nd.Statics
	if len(st) <= linearStatics {
		for i := range st {
			if st[i].Segment == seg {
				return st[i].Node
			}
		}
		return 0
	}
	lo, hi := 0, len(st)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if st[mid].Segment < seg {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(st) && st[lo].Segment == seg {
		return st[lo].Node
	}
	return 0
}

// choose applies the method rule to the routes of one node: the route of
// the method, else GET's for HEAD, else the ANY route. When none takes
// the method it adds the node's methods to the Allow set.
func (w *walk) choose(routes []Leaf, allow MethodSet) (int32, bool) {
	if k, ok := w.pick(routes); ok {
		return k, true
	}
	w.allow |= allow
	return 0, false
}

// takes says whether one of routes takes the request's method.
func (w *walk) takes(routes []Leaf) bool {
	_, ok := w.pick(routes)
	return ok
}

// pick is the method rule of choose, without the Allow set.
func (w *walk) pick(routes []Leaf) (int32, bool) {
	get, any := int32(-1), int32(-1)
	for _, l := range routes {
		switch l.Method {
		case w.m:
			if l.Method != "ANY" {
				return l.Route, true
			}
			any = l.Route
		case "GET":
			get = l.Route
		case "ANY":
			any = l.Route
		}
	}
	if w.m == "HEAD" && get >= 0 {
		return get, true
	}
	if any >= 0 {
		return any, true
	}
	return 0, false
}
