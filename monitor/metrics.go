package monitor

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nhiscope/nhi"
)

// Metrics are the Prometheus metrics of a running nhi, on a registry of their own.
type Metrics struct {
	reg                 *prometheus.Registry
	runs                *prometheus.CounterVec
	runSeconds          *prometheus.HistogramVec
	requests, throttled *prometheus.CounterVec
	identities          *prometheus.GaugeVec
	findings            *prometheus.GaugeVec
	events              *prometheus.CounterVec
	lag                 *prometheus.GaugeVec
	detections          *prometheus.CounterVec
	deliveries          *prometheus.CounterVec
}

// NewMetrics returns the metrics, registered with the Go runtime's and the process's.
func NewMetrics() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhi_runs_total",
		Help: "Scheduled runs by connector, task (full_scan, scan, events) and outcome (succeeded, partial, failed)."},
		[]string{"connector", "platform", "task", "status"})
	m.runSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "nhi_run_duration_seconds",
		Help:    "Duration of scheduled runs by connector and task.",
		Buckets: prometheus.ExponentialBuckets(0.1, 2.5, 12)}, []string{"connector", "task"})
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhi_api_requests_total",
		Help: "Platform API requests made by scans."}, []string{"connector", "platform"})
	m.throttled = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhi_api_throttled_total",
		Help: "Platform API answers that throttled a scan (429, quota 403s)."}, []string{"connector", "platform"})
	m.identities = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nhi_identities",
		Help: "Non-human identities in the inventory, by platform and kind."}, []string{"platform", "kind"})
	m.findings = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nhi_findings_open",
		Help: "Open findings by severity."}, []string{"severity"})
	m.events = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhi_events_total",
		Help: "Audit events read, by connector and kind."}, []string{"connector", "kind"})
	m.lag = prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "nhi_event_lag_seconds",
		Help: "Age of the newest audit event read, at the time it was read."}, []string{"connector"})
	m.detections = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhi_detections_total",
		Help: "Behavioural detections, by signal."}, []string{"signal"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "nhi_push_deliveries_total",
		Help: "Pushed deliveries (webhooks, event hooks) by source and outcome (accepted, rejected)."},
		[]string{"source", "outcome"})
	m.reg.MustRegister(m.runs, m.runSeconds, m.requests, m.throttled, m.identities, m.findings, m.events,
		m.lag, m.detections, m.deliveries, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry returns the registry, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// scanned records one scan run.
func (m *Metrics) scanned(name string, t task, rec nhi.Scan, seconds float64) {
	if m == nil {
		return
	}
	status := string(rec.Status)
	if status == "" {
		status = string(nhi.ScanFailed)
	}
	m.runs.WithLabelValues(name, string(rec.Platform), t.String(), status).Inc()
	m.runSeconds.WithLabelValues(name, t.String()).Observe(seconds)
	m.requests.WithLabelValues(name, string(rec.Platform)).Add(float64(rec.Counts.Requests))
	m.throttled.WithLabelValues(name, string(rec.Platform)).Add(float64(rec.Counts.Throttled))
}

// polled records one event poll.
func (m *Metrics) polled(name string, p nhi.Platform, failed bool, seconds float64) {
	if m == nil {
		return
	}
	status := string(nhi.ScanSucceeded)
	if failed {
		status = string(nhi.ScanFailed)
	}
	m.runs.WithLabelValues(name, string(p), taskEvents.String(), status).Inc()
	m.runSeconds.WithLabelValues(name, taskEvents.String()).Observe(seconds)
}

// Delivery counts a pushed delivery from source, accepted or rejected.
func (m *Metrics) Delivery(source string, accepted bool) {
	if m == nil {
		return
	}
	outcome := "rejected"
	if accepted {
		outcome = "accepted"
	}
	m.deliveries.WithLabelValues(source, outcome).Inc()
}
