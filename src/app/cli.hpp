// The `brokle` command line: serve, migrate up|down|status, config print, version.
#pragma once

namespace brokle::app {

int run_cli(int argc, char** argv);

}  // namespace brokle::app
