// The function names the compiler knows (catalog/functions: the pg_catalog
// names PostgreSQL 15 and 17 share, as scripts/builtin-functions.sh read them,
// and TimescaleDB's) against the server: every one exists there, and nearly
// all of the server's are in the list (regenerate it with the script when a
// supported version adds many).

#include "support/catch.hpp"

#include <pqxx/pqxx>
#include <set>

#include "catalog/functions.hpp"
#include "hyperschema/connection.hpp"
#include "hyperschema/detail/pqxx_bridge.hpp"
#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"

using namespace hyperschema;
using hyperschema::testing::PgCluster;

namespace {

std::set<std::string> names_in(pqxx::work& tx, const std::string& query) {
    std::set<std::string> out;
    for (const auto& row : tx.exec(query)) out.insert(row[0].c_str());
    return out;
}

}  // namespace

TEST_CASE("every built-in function name the compiler knows is one the server has", "[pg][catalog]") {
    auto& pg = PgCluster::shared();
    auto conn = hyperschema::connect(pg.dsn(pg.create_database("function_names")));
    pqxx::work tx(conn);
    const auto server =
        names_in(tx, "SELECT DISTINCT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace");
    const int version = tx.exec("SHOW server_version_num")[0][0].as<int>();
    std::set<std::string> ours;
    for (auto name : catalog::builtin_function_names()) ours.insert(std::string(name));
    REQUIRE(ours.size() > 2000);
    for (const auto& name : ours) {
        INFO(name << " is in builtin_functions.inc but not in pg_catalog of PostgreSQL " << version);
        CHECK(server.count(name) == 1);
    }
    // PostgreSQL 17 has 85 names 15 lacks; a larger gap means the list is stale.
    CHECK(server.size() - ours.size() <= 100);
    CHECK(catalog::is_known_function("lower"));
    CHECK(catalog::is_known_function("coalesce"));
    CHECK_FALSE(catalog::is_known_function("make_code"));
}

TEST_CASE("every TimescaleDB function name the compiler knows is one the extension has", "[pg][catalog][timescaledb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& pg = PgCluster::shared();
    auto conn = hyperschema::connect(pg.dsn(pg.create_database("timescale_function_names")));
    pqxx::work tx(conn);
    tx.exec("CREATE EXTENSION IF NOT EXISTS timescaledb");
    const auto server = names_in(tx,
                                 "SELECT DISTINCT p.proname FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid "
                                 "JOIN pg_extension e ON e.oid = d.refobjid WHERE e.extname = 'timescaledb'");
    for (auto name : catalog::timescaledb_function_names()) {
        INFO(name);
        CHECK(server.count(std::string(name)) == 1);
    }
}

TEST_CASE("each function row's volatility and result type are the server's", "[pg][catalog]") {
    auto& pg = PgCluster::shared();
    auto conn = hyperschema::connect(pg.dsn(pg.create_database("function_rows")));
    pqxx::work tx(conn);
    tx.exec("CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\"");
    tx.exec("CREATE EXTENSION IF NOT EXISTS pgcrypto");
    int checked = 0;
    for (const auto& f : catalog::all_functions()) {
        // Every overload: the row must hold for each (to_timestamp would not).
        const auto rows = hyperschema::detail::pqxx_bridge::exec(
            tx, "SELECT provolatile, format_type(prorettype, NULL) FROM pg_proc WHERE proname = $1",
            std::string(f.name));
        INFO(f.name);
        if (rows.empty()) {
            // The SQL keywords (current_timestamp, ...): the server computes
            // them, so ask it what they are.
            const auto type = tx.exec("SELECT pg_typeof(" + std::string(f.name) + ")::text")[0][0].as<std::string>();
            if (f.result) CHECK((type == ColumnType::of(*f.result).catalog_sql() || type == "name"));
            continue;
        }
        for (const auto& row : rows) {
            const char expected = f.volatility == catalog::Volatility::Immutable ? 'i'
                                  : f.volatility == catalog::Volatility::Stable  ? 's'
                                                                                 : 'v';
            CHECK(row[0].as<std::string>() == std::string(1, expected));
            // `name` (current_user) is text to the DSL: it has no column type of its own.
            const std::string type = row[1].as<std::string>() == "name" ? "text" : row[1].as<std::string>();
            if (f.result) CHECK(type == ColumnType::of(*f.result).catalog_sql());
            ++checked;
        }
    }
    CHECK(checked >= 25);
}
