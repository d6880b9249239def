// Package workflows holds exactsync's Temporal workflows: orchestration only, deterministic.
// Each sync reads like the design sentence (fetch → map → upsert → attach PDF → write back); activities do the I/O.
package workflows
