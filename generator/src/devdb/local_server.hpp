#pragma once

// A throwaway PostgreSQL cluster started from the machine's server binaries:
// what `--dev-db local` validates against, and what the tests run on. Its
// directory is private; the server runs as the `postgres` account when we are
// root (initdb and postgres refuse root), trusts local connections, keeps no
// durability, and is stopped and deleted when the object goes, on SIGINT,
// SIGTERM and crash signals too (one per process).

#include <stdexcept>
#include <string>
#include <vector>

namespace hyperschema::devdb {

// Runs argv[0] (looked up in PATH) without a shell, stdin from /dev/null, in
// `working_dir` when given. Combined stdout+stderr goes to *output (discarded
// if null). Returns the exit status, 128+N if killed by signal N, or 127 if
// the program could not be executed.
int run_process(const std::vector<std::string>& argv, std::string* output, const char* working_dir = nullptr);

// A libpq keyword/value connection-string value: quoted only when it has to be.
std::string conninfo_value(const std::string& value);

// Installs the handlers that stop a running local server on termination and
// crash signals (and then let the signal do what it did before). Idempotent.
// Test binaries call it before main: Catch2 restores handlers after each test.
void install_cleanup_handlers();

struct LocalServerOptions {
    // TCP on 127.0.0.1 at a free port (the tests); otherwise only a Unix
    // socket in the private directory, which no other user can reach.
    bool listen_on_loopback = false;
    bool timescaledb = true;  // preload it when it is installed
    int max_connections = 20;
    std::string keep_directory_env;  // when this variable is set, the directory stays (and its path is printed)
};

class LocalServer {
public:
    explicit LocalServer(LocalServerOptions options);
    ~LocalServer();
    LocalServer(const LocalServer&) = delete;
    LocalServer& operator=(const LocalServer&) = delete;

    // Throws std::runtime_error with the tail of server.log when it cannot start.
    void start();
    void stop() noexcept;

    std::string host() const;  // 127.0.0.1, or the socket directory
    int port() const;
    // libpq keyword/value connection string, as the superuser `postgres`.
    std::string dsn(const std::string& dbname) const;
    bool has_timescaledb() const { return timescaledb_; }
    std::string data_dir() const { return data_dir_; }
    // The server's bin directory: $HYPERSCHEMA_PG_BINDIR, else the newest of
    // Debian's /usr/lib/postgresql/{17,16,15}/bin with TimescaleDB, else the
    // newest installed (scripts/pg-bindir.sh applies the same rule).
    static std::string bin_dir();
    std::string client_program(const char* name) const;

private:
    std::vector<std::string> as_server_user(std::vector<std::string> argv) const;
    void init_data_directory();
    void write_settings();
    void start_server();
    bool try_start_server_on(int port, std::string* failure);

    LocalServerOptions options_;
    std::string data_dir_;
    int port_ = 5432;
    bool timescaledb_ = false;
};

}  // namespace hyperschema::devdb
