package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

func newVersion() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print braid's version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(cmd.OutOrStdout())
		},
	}
}

func runVersion(stdout io.Writer) error {
	_, err := fmt.Fprintf(stdout, "braid %s\n", version)
	return err
}
