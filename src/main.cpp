// The brokle executable: everything lives in the modules; this only hands over to the CLI.
#include "app/cli.hpp"

int main(int argc, char** argv) { return brokle::app::run_cli(argc, argv); }
