# exactsync — two commands: `make run` and `make test`. See README.md.
.PHONY: run test tools clean bench build conformance volume

## run: bring up PostgreSQL, the Temporal dev server (Web UI on 127.0.0.1:8233), the simulators and the worker, and sync
run:
	@deployments/run.sh

## test: go vet, gofmt, workflowcheck, then every test against real PostgreSQL and the real Temporal dev server
test:
	@deployments/test.sh

## volume: the volume runs kept out of `make test` (1,000 invoices x 200 lines read on every Odoo transport)
volume:
	go test -count=1 -timeout 30m ./clients/odoo -run CallBudget -odoo.volume-lines=200

## conformance: the Odoo client's operations and the contact flow against a real Odoo (ODOO_URL, ODOO_DB, ODOO_USER, ODOO_API_KEY)
conformance:
	@deployments/conformance.sh

## tools: build the pinned Temporal CLI and workflowcheck into .bin/ (done by run and test when needed)
tools:
	@deployments/tools.sh

## build: build the worker, the starter and the simulators into .bin/
build:
	go build -o .bin/ ./worker ./starter ./clients/exact/exacttest/exactsim ./clients/odoo/odootest/odoosim

## bench: the benchmarks reported in README.md
bench:
	@GOTESTFLAGS="-run ^$$ -bench . -benchtime 20x" deployments/test.sh

## clean: stop what `make run` left and wipe its data (PostgreSQL, Temporal history, secrets key)
clean:
	-@deployments/postgres.sh stop .data/postgres
	-@deployments/postgres.sh stop .data/pgtest
	rm -rf .data
