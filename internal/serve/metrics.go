package serve

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// newHTTPRequests is the only collector NewHandler registers, so a
// registry shared with NewMetrics never sees the same metric twice.
//
// It counts what the handler answers. Requests net/http refuses before
// any handler runs (a malformed request line or header: 400; headers over
// MaxHeaderBytes: 431) never reach it and are not counted: net/http
// writes those answers straight to the connection and tells no one, and
// the only way to see them would be to parse the bytes written to every
// connection. They are noise from scanners and broken clients, not feed
// readers; the Help text says so, so nobody reads the gap as lost traffic.
func newHTTPRequests(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "braid_http_requests_total",
		Help: "HTTP requests answered by braid, by status code. Requests net/http rejects before routing (malformed request line or headers: 400, 431) are not counted.",
	}, []string{"code"})
	return MustRegister(reg, c)
}

// codeCounters resolves the usual status codes once, so the hot path
// increments a counter without formatting a label or taking a lock.
type codeCounters struct {
	vec    *prometheus.CounterVec
	common map[int]prometheus.Counter // read-only after construction
}

func newCodeCounters(vec *prometheus.CounterVec) codeCounters {
	c := codeCounters{vec: vec, common: map[int]prometheus.Counter{}}
	for _, code := range []int{200, 301, 304, 400, 404, 405, 500, 503} {
		c.common[code] = vec.WithLabelValues(strconv.Itoa(code))
	}
	return c
}

func (c codeCounters) inc(code int) {
	if ctr, ok := c.common[code]; ok {
		ctr.Inc()
		return
	}
	c.vec.WithLabelValues(strconv.Itoa(code)).Inc()
}

// MustRegister registers c, or returns the equal collector registered
// before it so that repeated construction on one registry is harmless. A
// registration that genuinely conflicts (same name, other shape) is a
// programming error and panics, like prometheus.MustRegister.
func MustRegister[T prometheus.Collector](reg prometheus.Registerer, c T) T {
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var are prometheus.AlreadyRegisteredError
	if errors.As(err, &are) {
		if existing, ok := are.ExistingCollector.(T); ok {
			return existing
		}
	}
	panic(fmt.Errorf("serve: register metrics: %w", err))
}
