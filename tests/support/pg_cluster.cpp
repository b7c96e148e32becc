#include "pg_cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "devdb/local_server.hpp"

namespace hyperschema::testing {
namespace {

constexpr const char* kSuperuser = "postgres";
constexpr std::size_t kMaxIdentifierLength = 63;

bool env_flag(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && *value != '\0' && std::strcmp(value, "0") != 0;
}

// Installed before main rather than when the cluster starts: Catch2 saves the
// handlers in place when each test case begins and restores them when it
// ends, so a handler installed inside a test would vanish after it. Catch's
// own handler reports the signal and then chains to the saved one, ours.
struct InstallCleanupHandlersBeforeMain {
    InstallCleanupHandlersBeforeMain() { devdb::install_cleanup_handlers(); }
} const install_cleanup_handlers_before_main;

bool identifier_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

// The counter alone makes the name unique; the prefix only helps a human
// reading logs, so it is the part cut short to fit PostgreSQL's 63 bytes.
std::string database_name(const std::string& prefix, unsigned counter) {
    std::string name;
    for (char c : prefix) {
        char lower = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        name += identifier_char(lower) ? lower : '_';
    }
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) name = "db_" + name;
    // Built by appending: g++ 12 -O2 reports a false -Wrestrict for
    // "_" + std::to_string(...) (GCC bug 105651).
    std::string suffix = "_";
    suffix += std::to_string(counter);
    name.resize(std::min(name.size(), kMaxIdentifierLength - suffix.size()));
    return name + suffix;
}

}  // namespace

int run_command(const std::vector<std::string>& argv, std::string* output) {
    return devdb::run_process(argv, output, nullptr);
}

PgCluster& PgCluster::shared() {
    static PgCluster cluster;
    cluster.ensure_started();
    return cluster;
}

PgCluster::~PgCluster() {
    if (server_) server_->stop();
}

void PgCluster::ensure_started() {
    std::lock_guard lock(start_mutex_);
    if (server_) return;
    // Failing fast on later calls: every test would otherwise wait for its
    // own doomed start-up.
    if (!start_error_.empty()) throw std::runtime_error(start_error_);
    devdb::LocalServerOptions options;
    options.listen_on_loopback = true;
    options.timescaledb = !env_flag("HYPERSCHEMA_TEST_NO_TIMESCALEDB");
    options.max_connections = 100;
    options.keep_directory_env = "HYPERSCHEMA_TEST_KEEP_CLUSTER";
    auto server = std::make_unique<devdb::LocalServer>(options);
    try {
        server->start();
    } catch (const std::exception& error) {
        start_error_ = error.what();
        server->stop();
        throw;
    }
    server_ = std::move(server);
}

int PgCluster::port() const {
    return server_->port();
}

std::string PgCluster::host() const {
    return server_->host();
}

std::string PgCluster::dsn(const std::string& dbname) const {
    return server_->dsn(dbname);
}

bool PgCluster::has_timescaledb() const {
    return server_->has_timescaledb();
}

bool PgCluster::has_extension(const std::string& name) {
    std::string output;
    const int status = run_command({server_->client_program("psql"), "-X", "-q", "-At", "-h", host(), "-p",
                                    std::to_string(port()), "-U", kSuperuser, "-d", "postgres", "-c",
                                    "SELECT count(*) FROM pg_available_extensions WHERE name = '" + name + "'"},
                                   &output);
    return status == 0 && output.rfind("1", 0) == 0;
}

std::string PgCluster::bin_dir() const {
    return devdb::LocalServer::bin_dir();
}

std::string PgCluster::data_dir() const {
    return server_->data_dir();
}

std::string PgCluster::create_database(const std::string& prefix) {
    return create_database_from("", prefix);
}

std::string PgCluster::create_database_from(const std::string& source, const std::string& prefix) {
    std::string name = database_name(prefix, ++databases_created_);
    std::vector<std::string> argv = {
        server_->client_program("createdb"), "-h", host(), "-p", std::to_string(port()), "-U", kSuperuser, name};
    // FILE_COPY: with fsync off, copying the files beats WAL-logging every block.
    if (!source.empty()) argv.insert(argv.end(), {"--template", source});
    argv.insert(argv.end(), {"--strategy", "file_copy"});
    std::string output;
    int status = run_command(argv, &output);
    if (status != 0) throw std::runtime_error("createdb " + name + " failed:\n" + output);
    return name;
}

void PgCluster::drop_database(const std::string& dbname) {
    std::string output;
    int status = run_command({server_->client_program("dropdb"), "--if-exists", "--force", "-h", host(), "-p",
                              std::to_string(port()), "-U", kSuperuser, dbname},
                             &output);
    if (status != 0) throw std::runtime_error("dropdb " + dbname + " failed:\n" + output);
}

int PgCluster::psql_file(const std::string& dbname, const std::string& sql_path, std::string* output) {
    return run_command({server_->client_program("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host(), "-p",
                        std::to_string(port()), "-U", kSuperuser, "-d", dbname, "-f", sql_path},
                       output);
}

}  // namespace hyperschema::testing
