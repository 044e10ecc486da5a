// Package websub tells a WebSub hub that feeds changed, so subscribed
// readers get new items at once instead of at their next poll. Pings that
// fail stay queued and are sent again after the next cycle.
package websub
