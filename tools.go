//go:build tools

// Package tools pins the code generator in go.mod, so `make generate` and CI use exactly the
// version the committed gen/ code came from.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
