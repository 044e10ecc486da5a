package daemon

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/braid-feeds/braid/internal/serve"
)

// Cycle outcomes the daemon reports; they are pre-created so that rate()
// and absent() queries work before the first failure ever happens.
var cycleOutcomes = []string{"ok", "failed", "panic", "skipped"}

// Metrics is what the daemon records about its generate cycles. A nil
// *Metrics records nothing, so callers need no guards when metrics are off.
type Metrics struct {
	cycleDuration prometheus.Histogram
	cycles        *prometheus.CounterVec
	fetches       *prometheus.CounterVec
	itemsHeld     *prometheus.GaugeVec
	feedsWritten  prometheus.Counter
	lastSuccess   prometheus.Gauge
	fetchedBy     *prometheus.GaugeVec

	mu       sync.Mutex
	fetchers map[string]string // source → the node its fetched_by series names
}

// NewMetrics creates the daemon's metrics and registers them with reg
// (nil: not registered). Calling it again with the same registry returns
// metrics backed by the already registered collectors instead of failing,
// so a restartable daemon loop and serve's handler can share one registry.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		cycleDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "braid_cycle_duration_seconds",
			Help: "Wall time of generate cycles that ran (skipped cycles are not observed).",
			// Cycles fetch remote sources: from sub-second to minutes.
			Buckets: []float64{0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600},
		}),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "braid_cycles_total",
			Help: "Generate cycles by outcome (ok, failed, panic, skipped).",
		}, []string{"outcome"}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "braid_fetches_total",
			Help: "Source fetches by source and outcome.",
		}, []string{"source", "outcome"}),
		itemsHeld: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "braid_items_held",
			Help: "Items currently held per source.",
		}, []string{"source"}),
		feedsWritten: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "braid_feeds_written_total",
			Help: "Files written to the output folder because their content changed.",
		}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "braid_last_success_timestamp_seconds",
			Help: "Unix time at which the last successful cycle finished.",
		}),
		fetchedBy: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "braid_source_fetched_by",
			Help: "1 for the fleet node that fetched the source last, as the shared state records it.",
		}, []string{"source", "node"}),
		fetchers: map[string]string{},
	}
	if reg != nil {
		m.cycleDuration = serve.MustRegister(reg, m.cycleDuration)
		m.cycles = serve.MustRegister(reg, m.cycles)
		m.fetches = serve.MustRegister(reg, m.fetches)
		m.itemsHeld = serve.MustRegister(reg, m.itemsHeld)
		m.feedsWritten = serve.MustRegister(reg, m.feedsWritten)
		m.lastSuccess = serve.MustRegister(reg, m.lastSuccess)
		m.fetchedBy = serve.MustRegister(reg, m.fetchedBy)
	}
	for _, o := range cycleOutcomes {
		m.cycles.WithLabelValues(o)
	}
	return m
}

// CycleDone records one cycle. Skipped cycles (the previous one was still
// running) are counted but not timed, since their near-zero duration would
// drag the histogram away from what a cycle really costs.
func (m *Metrics) CycleDone(d time.Duration, outcome string, written int, at time.Time) {
	if m == nil {
		return
	}
	m.cycles.WithLabelValues(outcome).Inc()
	if outcome != "skipped" {
		m.cycleDuration.Observe(d.Seconds())
	}
	if written > 0 {
		m.feedsWritten.Add(float64(written))
	}
	if outcome == "ok" {
		m.lastSuccess.Set(float64(at.UnixNano()) / 1e9)
	}
}

// Fetch counts one fetch of source.
func (m *Metrics) Fetch(source, outcome string) {
	if m == nil {
		return
	}
	m.fetches.WithLabelValues(source, outcome).Inc()
}

// ItemsHeld sets how many items source currently holds.
func (m *Metrics) ItemsHeld(source string, n int) {
	if m == nil {
		return
	}
	m.itemsHeld.WithLabelValues(source).Set(float64(n))
}

// ForgetSource drops the series of a source removed from the
// configuration, so dashboards stop showing its last values forever.
func (m *Metrics) ForgetSource(source string) {
	if m == nil {
		return
	}
	m.itemsHeld.DeleteLabelValues(source)
	m.fetches.DeletePartialMatch(prometheus.Labels{"source": source})
	m.FetchedBy(source, "")
}

// FetchedBy records which node fetched source last; "" (a braid working
// alone, or a forgotten source) drops the series. One series per source:
// the one of the previous fetcher goes when another takes over.
func (m *Metrics) FetchedBy(source, node string) {
	if m == nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.fetchers[source]
	if ok && old == node {
		return
	}
	if ok {
		m.fetchedBy.DeleteLabelValues(source, old)
		delete(m.fetchers, source)
	}
	if node != "" {
		m.fetchedBy.WithLabelValues(source, node).Set(1)
		m.fetchers[source] = node
	}
}
