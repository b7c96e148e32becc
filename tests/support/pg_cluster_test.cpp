#include <pqxx/pqxx>
#include "support/catch.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "support/pg_cluster.hpp"
#include "support/timescale_skip.hpp"

using hyperschema::testing::PgCluster;
using hyperschema::testing::run_command;

namespace {

// A SQL script on disk for psql, removed again when the test ends.
class SqlFile {
public:
    explicit SqlFile(const std::string& sql)
        : path_(std::filesystem::temp_directory_path() /
                ("hyperschema-test-" + std::to_string(getpid()) + "-" + std::to_string(++count_) + ".sql")) {
        std::ofstream(path_) << sql;
    }
    ~SqlFile() { std::filesystem::remove(path_); }
    SqlFile(const SqlFile&) = delete;
    SqlFile& operator=(const SqlFile&) = delete;
    std::string path() const { return path_.string(); }

private:
    static inline int count_ = 0;
    std::filesystem::path path_;
};

std::string query_one(const std::string& dbname, const std::string& sql) {
    pqxx::connection connection(PgCluster::shared().dsn(dbname));
    pqxx::nontransaction transaction(connection);
    const pqxx::result r = transaction.exec(sql);
    return r[0][0].is_null() ? std::string() : r[0][0].as<std::string>();
}

void execute(const std::string& dbname, const std::string& sql) {
    pqxx::connection connection(PgCluster::shared().dsn(dbname));
    pqxx::nontransaction transaction(connection);
    transaction.exec(sql);
}

}  // namespace

TEST_CASE("the test cluster runs the PostgreSQL (15 to 17) of the chosen binaries on 127.0.0.1", "[pg]") {
    auto& cluster = PgCluster::shared();
    CHECK(cluster.host() == "127.0.0.1");
    CHECK(cluster.port() > 0);
    // /usr/lib/postgresql/<major>/bin
    const std::string bin = cluster.bin_dir();
    const std::string major = bin.substr(bin.rfind('/', bin.size() - 5) + 1, 2);
    INFO(bin);
    CHECK((major == "15" || major == "16" || major == "17"));
    CHECK_THAT(query_one("postgres", "SELECT version()"), Catch::Contains("PostgreSQL " + major + "."));
    CHECK(query_one("postgres", "SHOW fsync") == "off");
    CHECK(query_one("postgres", "SHOW timezone") == "UTC");
}

TEST_CASE("create_database makes separate, well-named databases", "[pg]") {
    auto& cluster = PgCluster::shared();
    std::string first = cluster.create_database("Harness-Test.DB");
    std::string second = cluster.create_database("Harness-Test.DB");
    CHECK(first != second);
    CHECK(std::regex_match(first, std::regex("harness_test_db_[0-9]+")));
    CHECK(query_one(first, "SELECT current_database()") == first);

    execute(first, "CREATE TABLE only_in_first(x int)");
    CHECK(query_one(first, "SELECT to_regclass('only_in_first') IS NOT NULL") == "t");
    CHECK(query_one(second, "SELECT to_regclass('only_in_first') IS NULL") == "t");

    cluster.drop_database(first);
    cluster.drop_database(second);
    cluster.drop_database(second);  // idempotent
    std::string count =
        query_one("postgres", "SELECT count(*) FROM pg_database WHERE datname IN ('" + first + "', '" + second + "')");
    CHECK(count == "0");
}

TEST_CASE("create_database turns any prefix into a valid identifier", "[pg]") {
    auto& cluster = PgCluster::shared();
    std::string from_digits = cluster.create_database("42 Ünïcode");
    CHECK(std::regex_match(from_digits, std::regex("[a-z_][a-z0-9_]*")));
    std::string from_long = cluster.create_database(std::string(100, 'x'));
    CHECK(from_long.size() <= 63);
    cluster.drop_database(from_digits);
    cluster.drop_database(from_long);
}

TEST_CASE("psql_file stops at the first SQL error and reports it", "[pg]") {
    auto& cluster = PgCluster::shared();
    std::string db = cluster.create_database("psql_file");

    SqlFile good("CREATE TABLE fine(x int);\n");
    std::string output;
    CHECK(cluster.psql_file(db, good.path(), &output) == 0);

    SqlFile bad("SELECT 1;\nSELECT * FROM no_such_table;\nCREATE TABLE after_error(x int);\n");
    int status = cluster.psql_file(db, bad.path(), &output);
    CHECK(status != 0);
    CHECK_THAT(output, Catch::Contains("relation \"no_such_table\" does not exist"));
    CHECK(query_one(db, "SELECT to_regclass('after_error') IS NULL") == "t");

    cluster.drop_database(db);
}

TEST_CASE("run_command captures stdout and stderr and the exit status", "[support]") {
    std::string output;
    CHECK(run_command({"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"}, &output) == 3);
    CHECK_THAT(output, Catch::Contains("to-stdout") && Catch::Contains("to-stderr"));

    // Arguments reach the program as they are, with no shell in between.
    CHECK(run_command({"printf", "%s", "$HOME; rm -rf /"}, &output) == 0);
    CHECK(output == "$HOME; rm -rf /");

    CHECK(run_command({"/nonexistent/program"}, &output) == 127);
    CHECK_THAT(output, Catch::Contains("/nonexistent/program"));
}

TEST_CASE("TimescaleDB can be created in a fresh database", "[pg][timescaledb]") {
    HYPERSCHEMA_REQUIRE_TIMESCALEDB();
    auto& cluster = PgCluster::shared();
    std::string db = cluster.create_database("timescaledb");
    execute(db, "CREATE EXTENSION timescaledb");
    CHECK_FALSE(query_one(db, "SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'").empty());
    cluster.drop_database(db);
}
