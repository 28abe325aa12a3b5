package zulip

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/bot/zulip/zuliptest"
)

// deliverHarness is an adapter for notices only (no event loop).
func newDeliverHarness(t *testing.T) (*Adapter, *zuliptest.Server, *sleeps) {
	t.Helper()
	s := zuliptest.NewServer(t)
	c, sl := newTestClient(t, s)
	a, err := NewAdapter(AdapterConfig{
		Handler: bot.HandlerFunc(func(context.Context, *bot.Request) *bot.Response { return nil }),
		Client:  c, Stream: "liaison",
	})
	if err != nil {
		t.Fatal(err)
	}
	return a, s, sl
}

func TestDeliver_NoticeGoesToTheStatementsTopic(t *testing.T) {
	a, s, _ := newDeliverHarness(t)
	s.AddChannel("liaison")
	if a.Platform() != "zulip" {
		t.Errorf("Platform() = %q", a.Platform())
	}
	// The statement's subject, cut to Zulip's topic length.
	subject := "LS-12: Reply on YANG models and a title long enough to be cut somewhere"
	topic := "LS-12: Reply on YANG models and a title long enough to be c…"
	got, err := a.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "liaison"}, Message: changeNotice(), Subject: subject})
	if err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.IsDM() || m.Channel != "liaison" || m.Topic != topic || got.MessageID != itoa(m.ID) {
		t.Errorf("sent %s to %q/%q (id %d), delivered %+v; want the channel liaison, topic %q", m.Type, m.Channel, m.Topic, m.ID, got, topic)
	}
	if !strings.HasPrefix(topic, "LS-12: ") || utf8.RuneCountInString(topic) > 60 {
		t.Errorf("topic %q", topic)
	}
	// In a channel a click must mention the bot to reach it.
	for _, c := range zformChoices(t, m) {
		if !strings.HasPrefix(c.Reply, "@**Liaison Bot|100** ") {
			t.Errorf("choice reply %q does not mention the bot", c.Reply)
		}
	}
	// A change notice names the linked person quietly (reminders and
	// nudges ping).
	if !strings.Contains(m.Content, "@_**Jane Manager|42**") {
		t.Errorf("the linked person is not mentioned:\n%s", m.Content)
	}
}

func TestDeliver_NoChannelMeansTheLiaisonChannelAndTopicsFitTheServer(t *testing.T) {
	a, s, _ := newDeliverHarness(t)
	s.AddChannel("liaison")
	c := a.cfg.Client
	s.SetLimits(20, 10000)
	if _, err := c.Register(context.Background(), RegisterParams{FetchEventTypes: []string{"realm"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "zulip"}, Message: reminderNotice(), Subject: "LS-12: Reply on YANG models"}); err != nil {
		t.Fatal(err)
	}
	m := s.Messages()[0]
	if m.Channel != "liaison" || m.Topic != "LS-12: Reply on YAN…" {
		t.Errorf("sent to %q/%q, want liaison/\"LS-12: Reply on YAN…\"", m.Channel, m.Topic)
	}
}

func TestDeliver_UserTargetIsADM(t *testing.T) {
	a, s, _ := newDeliverHarness(t)
	jane := s.AddUser(zuliptest.User{FullName: "Jane Manager"})
	got, err := a.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "zulip", User: itoa(jane.ID)}, Message: reminderNotice(), Subject: "LS-12: x"})
	if err != nil {
		t.Fatal(err)
	}
	m := s.Messages()[0]
	if !m.IsDM() || len(m.To) != 1 || m.To[0] != jane.ID || got.MessageID != itoa(m.ID) {
		t.Fatalf("sent %s to %v, want a DM to %d", m.Type, m.To, jane.ID)
	}
	for _, c := range zformChoices(t, m) {
		if strings.HasPrefix(c.Reply, "@") {
			t.Errorf("a DM choice reply %q mentions the bot", c.Reply)
		}
	}
}

func TestDeliver_RateLimitIsRetryableWithRetryAfter(t *testing.T) {
	a, s, sl := newDeliverHarness(t)
	s.AddChannel("liaison")
	s.RateLimitNext("/api/v1/messages", 100, "0.5")
	_, err := a.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "liaison"}, Message: changeNotice(), Subject: "LS-12: x"})
	var de *bot.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("err = %v, want a *bot.DeliveryError", err)
	}
	if de.Permanent || de.RetryAfter != 500*time.Millisecond || de.Code != CodeRateLimitHit {
		t.Errorf("DeliveryError = %+v, want retryable RATE_LIMIT_HIT after 0.5s", de)
	}
	if len(s.Messages()) != 0 || len(sl.all()) == 0 {
		t.Errorf("%d messages, %d waits", len(s.Messages()), len(sl.all()))
	}
}

func TestDeliver_PermanentAndRetryableFailures(t *testing.T) {
	ctx := context.Background()
	notice := changeNotice()
	t.Run("unknown channel", func(t *testing.T) {
		a, _, _ := newDeliverHarness(t)
		_, err := a.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "nowhere"}, Message: notice, Subject: "LS-12: x"})
		if de := bot.AsDeliveryError(err); err == nil || !de.Permanent || de.Code != CodeStreamDoesNotExist {
			t.Errorf("err = %v, want a permanent STREAM_DOES_NOT_EXIST", err)
		}
	})
	t.Run("unknown user", func(t *testing.T) {
		a, _, _ := newDeliverHarness(t)
		_, err := a.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", User: "999"}, Message: notice})
		if de := bot.AsDeliveryError(err); err == nil || !de.Permanent {
			t.Errorf("err = %v, want permanent", err)
		}
	})
	t.Run("not a user id", func(t *testing.T) {
		a, s, _ := newDeliverHarness(t)
		_, err := a.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", User: "U123"}, Message: notice})
		if de := bot.AsDeliveryError(err); err == nil || !de.Permanent || len(s.Requests()) != 0 {
			t.Errorf("err = %v (%d requests), want permanent without a request", err, len(s.Requests()))
		}
	})
	t.Run("server error", func(t *testing.T) {
		a, s, _ := newDeliverHarness(t)
		s.AddChannel("liaison")
		s.FailNext("/api/v1/messages", 1, http.StatusInternalServerError)
		_, err := a.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "liaison"}, Message: notice, Subject: "LS-12: x"})
		de := bot.AsDeliveryError(err)
		if err == nil || de.Permanent || de.Code != "http_500" {
			t.Errorf("err = %v, want a retryable http_500", err)
		}
		if n := len(s.RequestsTo(http.MethodPost, "/api/v1/messages")); n != 1 {
			t.Errorf("%d sends, want 1: the dispatcher owns retries after a 5xx", n)
		}
	})
	t.Run("network", func(t *testing.T) {
		a, s, _ := newDeliverHarness(t)
		s.AddChannel("liaison")
		s.Close()
		_, err := a.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "liaison"}, Message: notice, Subject: "LS-12: x"})
		if de := bot.AsDeliveryError(err); err == nil || de.Permanent {
			t.Errorf("err = %v, want retryable", err)
		}
	})
	t.Run("no client", func(t *testing.T) {
		a, err := NewAdapter(AdapterConfig{Handler: bot.HandlerFunc(func(context.Context, *bot.Request) *bot.Response { return nil })})
		if err != nil {
			t.Fatal(err)
		}
		_, err = a.Deliver(ctx, bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "liaison"}, Message: notice})
		if de := bot.AsDeliveryError(err); err == nil || !de.Permanent {
			t.Errorf("err = %v, want permanent", err)
		}
	})
}

func TestDeliver_LongNoticeIsSplitNotCut(t *testing.T) {
	a, s, _ := newDeliverHarness(t)
	s.AddChannel("liaison")
	s.SetLimits(60, 500)
	if _, err := a.cfg.Client.Register(context.Background(), RegisterParams{FetchEventTypes: []string{"realm"}}); err != nil {
		t.Fatal(err)
	}
	m := changeNotice()
	m.Blocks = append(m.Blocks[:1], append([]bot.Block{bot.Quote{Text: strings.Repeat("A long body line.\n", 80)}}, m.Blocks[1:]...)...)
	got, err := a.Deliver(context.Background(), bot.Delivery{Target: bot.Target{Platform: "zulip", Channel: "liaison"}, Message: m, Subject: "LS-12: x"})
	if err != nil {
		t.Fatal(err)
	}
	msgs := s.Messages()
	if len(msgs) < 3 {
		t.Fatalf("%d messages, want the notice in several", len(msgs))
	}
	if got.MessageID != itoa(msgs[0].ID) {
		t.Errorf("MessageID %s, want the first piece's %d", got.MessageID, msgs[0].ID)
	}
	n := 0
	for i, sm := range msgs {
		n += strings.Count(sm.Content, "A long body line.")
		if (sm.WidgetContent != "") != (i == len(msgs)-1) {
			t.Errorf("piece %d: widget %q; want the widget on the last piece only", i, sm.WidgetContent)
		}
	}
	if n != 80 {
		t.Errorf("%d body lines delivered, want 80", n)
	}
}

func TestTopic_TheSubjectCutToZulipsLengthElseTheReference(t *testing.T) {
	long := "LS-12: " + strings.Repeat("é", 80)
	for _, tc := range []struct {
		d    bot.Delivery
		max  int
		want string
	}{
		{bot.Delivery{Subject: "LS-12: Reply  on YANG"}, 60, "LS-12: Reply on YANG"},
		{bot.Delivery{Subject: long}, 60, "LS-12: " + strings.Repeat("é", 52) + "…"},
		// A server allowing longer topics still gets Zulip's 60, so that a
		// statement's topic does not depend on the server it went to.
		{bot.Delivery{Subject: long}, 100, "LS-12: " + strings.Repeat("é", 52) + "…"},
		{bot.Delivery{Subject: long}, 20, "LS-12: " + strings.Repeat("é", 12) + "…"},
		{bot.Delivery{Message: bot.Message{Statement: 7}}, 60, "LS-7"},
		{bot.Delivery{}, 60, "liaison statements"},
	} {
		if got := Topic(tc.d, tc.max); got != tc.want {
			t.Errorf("Topic(%q, %d) = %q, want %q", tc.d.Subject, tc.max, got, tc.want)
		}
	}
}
