# The two commands of the README, plus the ones around them.
#   make dev    install what is missing, then run edge + sandbox + demo page on :8787
#   make test   install what is missing, then every check and end-to-end suite
.PHONY: dev test setup widget bench fuzz clean

dev:
	@scripts/dev.sh

test:
	@scripts/test.sh

setup:
	@scripts/setup.sh

widget:
	@scripts/build-widget.sh

bench:
	@scripts/bench.sh

fuzz:
	@scripts/fuzz.sh

clean:
	rm -rf target crates/*/build .wrangler
