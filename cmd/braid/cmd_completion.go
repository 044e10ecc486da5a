package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

type completionOptions struct {
	noDescriptions bool
}

func newCompletion(root *cobra.Command) *cobra.Command {
	opts := &completionOptions{}
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print the shell completion script for braid",
		Long: `completion prints a script that makes your shell complete braid's commands
and flags. Load it in the current shell, or save it where your shell reads
completions from.`,
		Example: `  source <(braid completion bash)
  braid completion zsh > "${fpath[1]}/_braid"
  braid completion fish > ~/.config/fish/completions/braid.fish`,
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		Args:      usageArgs(exactlyOneShell),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCompletion(root, opts, args[0], cmd.OutOrStdout())
		},
	}
	cmd.Flags().BoolVar(&opts.noDescriptions, "no-descriptions", false, "leave out the descriptions of commands and flags")
	return cmd
}

func exactlyOneShell(args []string) error {
	if len(args) != 1 {
		return fmt.Errorf("completion takes one shell (bash, zsh, fish or powershell), got %d arguments", len(args))
	}
	return nil
}

func runCompletion(root *cobra.Command, opts *completionOptions, shell string, stdout io.Writer) error {
	desc := !opts.noDescriptions
	switch shell {
	case "bash":
		return root.GenBashCompletionV2(stdout, desc)
	case "zsh":
		if desc {
			return root.GenZshCompletion(stdout)
		}
		return root.GenZshCompletionNoDesc(stdout)
	case "fish":
		return root.GenFishCompletion(stdout, desc)
	case "powershell":
		if desc {
			return root.GenPowerShellCompletionWithDesc(stdout)
		}
		return root.GenPowerShellCompletion(stdout)
	}
	return fmt.Errorf("%w: completion: unknown shell %q (want bash, zsh, fish or powershell)", errUsage, shell)
}
