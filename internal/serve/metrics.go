package serve

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
)

// newHTTPRequests is the only collector NewHandler registers, so a
// registry shared with NewMetrics never sees the same metric twice.
func newHTTPRequests(reg prometheus.Registerer) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "braid_http_requests_total",
		Help: "HTTP requests answered, by status code.",
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
