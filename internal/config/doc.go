// Package config reads and checks braid's config.yaml. Decoding is strict:
// an unknown key is an error with its line, because a misspelt key that is
// silently ignored is worse than a refusal. Defaults live in Default so the
// README, `braid init` and the code agree on them.
package config
