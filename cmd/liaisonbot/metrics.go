package main

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ietf-tools/liaisonbot/storage"
)

// metrics are the Prometheus metrics served at GET /metrics.
type metrics struct {
	reg              *prometheus.Registry
	commandLatency   *prometheus.HistogramVec
	commands         *prometheus.CounterVec
	deliveries       *prometheus.CounterVec
	deliveryFailures *prometheus.CounterVec
	reminders        *prometheus.CounterVec
	zulipRegisters   *prometheus.CounterVec
	zulipLeading     prometheus.Gauge
	slackRejections  *prometheus.CounterVec
}

func newMetrics(db *storage.DB) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.commandLatency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "liaisonbot_command_duration_seconds",
		Help:    "Time to answer a command, by command and platform.",
		Buckets: []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
	}, []string{"command", "platform"})
	m.commands = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaisonbot_commands_total",
		Help: "Commands answered, by command, platform and outcome (ok, or the error code).",
	}, []string{"command", "platform", "outcome"})
	m.deliveries = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaisonbot_deliveries_total",
		Help: "Notices delivered, by platform.",
	}, []string{"platform"})
	m.deliveryFailures = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaisonbot_delivery_failures_total",
		Help: "Failed notice deliveries, by platform, error code and whether the notice was parked.",
	}, []string{"platform", "code", "parked"})
	m.reminders = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaisonbot_reminders_sent_total",
		Help: "Automatic reminders sent, by kind (before, overdue, escalation, approval).",
	}, []string{"kind"})
	m.zulipRegisters = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaisonbot_zulip_queue_registrations_total",
		Help: "Zulip event queue registrations; reregistered=true counts queues Zulip dropped.",
	}, []string{"reregistered"})
	m.zulipLeading = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "liaisonbot_zulip_queue_leader",
		Help: "1 while this replica consumes the Zulip event queue (one replica at a time does), else 0.",
	})
	m.slackRejections = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "liaisonbot_slack_signature_rejections_total",
		Help: "Slack requests refused before parsing, by reason (signature, stale, missing, malformed, too_large).",
	}, []string{"reason"})
	outboxDepth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "liaisonbot_outbox_pending",
		Help: "Notices waiting to be delivered.",
	}, func() float64 { st := outboxStats(db); return float64(st.Pending) })
	outboxFailed := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "liaisonbot_outbox_failed",
		Help: "Notices parked as failed (liaisonbot outbox lists them; outbox retry queues them again).",
	}, func() float64 { st := outboxStats(db); return float64(st.Failed) })
	outboxAge := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "liaisonbot_outbox_oldest_age_seconds",
		Help: "Age of the oldest pending notice.",
	}, func() float64 { st := outboxStats(db); return st.OldestAge.Seconds() })
	m.reg.MustRegister(m.commandLatency, m.commands, m.deliveries, m.deliveryFailures, m.reminders, m.zulipRegisters,
		m.zulipLeading, m.slackRejections, outboxDepth, outboxFailed, outboxAge,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func outboxStats(db *storage.DB) storage.OutboxStats {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	st, _ := db.OutboxStats(ctx, time.Now())
	return st
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

func (m *metrics) observeCommand(command, platform, outcome string, elapsed time.Duration) {
	m.commandLatency.WithLabelValues(command, platform).Observe(elapsed.Seconds())
	m.commands.WithLabelValues(command, platform, outcome).Inc()
}

func (m *metrics) delivered(platform string) { m.deliveries.WithLabelValues(platform).Inc() }

func (m *metrics) deliveryFailed(platform, code string, parked bool) {
	p := "false"
	if parked {
		p = "true"
	}
	m.deliveryFailures.WithLabelValues(platform, code, p).Inc()
}

func (m *metrics) reminderSent(kind string) { m.reminders.WithLabelValues(kind).Inc() }

func (m *metrics) zulipRegistered(re bool) {
	v := "false"
	if re {
		v = "true"
	}
	m.zulipRegisters.WithLabelValues(v).Inc()
}

func (m *metrics) zulipLeader(leading bool) {
	if leading {
		m.zulipLeading.Set(1)
	} else {
		m.zulipLeading.Set(0)
	}
}

func (m *metrics) slackRejected(reason string) { m.slackRejections.WithLabelValues(reason).Inc() }
