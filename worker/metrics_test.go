package main

import "testing"

func TestExactEndpoint(t *testing.T) {
	tests := []struct{ path, division, endpoint string }{
		{"/api/v1/123456/crm/Accounts", "123456", "crm/Accounts"},
		{"/api/v1/123456/crm/Accounts(guid'8f1a0c4e-0000-0000-0000-000000000001')", "123456", "crm/Accounts"},
		{"/api/v1/7/sync/CRM/Accounts", "7", "sync/CRM/Accounts"},
		{"/api/v1/7/crm/Accounts/$count", "7", "crm/Accounts"},
		{"/api/v1/current/Me", "", "current/Me"},
		{"/api/oauth2/token", "", "oauth2/token"},
		{"/somewhere", "", "other"},
	}
	for _, tt := range tests {
		if d, e := exactEndpoint(tt.path); d != tt.division || e != tt.endpoint {
			t.Errorf("exactEndpoint(%q) = %q, %q; want %q, %q", tt.path, d, e, tt.division, tt.endpoint)
		}
	}
}
