// Catch2's main(), compiled once for all test executables (it is slow to
// compile); link hyperschema_catch_main.
#define CATCH_CONFIG_MAIN
#include "support/catch.hpp"
