#pragma once

// The schema's user-defined jobs (`jobs:`), by the name the YAML gives them:
// their id, and a run in the foreground, as a test or an operator runs one
// without waiting for TimescaleDB's scheduler.
//
// run_job() is a procedure that commits, so it runs on the connection outside
// any transaction: do not call it while a pqxx transaction is open on it.

#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/expected_schema.hpp"

namespace hyperschema {

// The id TimescaleDB gave the job `job` of `schema` (it names the job
// "<job> [<id>]"), or nullopt when there is none.
inline std::optional<int> job_id(connection& conn, const ExpectedSchema& schema, const std::string& job) {
    return detail::pqxx_bridge::translated("job " + job, [&]() -> std::optional<int> {
        pqxx::nontransaction n(conn);
        auto rows =
            detail::pqxx_bridge::exec(n,
                                      "SELECT id FROM _timescaledb_catalog.bgw_job WHERE proc_schema = $1 "
                                      "AND hypertable_id IS NULL AND application_name = $2 || ' [' || id || ']' "
                                      "ORDER BY id LIMIT 1",
                                      schema.namespace_name, job);
        if (rows.empty()) return std::nullopt;
        return rows[0][0].as<int>();
    });
}

// Runs the job once now (CALL run_job). Throws usage_error when the database
// has no such job, sql_error with the procedure's own error when it fails.
inline void run_job(connection& conn, const ExpectedSchema& schema, const std::string& job) {
    const std::optional<int> id = job_id(conn, schema, job);
    if (!id) throw usage_error("job " + job + ": no such job in schema " + schema.namespace_name);
    detail::pqxx_bridge::translated("job " + job, [&] {
        pqxx::nontransaction n(conn);
        detail::pqxx_bridge::exec(n, "CALL run_job($1)", *id);
    });
}

}  // namespace hyperschema
