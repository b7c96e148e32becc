#pragma once

// The generated source <schema>/src/<schema>.cpp: what the headers declare
// (cpp_headers.hpp). Each relation's SQL is written once, as constants the
// helpers share; the helpers' bodies, the migrations and the expected schema
// are compiled once, into the library the CMake function builds, instead of
// into every file that includes a header.

#include <string>
#include <vector>

#include "emit/cpp_relation.hpp"
#include "hyperschema/expected_schema.hpp"
#include "hyperschema/migration.hpp"
#include "model/schema.hpp"

namespace hyperschema::emit {

// The definitions of `relations`, and of migrations() and expected_schema()
// when `migrations` is given (the first of several source files).
std::string schema_source(const Schema& schema, const std::vector<Relation>& relations,
                          const std::vector<Migration>* migrations, const ExpectedSchema& expected);

}  // namespace hyperschema::emit
