package main

import (
	"strconv"
	"strings"
	"time"
)

// The small formatters the commands' tables and messages share.

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }

func stampOr(t time.Time, zero string) string {
	if t.IsZero() {
		return zero
	}
	return stamp(t)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps a table cell on one line and bounded.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = string(r[:max-1]) + "…"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
