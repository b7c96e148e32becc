#pragma once

// The generated header that carries a schema's migrations and its expected
// catalog state, so an application migrates and verifies its database with
// no files at run time:
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

std::string migrations_header(const Schema& schema, const std::vector<Migration>& migrations,
                              const ExpectedSchema& expected);

// A C++ string literal with every byte that needs it escaped.
std::string cpp_string(const std::string& text);

}  // namespace hyperschema::emit
