package benchmarks

import (
	"net/http"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	wsgiref "github.com/gowsgi/wsgiref"
	"github.com/gowsgi/wsgiref/examples/githubapi"
	"github.com/gowsgi/wsgiref/handlers"
	"github.com/gowsgi/wsgiref/headers"
	"github.com/gowsgi/wsgiref/routing"
	"github.com/julienschmidt/httprouter"
	"github.com/labstack/echo/v4"
	"github.com/uptrace/bunrouter"
)

// The router benchmarks run the GitHub API's 203 routes through each
// router on its own idiomatic path: the net/http routers get a prebuilt
// *http.Request and a no-op ResponseWriter, ours gets the environ the
// module's server builds for that same request (handlers.RequestEnviron).
// Ours serves every request with one environ, as a pooled environ on a
// keep-alive connection does: before each request the loop sets
// REQUEST_METHOD, SCRIPT_NAME and PATH_INFO and removes the routing args
// (our router writes them), and that is timed with the routing.
//
//	go test -run='^$' -bench=Router -benchmem
//	ROUTER_RATIOS=1 go test -run=TestRouterRatios -v   # the ratios

// routerCase is one request of a benchmark.
type routerCase struct {
	method, path string
	params       bool // the route captures parameters
	req          *http.Request
	env          *wsgiref.Environ
}

// githubCases returns a request for each route, the route path itself as
// the request path (a parameter gets its own name as value), as the
// classic router benchmarks do.
func githubCases(tb testing.TB, routes []routing.Route) []routerCase {
	tb.Helper()
	info := handlers.ServerInfo{Name: "localhost", Port: "8000", Software: "WSGIServer/0.2"}
	cases := make([]routerCase, len(routes))
	for i, r := range routes {
		req, err := http.NewRequest(r.Method, "http://localhost:8000"+r.Path, nil)
		if err != nil {
			tb.Fatal(err)
		}
		req.RequestURI = r.Path
		req.RemoteAddr = "127.0.0.1:40000"
		req.Header.Set("User-Agent", "bench")
		req.Header.Set("Accept", "*/*")
		env := new(wsgiref.Environ)
		handlers.RequestEnviron(env, req, info)
		cases[i] = routerCase{r.Method, r.Path, strings.ContainsAny(r.Path, ":*"), req, env}
	}
	// All routes in turn, grouped by method (the same order for every
	// router), so that our loop rarely has to reset REQUEST_METHOD.
	slices.SortStableFunc(cases, func(a, b routerCase) int { return strings.Compare(a.method, b.method) })
	return cases
}

func findCase(tb testing.TB, cases []routerCase, method, path string) []routerCase {
	for _, c := range cases {
		if c.method == method && c.path == path {
			return []routerCase{c}
		}
	}
	tb.Fatalf("no route %s %s", method, path)
	return nil
}

// noopWriter is the ResponseWriter of the net/http routers: the handlers
// write nothing, so only routing is measured.
type noopWriter struct{ h http.Header }

func (w *noopWriter) Header() http.Header         { return w.h }
func (w *noopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *noopWriter) WriteHeader(int)             {}

// counters count the requests each router's handlers saw, so a test can
// check that every benchmark request was routed and not answered 404.
type counters struct{ hits int }

func (c *counters) http(w http.ResponseWriter, r *http.Request) { c.hits++ }

func (c *counters) wsgi() wsgiref.App {
	return wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
		c.hits++
		return nil, nil
	})
}

// wsgirefRouter builds the generated router with every handler set.
func wsgirefRouter(c *counters) *githubapi.Router {
	app := c.wsgi()
	var h githubapi.Handlers
	setAllHandlers(&h, app)
	return githubapi.NewRouter(h)
}

func httprouterRouter(routes []routing.Route, c *counters) http.Handler {
	r := httprouter.New()
	for _, rt := range routes {
		r.Handle(rt.Method, rt.Path, func(w http.ResponseWriter, req *http.Request, _ httprouter.Params) { c.hits++ })
	}
	return r
}

// ginRouter is gin in release mode with no middleware (gin.New, not
// gin.Default, which adds a logger and a recovery handler).
func ginRouter(routes []routing.Route, c *counters) http.Handler {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	for _, rt := range routes {
		r.Handle(rt.Method, rt.Path, func(*gin.Context) { c.hits++ })
	}
	return r
}

// bunrouterRouter is bunrouter's own handler type (a bunrouter.Request,
// an error result), the path it documents as the fast one.
func bunrouterRouter(routes []routing.Route, c *counters) http.Handler {
	r := bunrouter.New()
	for _, rt := range routes {
		r.Handle(rt.Method, rt.Path, func(http.ResponseWriter, bunrouter.Request) error { c.hits++; return nil })
	}
	return r
}

// echoRouter is echo with no middleware; its handlers get an echo.Context.
func echoRouter(routes []routing.Route, c *counters) http.Handler {
	e := echo.New()
	for _, rt := range routes {
		e.Add(rt.Method, rt.Path, func(echo.Context) error { c.hits++; return nil })
	}
	return e
}

func chiRouter(routes []routing.Route, c *counters) http.Handler {
	r := chi.NewRouter()
	for _, rt := range routes {
		r.MethodFunc(rt.Method, bracePattern(rt.Path, "*"), c.http)
	}
	return r
}

func serveMux(routes []routing.Route, c *counters) http.Handler {
	m := http.NewServeMux()
	for _, rt := range routes {
		m.HandleFunc(rt.Method+" "+bracePattern(rt.Path, ""), c.http)
	}
	return m
}

// bracePattern turns /a/:b into /a/{b}, the syntax of chi and ServeMux.
func bracePattern(p, star string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch {
		case strings.HasPrefix(s, ":"):
			segs[i] = "{" + s[1:] + "}"
		case strings.HasPrefix(s, "*") && star != "":
			segs[i] = star
		case strings.HasPrefix(s, "*"):
			segs[i] = "{" + s[1:] + "...}"
		}
	}
	return strings.Join(segs, "/")
}

// routerBench is one contender: round routes every case once.
type routerBench struct {
	name  string
	round func(cases []routerCase)
}

func httpRound(h http.Handler) func([]routerCase) {
	w := &noopWriter{h: http.Header{}}
	return func(cases []routerCase) {
		for i := range cases {
			h.ServeHTTP(w, cases[i].req)
		}
	}
}

func wsgiRound(app wsgiref.App) func([]routerCase) {
	// One environ for every request, as a server's pooled environ serves
	// request after request on a keep-alive connection.
	var env *wsgiref.Environ
	var method string
	var hadArgs bool
	return func(cases []routerCase) {
		if env == nil {
			env = cases[0].env.Clone()
			method = env.Get("REQUEST_METHOD")
		}
		for i := range cases {
			c := &cases[i]
			// Make the environ the one the server built for this request,
			// touching only what differs: the method when it changes, the
			// path our router shifted, the args it set.
			if c.method != method {
				env.Set("REQUEST_METHOD", c.method)
				method = c.method
			}
			env.SetScriptPath(c.path, 0)
			if hadArgs {
				env.DelExtension(routing.Key)
			}
			app.ServeWSGI(env, noStart)
			hadArgs = c.params
		}
	}
}

func noStart(string, headers.Headers, ...error) (wsgiref.Write, error) { return nil, nil }

// setAllHandlers sets every field of a generated Handlers struct to app.
func setAllHandlers(h *githubapi.Handlers, app wsgiref.App) {
	v := reflect.ValueOf(h).Elem()
	for i := range v.NumField() {
		v.Field(i).Set(reflect.ValueOf(app))
	}
}

// routerContenders returns the routers, each with its counter: ours
// first, then the peers.
func routerContenders(routes []routing.Route) ([]routerBench, []*counters) {
	cs := []*counters{{}, {}, {}, {}, {}, {}, {}}
	return []routerBench{
		{"wsgiref", wsgiRound(wsgirefRouter(cs[0]))},
		{"httprouter", httpRound(httprouterRouter(routes, cs[1]))},
		{"gin", httpRound(ginRouter(routes, cs[2]))},
		{"bunrouter", httpRound(bunrouterRouter(routes, cs[3]))},
		{"echo", httpRound(echoRouter(routes, cs[4]))},
		{"chi", httpRound(chiRouter(routes, cs[5]))},
		{"servemux", httpRound(serveMux(routes, cs[6]))},
	}, cs
}

type routerWorkload struct {
	name  string
	cases []routerCase
}

// routerWorkloads are the three benchmarks of the issue.
func routerWorkloads(tb testing.TB) []routerWorkload {
	all := githubCases(tb, githubapi.Routes)
	return []routerWorkload{
		{"GithubAll", all},
		{"GithubStatic", findCase(tb, all, "GET", "/user/repos")},
		{"GithubParam", findCase(tb, all, "GET", "/repos/:owner/:repo/issues/:number")},
	}
}

// BenchmarkRouter is the side-by-side run, named
// BenchmarkRouter/<workload>/<router> so that the ratios can be computed.
func BenchmarkRouter(b *testing.B) {
	contenders, _ := routerContenders(githubapi.Routes)
	for _, w := range routerWorkloads(b) {
		b.Run(w.name, func(b *testing.B) {
			for _, c := range contenders {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						c.round(w.cases)
					}
				})
			}
		})
	}
}

// TestRouterAgree checks that the benchmarks measure routing that works:
// every router sends each of the 203 requests to a handler, none answers
// 404 or 405.
func TestRouterAgree(t *testing.T) {
	contenders, counts := routerContenders(githubapi.Routes)
	for _, w := range routerWorkloads(t) {
		for i, c := range contenders {
			counts[i].hits = 0
			c.round(w.cases)
			c.round(w.cases) // the second round runs on the restored environs
			if got := counts[i].hits; got != 2*len(w.cases) {
				t.Errorf("%s/%s: %d of %d requests reached a handler", w.name, c.name, got, 2*len(w.cases))
			}
		}
	}
}

// TestRouterZeroAllocs checks the hot path's promise outside the timing
// of a benchmark: routing the 203 requests allocates nothing once the
// environs have been through a round.
func TestRouterZeroAllocs(t *testing.T) {
	var c counters
	round := wsgiRound(wsgirefRouter(&c))
	cases := githubCases(t, githubapi.Routes)
	round(cases)
	if n := testing.AllocsPerRun(20, func() { round(cases) }); n != 0 {
		t.Errorf("a round of the 203 routes allocates %v times, want 0", n)
	}
}

// TestRouterRatios measures the routers side by side and prints each
// one's time per op and our ratio to it, with the targets: at most
// 0.8x the fastest peer on GithubAll and 1.0x on GithubStatic and
// GithubParam, 0 allocs/op. Two
// figures per router: the ordinary benchmark (testing.Benchmark, long
// runs that include the garbage collection the allocating routers cause)
// and the best of many short interleaved samples (the least disturbed on
// a shared machine, and mostly free of GC, which flatters the routers
// that allocate).
// It prints, never fails on speed, and runs only when ROUTER_RATIOS is
// set:
//
//	ROUTER_RATIOS=1 go test -run=TestRouterRatios -v
func TestRouterRatios(t *testing.T) {
	if os.Getenv("ROUTER_RATIOS") == "" {
		t.Skip("set ROUTER_RATIOS=1 to measure the routers and print the ratios")
	}
	const samples = 25
	contenders, _ := routerContenders(githubapi.Routes)
	for _, w := range routerWorkloads(t) {
		// Enough rounds for a sample of about 2ms.
		rounds := max(1, 2000/len(w.cases))
		best := make([]time.Duration, len(contenders))
		allocs := make([]float64, len(contenders))
		for i, c := range contenders {
			c.round(w.cases) // warm up: pooled environs, caches
			allocs[i] = testing.AllocsPerRun(5, func() { c.round(w.cases) })
		}
		for range samples {
			for i, c := range contenders {
				start := time.Now()
				for range rounds {
					c.round(w.cases)
				}
				if d := time.Since(start) / time.Duration(rounds); best[i] == 0 || d < best[i] {
					best[i] = d
				}
			}
		}
		// The cost of resetting our environ between requests, which the
		// wsgiref figure includes: the same loop with an application that
		// routes nothing.
		reset := wsgiRound(wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) { return nil, nil }))
		var resetBest time.Duration
		for range samples {
			start := time.Now()
			for range rounds {
				reset(w.cases)
			}
			if d := time.Since(start) / time.Duration(rounds); resetBest == 0 || d < resetBest {
				resetBest = d
			}
		}
		// And the ordinary benchmark figure of each: long runs, so the
		// garbage collection that the allocating routers cause is in it.
		bench := make([]testing.BenchmarkResult, len(contenders))
		for i, c := range contenders {
			bench[i] = testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					c.round(w.cases)
				}
			})
		}
		for i, c := range contenders {
			t.Logf("%-12s %-10s bench %8d ns/op %4d allocs/op  wsgiref/%-10s = %.3f | best sample %8.0f ns/op  wsgiref/%-10s = %.3f",
				w.name, c.name, bench[i].NsPerOp(), bench[i].AllocsPerOp(), c.name,
				float64(bench[0].NsPerOp())/float64(bench[i].NsPerOp()),
				float64(best[i].Nanoseconds()), c.name, float64(best[0])/float64(best[i]))
		}
		// The floor of any router on this environ: the harness, plus the
		// reads and the write of the path that every WSGI router makes,
		// plus the call of the application, with no routing at all.
		nop := wsgiref.AppFunc(func(*wsgiref.Environ, wsgiref.StartResponse) (wsgiref.Body, error) { return nil, nil })
		floor := wsgiRound(wsgiref.AppFunc(func(env *wsgiref.Environ, start wsgiref.StartResponse) (wsgiref.Body, error) {
			_ = env.Get("REQUEST_METHOD")
			path, _ := env.ScriptPath()
			env.SetScriptPath(path, len(path))
			return nop.ServeWSGI(env, start)
		}))
		var floorBest time.Duration
		for range samples {
			start := time.Now()
			for range rounds {
				floor(w.cases)
			}
			if d := time.Since(start) / time.Duration(rounds); floorBest == 0 || d < floorBest {
				floorBest = d
			}
		}
		t.Logf("%-12s of wsgiref's time: %.0f ns/op harness (resetting the environ); %.0f ns/op floor (harness + reading and setting the path, no routing) = %.3f of httprouter",
			w.name, float64(resetBest.Nanoseconds()), float64(floorBest.Nanoseconds()), float64(floorBest)/float64(best[1]))
	}
	t.Log("targets: wsgiref ÷ the fastest of httprouter, gin, bunrouter, echo: GithubAll <= 0.80, GithubStatic and GithubParam <= 1.00, wsgiref 0 allocs/op")
}
