//go:build tools

// This module only pins github.com/appscode/g2 (a Go Gearman job server) and the dependency
// versions its gearmand builds with; install.sh builds github.com/appscode/g2/cmd/gearmand from it.
// g2 has no go.mod of its own (it vendored with glide), so every version here is chosen by this file's module.
package tools

import _ "github.com/appscode/g2/cmd/gearmand"
