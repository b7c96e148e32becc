#pragma once

// Reads a live database's catalog and lists every way it differs from a
// schema model, for the integration tests. Each mismatch is one readable line.

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::testing {

std::vector<std::string> catalog_mismatches(pqxx::connection& conn, const Schema& schema, bool timescaledb);

}  // namespace hyperschema::testing
