// Package outbox delivers the notices that changes, reminders and nudges
// leave in the store's outbox: each to its channel or person, in order per
// statement, at the platform's pace, retrying until it goes out.
//
// Delivery is at least once. Rows are leased: a dispatcher claims a batch
// sized to be delivered well within the lease, and renews a row's lease
// right before handing it to the platform; a row whose lease ran out (and
// that another dispatcher may hold now) is never delivered on it. A
// delivery is bounded by Timeout, at most a third of the lease, so it ends
// long before the renewed lease does. A notice is marked sent only after
// the platform accepted it, in its own transaction: a crash between the two
// can send it twice (the next holder delivers it again); nothing else can.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ietf-tools/liaisonbot/bot"
	"github.com/ietf-tools/liaisonbot/internal/retry"
)

// Store is the outbox's storage: the outbox itself, and the statements
// and directory its notices are rendered from.
type Store interface {
	bot.OutboxStore
	Statement(ctx context.Context, id int64) (*bot.Statement, error)
	Directory(ctx context.Context) (*bot.Directory, error)
}

// Dispatcher delivers the outbox. One runs per process; several processes
// may share a database (rows are leased, so no row is delivered by two).
type Dispatcher struct {
	Store Store
	Chats map[string]bot.Chat
	// Owner names the lease holder. It must differ between dispatchers that
	// run at the same time, and should stay the same across restarts of one
	// (serve uses the host and listen address): Run starts by taking back
	// the claims its previous life left.
	Owner  string
	Now    func() time.Time
	Logger *slog.Logger
	// Location is the time zone of "today" in notices (deadlines).
	Location *time.Location
	// PublicURL is the web board's address (LIAISONBOT_PUBLIC_URL): every
	// notice links to the statement's page there; "" for no link.
	PublicURL string
	// Audience decides who is told in chat that an email did not reach
	// some of its recipients (Audience.MailProblem).
	Audience bot.Audience
	// Pace is the gap between two messages to one channel, per platform
	// (Slack asks for about one message a second per channel), measured
	// from one hand-over to the platform to the next.
	Pace map[string]time.Duration
	// Sleep waits out a channel's pace on the Now clock (retry.Sleep, a
	// context-aware wait, when nil; a test on a fake clock moves it).
	Sleep func(ctx context.Context, d time.Duration) error
	// GiveUp parks a notice as failed when it is still failing this long
	// after it was written.
	GiveUp time.Duration
	// Lease is how long a claimed row is reserved (renewed right before
	// its delivery); Timeout bounds one delivery, and is cut to a third of
	// the lease if it is longer.
	Lease   time.Duration
	Timeout time.Duration
	// Grace bounds a delivery still in flight when Run's context ends
	// (shutdown): it may finish within Grace, then it is abandoned (and,
	// if the platform took it, may be sent again by the next run: the same
	// window as a crash).
	Grace time.Duration
	// Batch is the most rows one cycle claims; Workers how many channels
	// are served at once (and the most channels one cycle claims). A cycle
	// claims at most as many rows of a channel as it can deliver within
	// half the lease, going by the channel's pace and the slowest of the
	// platform's recent deliveries (Timeout until one is seen).
	Batch   int
	Workers int
	// Poll is how often an idle dispatcher looks for work (Wake makes it
	// look at once).
	Poll time.Duration
	// BackoffBase and BackoffMax bound the retry delay after a failure
	// other than a rate limit (exponential with jitter).
	BackoffBase, BackoffMax time.Duration

	// Metrics hooks (optional).
	OnDelivered func(platform string)
	OnFailed    func(platform, code string, parked bool)

	once        sync.Once
	wake        chan struct{}
	mu          sync.Mutex
	nextAllowed map[string]time.Time      // "platform|channel" -> earliest next send
	took        map[string]*deliveryTimes // platform -> how long recent deliveries took
}

// deliveryTimes are the last durations of a platform's deliveries.
type deliveryTimes struct {
	d    [16]time.Duration
	n, i int
}

func (t *deliveryTimes) add(d time.Duration) {
	t.d[t.i] = d
	t.i = (t.i + 1) % len(t.d)
	if t.n < len(t.d) {
		t.n++
	}
}

// slowest is the longest recent duration (0 when none was seen).
func (t *deliveryTimes) slowest() time.Duration {
	var m time.Duration
	for _, d := range t.d[:t.n] {
		m = max(m, d)
	}
	return m
}

func (d *Dispatcher) init() {
	d.once.Do(func() {
		d.wake = make(chan struct{}, 1)
		d.nextAllowed = map[string]time.Time{}
		d.took = map[string]*deliveryTimes{}
		if d.Now == nil {
			d.Now = time.Now
		}
		if d.Sleep == nil {
			d.Sleep = retry.Sleep
		}
		if d.Logger == nil {
			d.Logger = slog.Default()
		}
		if d.Location == nil {
			d.Location = time.UTC
		}
		if d.GiveUp == 0 {
			d.GiveUp = 48 * time.Hour
		}
		if d.Lease == 0 {
			d.Lease = time.Minute
		}
		if d.Timeout == 0 {
			d.Timeout = 20 * time.Second
		}
		if d.Timeout > d.Lease/3 {
			d.Timeout = d.Lease / 3
		}
		if d.Grace == 0 {
			d.Grace = 5 * time.Second
		}
		if d.Batch == 0 {
			d.Batch = 50
		}
		if d.Workers == 0 {
			d.Workers = 8
		}
		if d.Poll == 0 {
			d.Poll = time.Second
		}
		if d.BackoffBase == 0 {
			d.BackoffBase = 2 * time.Second
		}
		if d.BackoffMax == 0 {
			d.BackoffMax = 10 * time.Minute
		}
		if d.Owner == "" {
			d.Owner = fmt.Sprintf("dispatcher-%d", rand.Int64())
		}
	})
}

// Wake asks the dispatcher to look for work now (after a change was
// committed). It never blocks.
func (d *Dispatcher) Wake() {
	d.init()
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done. Deliveries in flight finish (within
// Timeout) before it returns.
func (d *Dispatcher) Run(ctx context.Context) error {
	d.init()
	if n, err := d.Store.ReleaseOwner(ctx, d.Owner); err != nil {
		d.Logger.Warn("outbox: could not take back earlier claims (they expire with their lease)", "err", err)
	} else if n > 0 {
		d.Logger.Info("outbox: took back notices claimed before a restart", "count", n)
	}
	for {
		n, err := d.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			d.Logger.Error("outbox: dispatch cycle failed", "err", err)
		}
		if n > 0 && err == nil {
			continue
		}
		wait := d.Poll
		if soon := d.nextPaceRelease(); soon > 0 && soon < wait {
			wait = soon
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-d.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// RunOnce claims one batch and delivers it; it returns how many rows it
// handled.
func (d *Dispatcher) RunOnce(ctx context.Context) (int, error) {
	d.init()
	now := d.Now()
	items, err := d.Store.ClaimNotices(ctx, d.Owner, now, d.Lease, d.limits(), d.pacedChannels(now))
	if err != nil || len(items) == 0 {
		return 0, err
	}
	// One goroutine per channel (bounded), items of a channel in order with
	// the platform's pace between them.
	groups := map[string][]bot.OutboxItem{}
	var keys []string
	for _, it := range items {
		k := it.Target.ChannelKey()
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], it)
	}
	sort.Strings(keys)
	sem := make(chan struct{}, d.Workers)
	var wg sync.WaitGroup
	for _, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func(group []bot.OutboxItem) {
			defer wg.Done()
			defer func() { <-sem }()
			for i, it := range group {
				if held := d.heldFor(it.Target); held > d.Pace[it.Target.Platform] {
					// The platform asked this channel to wait (429): give
					// the rest back rather than sit on their leases.
					d.release(ctx, group[i:], d.Now().Add(held))
					return
				}
				if err := d.waitPace(ctx, it.Target); err != nil {
					// Shutting down: give them back for the next run.
					d.release(ctx, group[i:], d.Now())
					return
				}
				d.deliver(ctx, it)
			}
		}(groups[k])
	}
	wg.Wait()
	return len(items), nil
}

// limits sizes the next claim so that it is delivered within half the
// lease: every channel it claims gets a worker of its own, and a channel
// gets as many rows as fit in half the lease at its pace or at the
// platform's slowest recent delivery, whichever is slower (Timeout before
// any delivery was seen). Renewing each row right before its delivery makes
// a batch that runs longer safe all the same: its late rows are skipped,
// not sent twice.
func (d *Dispatcher) limits() bot.ClaimLimits {
	d.mu.Lock()
	defer d.mu.Unlock()
	lim := bot.ClaimLimits{Channels: d.Workers, PerChannel: map[string]int{}}
	most := 1
	for platform := range d.Chats {
		slot := d.Timeout
		if t := d.took[platform]; t != nil && t.n > 0 {
			slot = t.slowest()
		}
		slot = max(slot, d.Pace[platform], time.Millisecond)
		n := max(1, int((d.Lease/2)/slot))
		lim.PerChannel[platform] = n
		most = max(most, n)
	}
	lim.Rows = min(d.Batch, d.Workers*most)
	return lim
}

// tookFor records how long a delivery on the platform took.
func (d *Dispatcher) tookFor(platform string, took time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t := d.took[platform]
	if t == nil {
		t = &deliveryTimes{}
		d.took[platform] = t
	}
	t.add(took)
}

// pacedChannels lists the channels still waiting out their pace.
func (d *Dispatcher) pacedChannels(now time.Time) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []string
	for k, t := range d.nextAllowed {
		if t.After(now) {
			out = append(out, k)
		} else {
			delete(d.nextAllowed, k)
		}
	}
	return out
}

// nextPaceRelease is how long until the first paced channel may send again.
func (d *Dispatcher) nextPaceRelease() time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.Now()
	var soon time.Duration
	for _, t := range d.nextAllowed {
		if w := t.Sub(now); w > 0 && (soon == 0 || w < soon) {
			soon = w
		}
	}
	return soon
}

// heldFor is how long the channel must still wait.
func (d *Dispatcher) heldFor(t bot.Target) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.nextAllowed[t.ChannelKey()].Sub(d.Now())
}

// release gives claimed rows back undelivered.
func (d *Dispatcher) release(ctx context.Context, items []bot.OutboxItem, next time.Time) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	for _, it := range items {
		if err := d.Store.Release(rctx, it.ID, d.Owner, next); err != nil {
			d.Logger.Warn("outbox: could not release a notice (its lease will expire)", "outbox_id", it.ID, "err", err)
		}
	}
}

// waitPace waits until the channel may send (deliver books the next slot
// as it hands a message to the platform), on the Now clock: it never
// returns before the slot, whatever a timer does.
func (d *Dispatcher) waitPace(ctx context.Context, t bot.Target) error {
	k := t.ChannelKey()
	for {
		d.mu.Lock()
		wait := d.nextAllowed[k].Sub(d.Now())
		d.mu.Unlock()
		if wait <= 0 {
			return nil
		}
		if err := d.Sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// hold keeps the channel quiet until t (at least).
func (d *Dispatcher) hold(k string, t time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t.After(d.nextAllowed[k]) {
		d.nextAllowed[k] = t
	}
}

// deliver renders one notice, hands it to its platform and records the
// outcome.
func (d *Dispatcher) deliver(ctx context.Context, it bot.OutboxItem) {
	log := d.Logger.With("outbox_id", it.ID, "statement", bot.Ref(it.Statement), "target", it.Target.String(), "kind", it.Kind)
	chat := d.Chats[it.Target.Platform]
	if chat == nil {
		d.fail(ctx, log, it, &bot.DeliveryError{Code: "platform_not_configured", Permanent: true,
			Err: fmt.Errorf("no %s connection in this process", it.Target.Platform)})
		return
	}
	del, err := d.render(ctx, it)
	if err != nil {
		if bot.ErrorCode(err) == bot.ENOTFOUND {
			d.fail(ctx, log, it, &bot.DeliveryError{Code: "statement_not_found", Permanent: true, Err: err})
		} else {
			d.fail(ctx, log, it, &bot.DeliveryError{Code: "render", Err: err})
		}
		return
	}
	// No delivery on an expired claim: renew it now, or leave the row to
	// whoever holds it since (or to the next claim).
	held, err := d.Store.RenewClaim(ctx, it.ID, d.Owner, d.Now(), d.Lease)
	if err != nil {
		log.Warn("outbox: could not renew the claim; not delivering now (the row is tried again when its lease ends)", "err", err)
		return
	}
	if !held {
		log.Info("outbox: the claim ran out before delivery; left to whoever holds the row now")
		return
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.Timeout)
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(d.Grace, cancel)
		context.AfterFunc(dctx, func() { t.Stop() })
	})
	// The pace counts from the hand-over itself: the channel's next slot
	// is booked now, after the rendering and the renewal, whatever they
	// took.
	start := d.Now()
	if pace := d.Pace[it.Target.Platform]; pace > 0 {
		d.hold(it.Target.ChannelKey(), start.Add(pace))
	}
	res, err := chat.Deliver(dctx, del)
	stop()
	cancel()
	d.tookFor(it.Target.Platform, d.Now().Sub(start))
	if err != nil {
		d.fail(ctx, log, it, bot.AsDeliveryError(err))
		return
	}
	// Record with a context that survives shutdown: the platform has it.
	rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer rcancel()
	if len(res.Refused) > 0 && it.Data.Mail != nil {
		d.settleMail(rctx, log, it, res)
		return
	}
	if err := d.Store.MarkSent(rctx, it.ID, d.Owner, res, d.Now()); err != nil {
		log.Error("outbox: delivered but not recorded (it may be sent again)", "err", err)
		return
	}
	if d.OnDelivered != nil {
		d.OnDelivered(it.Target.Platform)
	}
	log.Debug("outbox: delivered", "message_id", res.MessageID)
}

// fail schedules a retry, or parks the row when retrying cannot help or has
// gone on too long.
func (d *Dispatcher) fail(ctx context.Context, log *slog.Logger, it bot.OutboxItem, de *bot.DeliveryError) {
	now := d.Now()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	parked := de.Permanent || now.Sub(it.Created) >= d.GiveUp
	var err error
	if parked && it.Data.Mail != nil {
		// An email parked whole: its submitter is told, with the answer.
		var refused []bot.MailRefusal
		for _, a := range it.Data.Mail.Recipients() {
			refused = append(refused, bot.MailRefusal{Address: a, Answer: de.Error(), Permanent: true})
		}
		d.settleMail(rctx, log, it, bot.Delivered{Refused: refused})
		log.Warn("outbox: email parked as failed", "code", de.Code, "err", de, "attempts", it.Attempts+1)
	} else if parked {
		err = d.Store.MarkFailed(rctx, it.ID, d.Owner, de.Error())
		log.Warn("outbox: notice parked as failed", "code", de.Code, "err", de, "attempts", it.Attempts+1)
	} else {
		wait := de.RetryAfter
		if wait <= 0 {
			wait = retry.Backoff{Base: d.BackoffBase, Max: d.BackoffMax}.Delay(it.Attempts)
		} else {
			// The platform asked the whole channel to wait.
			d.hold(it.Target.ChannelKey(), now.Add(wait))
		}
		err = d.Store.MarkRetry(rctx, it.ID, d.Owner, now.Add(wait), de.Error())
		log.Info("outbox: delivery failed, will retry", "code", de.Code, "retry_in", wait, "attempts", it.Attempts+1)
	}
	if err != nil {
		log.Error("outbox: could not record the failure", "err", err)
	}
	if d.OnFailed != nil {
		d.OnFailed(it.Target.Platform, de.Code, parked)
	}
}

// settleMail records an email that its server took for some recipients and
// refused for others: the row is marked sent to those who got it, those
// deferred (4xx) go back in the queue as a row of their own to try again
// after a backoff, each one refused for good (5xx) is parked as a row of
// its own with the server's answer (see "liaisonbot outbox"), and the
// submitter is told in chat, all in one transaction.
func (d *Dispatcher) settleMail(ctx context.Context, log *slog.Logger, it bot.OutboxItem, res bot.Delivered) {
	now := d.Now()
	m := *it.Data.Mail
	refused := map[string]bool{}
	var deferred, answers []string
	var gone []bot.MailRefusal
	for _, r := range res.Refused {
		refused[bot.EmailKey(r.Address)] = true
		if r.Permanent {
			gone = append(gone, r)
		} else {
			deferred = append(deferred, r.Address)
			answers = append(answers, r.Address+": "+r.Answer)
		}
	}
	var accepted []string
	for _, a := range m.Recipients() {
		if !refused[bot.EmailKey(a)] {
			accepted = append(accepted, a)
		}
	}
	part := func(status string, envelope []string, lastErr string) bot.OutboxPart {
		c := m
		c.Envelope = envelope
		data := it.Data
		data.Mail = &c
		return bot.OutboxPart{Status: status, Data: data, LastError: lastErr}
	}
	var parts []bot.OutboxPart
	if len(accepted) > 0 {
		p := part(bot.OutboxSent, accepted, "")
		p.MessageID = res.MessageID
		parts = append(parts, p)
	}
	if len(deferred) > 0 {
		p := part(bot.OutboxPending, deferred, strings.Join(answers, "; "))
		p.Next = now.Add(retry.Backoff{Base: d.BackoffBase, Max: d.BackoffMax}.Delay(it.Attempts))
		parts = append(parts, p)
	}
	for _, r := range gone {
		parts = append(parts, part(bot.OutboxFailed, []string{r.Address}, r.Address+": "+r.Answer))
	}
	var notices []bot.Notice
	if len(gone) > 0 {
		s, err := d.Store.Statement(ctx, it.Statement)
		if err != nil {
			log.Error("outbox: could not read the statement to tell its submitter about a refused email", "err", err)
		} else {
			n := d.Audience.MailProblem(s, bot.MailProblem{Kind: m.Kind, Subject: m.Subject, MessageID: m.MessageID, Refused: gone})
			if len(n.Targets) > 0 {
				notices = append(notices, n)
			}
		}
	}
	if err := d.Store.Settle(ctx, it.ID, d.Owner, parts, notices, now); err != nil {
		log.Error("outbox: could not record the email's outcome (it may be sent again)", "err", err)
		return
	}
	log.Info("outbox: email delivered in part", "accepted", len(accepted), "deferred", len(deferred), "refused", len(gone))
	if len(accepted) > 0 && d.OnDelivered != nil {
		d.OnDelivered(it.Target.Platform)
	}
	if len(gone) > 0 && d.OnFailed != nil {
		d.OnFailed(it.Target.Platform, "recipient_refused", true)
	}
}

// render builds the delivery for a row from the statement as it is now; an
// email is sent as it was composed.
func (d *Dispatcher) render(ctx context.Context, it bot.OutboxItem) (bot.Delivery, error) {
	if it.Kind == bot.NoticeMail {
		if it.Data.Mail == nil {
			return bot.Delivery{}, &bot.DeliveryError{Code: "no_message", Permanent: true, Err: errors.New("an email row without its message")}
		}
		return bot.Delivery{Target: it.Target, Subject: it.Data.Subject, Mail: it.Data.Mail}, nil
	}
	if it.Kind == bot.NoticeHome {
		// The platform renders the person's home view as it is now.
		return bot.Delivery{Target: it.Target, Subject: it.Data.Subject, Home: true}, nil
	}
	if it.Kind == bot.NoticeDigest {
		return d.renderDigest(ctx, it)
	}
	s, err := d.Store.Statement(ctx, it.Statement)
	if err != nil {
		return bot.Delivery{}, err
	}
	dir, err := d.Store.Directory(ctx)
	if err != nil {
		return bot.Delivery{}, err
	}
	var org *bot.Organization
	if s.OrgID != 0 {
		org = dir.Org(s.OrgID)
	}
	today := bot.Today(d.Now(), d.Location)
	del := bot.Delivery{Target: it.Target, Subject: it.Data.Subject}
	switch {
	case it.Kind == bot.NoticeReminder && it.Data.Reminder != nil:
		del.Message = bot.ReminderNotice(*it.Data.Reminder, s, org, dir, today)
	case it.Kind == bot.NoticeNudge && it.Data.Nudge != nil:
		del.Message = bot.NudgeNotice(*it.Data.Nudge, s, org, dir, today)
	case it.Kind == bot.NoticeMailProblem && it.Data.MailProblem != nil:
		del.Message = bot.MailProblemNotice(*it.Data.MailProblem, s)
	case it.Kind == bot.NoticeChange:
		events, err := d.Store.EventsByID(ctx, it.Data.Events)
		if err != nil {
			return bot.Delivery{}, err
		}
		del.Message = bot.ChangeNotice(s, events, org, dir, today)
	default:
		return bot.Delivery{}, errors.New("unknown notice kind " + it.Kind)
	}
	page := bot.StatementURL(d.PublicURL, s.ID)
	del.Message = bot.WithWebLink(del.Message, s.Ref(), page)
	if it.Target.Channel != "" && it.Target.User == "" {
		thread, err := d.Store.Thread(ctx, it.Statement, it.Target.Platform, it.Target.Channel)
		if err != nil {
			return bot.Delivery{}, err
		}
		if thread != "" {
			del.Thread = thread
			parent := bot.WithWebLink(bot.ThreadParent(s, org, dir, today), s.Ref(), page)
			del.Parent = &parent
		}
	}
	return del, nil
}

// renderDigest builds a weekly digest from the statements it lists, as
// they are now.
func (d *Dispatcher) renderDigest(ctx context.Context, it bot.OutboxItem) (bot.Delivery, error) {
	g := it.Data.Digest
	if g == nil {
		return bot.Delivery{}, bot.Errorf(bot.EINVALID, "outbox row %d: a digest without its statements", it.ID)
	}
	statements := map[int64]*bot.Statement{}
	for _, ids := range [][]int64{g.Overdue, g.DueSoon, g.Open} {
		for _, id := range ids[:min(len(ids), bot.DigestLimit)] {
			s, err := d.Store.Statement(ctx, id)
			if bot.ErrorCode(err) == bot.ENOTFOUND {
				continue
			}
			if err != nil {
				return bot.Delivery{}, err
			}
			statements[id] = s
		}
	}
	m := bot.DigestNotice(*g, statements, bot.Today(d.Now(), d.Location), d.PublicURL)
	return bot.Delivery{Target: it.Target, Message: m, Subject: "Weekly liaison digest"}, nil
}
