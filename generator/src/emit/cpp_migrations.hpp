#pragma once

// The definitions of a schema's migrations() and expected_schema() in the
// generated source, so an application migrates and verifies its database
// with no files at run time:
//
//   #include "heatpump/migrations.hpp"
//   hyperschema::migrate(conn, heatpump::migrations());
//   hyperschema::verify(conn, heatpump::expected_schema());

#include <string>
#include <vector>

#include "hyperschema/expected_schema.hpp"
#include "hyperschema/migration.hpp"
#include "model/schema.hpp"

namespace hyperschema::emit {

std::string migrations_definitions(const Schema& schema, const std::vector<Migration>& migrations,
                                   const ExpectedSchema& expected);

// A C++ string literal with every byte that needs it escaped.
std::string cpp_string(const std::string& text);

}  // namespace hyperschema::emit
