package main

import (
	"github.com/spf13/cobra"

	"github.com/braid-feeds/braid/internal/config"
	"github.com/braid-feeds/braid/sources/articles"
)

// completeSlugs offers the article slugs of the content folder of the
// config named by --config (default config.yaml), for `braid explain`.
// A config or folder that cannot be read offers nothing rather than an
// error: completion runs on every TAB and must never print one.
func completeSlugs(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	path, err := cmd.Flags().GetString("config")
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	cfg, err := config.Load(path)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	arts, _, err := articles.LoadAll(cmd.Context(), cfg.Content)
	if err != nil {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	out := make([]cobra.Completion, 0, len(arts))
	for _, a := range arts {
		out = append(out, cobra.CompletionWithDesc(a.Slug, clip(shown(a.Title), 60)))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}

// logFlagValues are the values --log-format and --log-level take, for
// completion; logFlags.logger is what accepts them.
var logFlagValues = map[string][]cobra.Completion{
	"log-format": {"auto", "text", "json"},
	"log-level":  {"debug", "info", "warn", "error"},
}

// registerLogFlagCompletion offers the values of the log flags.
func registerLogFlagCompletion(root *cobra.Command) {
	for name, values := range logFlagValues {
		_ = root.RegisterFlagCompletionFunc(name, cobra.FixedCompletions(values, cobra.ShellCompDirectiveNoFileComp))
	}
}
