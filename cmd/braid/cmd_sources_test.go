package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSourcesCommand(t *testing.T) {
	wire, err := os.ReadFile("../../examples/wire.xml")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		case "/old":
			http.Redirect(w, r, "/new", http.StatusMovedPermanently)
		default:
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(wire)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	if err := os.CopyFS(filepath.Join(dir, "content"), os.DirFS("../../content")); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	os.WriteFile(cfg, []byte("site:\n  title: T\n  url: https://news.example.com\nsources:\n"+
		"  - {name: Wire, url: '"+srv.URL+"/wire'}\n"+
		"  - {name: Dead, url: '"+srv.URL+"/gone'}\n"+
		"  - {name: Moved, url: '"+srv.URL+"/old'}\n"), 0o644)

	sources := func() string {
		t.Helper()
		var out, errb bytes.Buffer
		if err := run(context.Background(), []string{"sources", "--config", cfg}, &out, &errb); err != nil {
			t.Fatalf("braid sources: %v\n%s", err, errb.String())
		}
		return out.String()
	}

	before := sources()
	if _, err := os.Stat(filepath.Join(dir, ".braid")); err == nil {
		t.Error("braid sources created a state file")
	}
	if strings.Count(before, "never") < 3 {
		t.Errorf("before any cycle:\n%s", before)
	}

	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"generate", "--config", cfg}, &out, &errb); err != nil {
		t.Fatalf("generate: %v\n%s", err, errb.String())
	}
	table := sources()
	lines := strings.Split(strings.TrimSpace(table), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("table:\n%s", table)
	}
	for i, want := range [][]string{
		{"Wire", srv.URL + "/wire", " ok ", "12"},
		{"Dead", "gone", "http_status", "never (gone)", "410"},
		{"Moved", srv.URL + "/old", srv.URL + "/new", " ok "},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("line %q lacks %q", lines[i+1], w)
			}
		}
	}
}
