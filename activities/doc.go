// Package activities holds exactsync's Temporal activities: structs holding the clients they need, the small
// interfaces they consume, the pure Odoo → Exact mapping functions, and the one place that classifies errors.
// It never imports package workflows.
package activities
