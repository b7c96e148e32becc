#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace hyperschema::devdb {
class LocalServer;
}

namespace hyperschema::testing {

// Runs argv[0] (looked up in PATH) with the given arguments, without a shell,
// stdin from /dev/null. Combined stdout+stderr goes to *output (discarded if
// output is null). Returns the exit status, 128+N if killed by signal N
// (as a shell reports it), or 127 if the program could not be executed.
int run_command(const std::vector<std::string>& argv, std::string* output);

// A throwaway PostgreSQL (15, 16 or 17: see bin_dir()) cluster for the tests of one process
// (devdb::LocalServer, the one `--dev-db local` starts), started on
// first use, listening on 127.0.0.1 only, trust authentication for user
// "postgres", no durability (fsync off). It is stopped and its directory
// deleted when the process exits, also on SIGINT/SIGTERM and crash signals.
//
// Environment:
//   HYPERSCHEMA_TEST_KEEP_CLUSTER=1   keep the data directory (server.log
//                                     included) and print its path; the
//                                     server is still stopped.
//   HYPERSCHEMA_TEST_NO_TIMESCALEDB=1 behave as if TimescaleDB were not
//                                     installed, so CI can exercise the
//                                     skip path on a machine that has it.
class PgCluster {
public:
    // Throws std::runtime_error (with the tail of server.log) if the cluster
    // cannot be started; later calls rethrow the same error at once.
    static PgCluster& shared();

    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;
    ~PgCluster();

    int port() const;
    std::string host() const;
    // libpq keyword/value connection string, e.g. for pqxx::connection.
    std::string dsn(const std::string& dbname) const;
    bool has_timescaledb() const;
    // Whether the server can CREATE EXTENSION `name` (its files are installed):
    // PostGIS is optional, and tests that need it skip, saying so, without it.
    bool has_extension(const std::string& name);
    std::string bin_dir() const;
    std::string data_dir() const;

    // A new empty database named <prefix>_<n>, the prefix lowercased and
    // reduced to identifier characters.
    std::string create_database(const std::string& prefix);
    // The same, as a copy of database `source` (nobody may be connected to it).
    std::string create_database_from(const std::string& source, const std::string& prefix);
    // Idempotent; closes connections still open to the database.
    void drop_database(const std::string& dbname);

    // psql -X -q -v ON_ERROR_STOP=1 ... -f sql_path; returns psql's exit
    // status (non-zero on the first SQL error) with its output in *output.
    int psql_file(const std::string& dbname, const std::string& sql_path, std::string* output);

private:
    PgCluster() = default;
    void ensure_started();

    std::mutex start_mutex_;
    std::string start_error_;
    std::unique_ptr<devdb::LocalServer> server_;
    std::atomic<unsigned> databases_created_{0};
};

}  // namespace hyperschema::testing
