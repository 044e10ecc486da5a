package sources

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

// jitter spreads d over [0.75d, 1.25d): sources that failed together
// (one host down) come back at different times instead of in lock-step.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.75 + 0.5*rand.Float64()))
}

// fetchHTTP makes up to 1+Retries attempts. Only temporary failures are
// retried, after a jittered exponential delay (RetryBase, then twice
// that), and only when the delay still fits before ctx's deadline, which
// is the source's one deadline for the cycle. A 429/503 with Retry-After
// is retried only if that time comes before the deadline: no request
// goes out before the server said.
func (f *Fetcher) fetchHTTP(ctx context.Context, u string, v validators) (res *response, attempts int, wire int64, err error) {
	for attempt := 0; ; attempt++ {
		attempts++
		res, err = f.get(ctx, u, v)
		wire += res.wire
		if err == nil {
			return res, attempts, wire, nil
		}
		class := classify(err)
		if attempt >= f.opt.Retries || !temporary(class, err) || ctx.Err() != nil {
			return res, attempts, wire, err
		}
		delay := jitter(f.opt.RetryBase << attempt)
		var se *StatusError
		if errors.As(err, &se) && !se.RetryAfter.IsZero() {
			delay = max(delay, se.RetryAfter.Sub(f.opt.Now()))
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) <= delay {
			return res, attempts, wire, err
		}
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return res, attempts, wire, err
		}
	}
}

// backoff is how long a source that failed failures times in a row waits
// before the next cycle may fetch it. The first failure waits for nothing
// (it was retried within the cycle already, and the next cycle is soon
// enough); from the second on the wait doubles from BackoffBase, capped
// at MaxBackoff, with jitter.
func (f *Fetcher) backoff(failures int) time.Duration {
	if failures < 2 {
		return 0
	}
	d := f.opt.BackoffBase
	for i := 2; i < failures && d < f.opt.MaxBackoff; i++ {
		d *= 2
	}
	return min(jitter(d), f.opt.MaxBackoff)
}
