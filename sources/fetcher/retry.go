package fetcher

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// Jitter spreads d over [0.75d, 1.25d): sources that failed together
// (one host down) come back at different times instead of in lock-step.
func Jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.75 + 0.5*rand.Float64()))
}

// withRetries makes up to 1+Retries attempts. Only temporary failures
// are retried, after a jittered exponential delay (RetryBase, then twice
// that), and only when the delay still fits before ctx's deadline, which
// is the source's one deadline for the cycle. A 429/503 with Retry-After
// is retried only if that time comes before the deadline: no request
// goes out before the server said.
func (f *Fetcher) withRetries(ctx context.Context, u string, v Validators) (*Response, error) {
	var attempts int
	var wire int64
	for attempt := 0; ; attempt++ {
		res, err := f.get(ctx, u, v)
		attempts++
		wire += res.Wire
		res.Attempts, res.Wire = attempts, wire
		if err == nil || attempt >= f.opt.Retries || !Temporary(err) || ctx.Err() != nil {
			return res, err
		}
		if !f.wait(ctx, f.retryDelay(attempt, err)) {
			return res, err
		}
	}
}

// retryDelay is how long to wait before the retry after attempt failed
// with err.
func (f *Fetcher) retryDelay(attempt int, err error) time.Duration {
	delay := Jitter(f.opt.RetryBase << attempt)
	var se *StatusError
	if errors.As(err, &se) && !se.RetryAfter.IsZero() {
		delay = max(delay, se.RetryAfter.Sub(f.opt.Now()))
	}
	return delay
}

// wait sleeps for delay and reports whether a retry may follow: not when
// the delay would run past ctx's deadline, nor when ctx ends first.
func (f *Fetcher) wait(ctx context.Context, delay time.Duration) bool {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= delay {
		return false
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
