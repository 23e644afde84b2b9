#!/usr/bin/env bash
# Mutation testing of the domain's own tests: every mutant of `domain/` that still compiles
# should make some domain test fail. A full run takes one to two hours on 2 cores (longer
# while others build), so it is not part of CI; run it after changing rules or their
# tests, and keep the caught share at or above 95 % of the viable mutants. A mutant that
# survives is either a rule without a test (write the test, named after the rule) or an
# equivalent change (say why where it is reported).
#
#   scripts/mutants.sh                      # the whole domain
#   scripts/mutants.sh --file domain/src/party.rs
#   scripts/mutants.sh --iterate            # skip the mutants caught last time
#   scripts/mutants.sh --shuffle            # random order: stopped early, a fair sample
#
# Results land in mutants.out/ (caught.txt, missed.txt, …); extra arguments go to
# cargo-mutants. It runs one job at a time at low priority: the machine is shared.
set -euo pipefail
cd "$(dirname "$0")/.."

version=27.1.0
if ! cargo mutants --version 2>/dev/null | grep -qx "cargo-mutants $version"; then
  cargo install cargo-mutants --version "$version" --locked
fi

# Only the library's unit tests: the domain has no integration tests or doctests, and
# skipping rustdoc saves a second per mutant. Optimised test builds: the property tests
# dominate a mutant's time in a debug build (5 s a mutant debug, 2 s at opt-level 1).
export CARGO_PROFILE_TEST_OPT_LEVEL=1 CARGO_PROFILE_TEST_DEBUG=0
exec nice -n 10 cargo mutants --package samverkan-domain --jobs 1 \
  --cargo-test-arg=--lib "$@"
