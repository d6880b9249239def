//go:build tools

package deps

import (
	_ "github.com/google/uuid"
	_ "github.com/jackc/pgx/v5"
	_ "github.com/kolo/xmlrpc"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/shopspring/decimal"
	_ "go.temporal.io/sdk/client"
	_ "go.uber.org/zap"
	_ "golang.org/x/oauth2"
)
