#pragma once

// The integration tests' oracle for "the database holds exactly this schema":
// the runtime's verify() (tested on its own with injected drift in
// verify_test.cpp). Empty when there is no drift, else the readable report.

#include <pqxx/pqxx>

#include <string>
#include "hyperschema/connection.hpp"

#include "emit/expected_schema.hpp"
#include "hyperschema/verify.hpp"
#include "model/schema.hpp"

namespace hyperschema::testing {

inline std::string drift_of(hyperschema::connection& conn, const Schema& schema, int version = 0) {
    VerifyReport report = verify(conn, emit::expected_schema_of(schema, version));
    return report.ok() ? "" : report.text();
}

}  // namespace hyperschema::testing
