// Package daemon is `braid run`: the same cycle as `braid generate`, on a
// cron schedule, with the output served over HTTP. It owns what only a
// long-lived process needs: never overlapping cycles, surviving a panic,
// reloading the config on SIGHUP without ever replacing a good config with
// a bad one, health and metrics, and a shutdown with a deadline.
package daemon
