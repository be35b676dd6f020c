# XToolsCRM: the two commands a new machine needs.
.PHONY: run test setup clean serve-pg

run:  ## set up, create the demo database if absent, serve on :8000
	scripts/run.sh

test:  ## set up and run every test suite
	scripts/test.sh

serve-pg:  ## the production configuration on PostgreSQL: gunicorn, cron, queue worker
	scripts/serve_pg.sh

setup:
	scripts/setup.sh

clean:  ## forget the venv, the web client and all databases
	rm -rf .venv var test-artifacts
