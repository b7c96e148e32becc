#include "devdb/dev_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <sstream>

#include "devdb/local_server.hpp"
#include "diff/diff.hpp"
#include "emit/identifiers.hpp"

namespace hyperschema::devdb {
namespace {

using connection_ptr = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using result_ptr = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string field(const PGresult* res, int code) {
    const char* value = PQresultErrorField(res, code);
    return value ? value : "";
}

// Connects to `dsn`, or to database `dbname` of the server `dsn` names.
connection_ptr connect(const std::string& dsn, const std::string& dbname = "") {
    const char* keywords[] = {"dbname", dbname.empty() ? nullptr : "dbname", nullptr};
    const char* values[] = {dsn.c_str(), dbname.empty() ? nullptr : dbname.c_str(), nullptr};
    connection_ptr conn(PQconnectdbParams(keywords, values, 1), &PQfinish);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        // libpq's message names host and port, never the password.
        throw unavailable("cannot connect to the development database: " +
                          std::string(conn ? PQerrorMessage(conn.get()) : "out of memory"));
    }
    // The server's notices (TimescaleDB's advice on varchar, "defaulting
    // compress_orderby") are not the user's problem here: only refusals are.
    PQsetNoticeProcessor(
        conn.get(), [](void*, const char*) {}, nullptr);
    return conn;
}

void run_or_throw(PGconn* conn, const std::string& sql) {
    result_ptr res(PQexec(conn, sql.c_str()), &PQclear);
    const auto status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        throw unavailable("the development database refused `" + sql +
                          "`: " + field(res.get(), PG_DIAG_MESSAGE_PRIMARY) + " (SQLSTATE " +
                          field(res.get(), PG_DIAG_SQLSTATE) + ")");
    }
}

// The line of `sql` that holds byte `position` (1-based, as the server counts).
std::string line_at(const std::string& sql, int position) {
    if (position <= 0 || static_cast<size_t>(position) > sql.size()) return "";
    const size_t at = static_cast<size_t>(position - 1);
    const size_t start = sql.rfind('\n', at) == std::string::npos ? 0 : sql.rfind('\n', at) + 1;
    const size_t end = sql.find('\n', at);
    return sql.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string unquoted_word(std::istringstream& in) {
    std::string word;
    in >> word;
    if (!word.empty() && word.front() == '"') word = word.substr(1, word.find('"', 1) - 1);
    return word;
}

// CREATE TABLE lists a column or constraint per line: the one the error
// points into has its own place in the YAML, closer than the table's.
SourceLocation refine(const Schema& schema, const diff::Change& change, const std::string& sql, int position) {
    const Table* table = nullptr;
    for (const char* prefix : {"+ table ", "+ hypertable "}) {
        if (change.summary.rfind(prefix, 0) == 0) table = schema.find_table(change.summary.substr(strlen(prefix)));
    }
    const std::string line = line_at(sql, position);
    if (!table || line.empty()) return change.loc;
    std::istringstream in(line);
    std::string first = unquoted_word(in);
    if (first == "CONSTRAINT") {
        const std::string name = unquoted_word(in);
        if (table->primary_key && table->primary_key->name == name) return table->primary_key->loc;
        for (const auto& u : table->uniques)
            if (u.name == name) return u.loc;
        for (const auto& fk : table->foreign_keys)
            if (fk.name == name) return fk.loc;
        for (const auto& c : table->checks)
            if (c.name == name) return c.loc;
        return change.loc;
    }
    if (const Column* column = table->find_column(first)) {
        const size_t at = static_cast<size_t>(position - 1) - (sql.rfind('\n', static_cast<size_t>(position - 1)) + 1);
        const size_t default_at = line.find(" DEFAULT ");
        if (default_at != std::string::npos && at >= default_at && column->default_value.loc.known())
            return column->default_value.loc;
        return column->loc;
    }
    return change.loc;
}

std::string scratch_name() {
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return "hyperschema_dev_" + std::to_string(::getpid()) + "_" + std::to_string(now % 1000000007);
}

}  // namespace

std::optional<Rejection> apply_plan(void* pg_conn, const Schema& schema, const diff::Plan& plan) {
    PGconn* conn = static_cast<PGconn*>(pg_conn);
    auto run = [&](const diff::Change& change, const std::string& sql) -> std::optional<Rejection> {
        result_ptr res(PQexec(conn, sql.c_str()), &PQclear);
        const auto status = PQresultStatus(res.get());
        if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return std::nullopt;
        Rejection r;
        const std::string position = field(res.get(), PG_DIAG_STATEMENT_POSITION);
        r.loc = refine(schema, change, sql, position.empty() ? 0 : std::stoi(position));
        r.summary = change.summary;
        r.sqlstate = field(res.get(), PG_DIAG_SQLSTATE);
        r.message = field(res.get(), PG_DIAG_MESSAGE_PRIMARY);
        if (r.message.empty()) r.message = PQerrorMessage(conn);
        r.detail = field(res.get(), PG_DIAG_MESSAGE_DETAIL);
        r.hint = field(res.get(), PG_DIAG_MESSAGE_HINT);
        r.statement = sql;
        return r;
    };
    auto phase = [&](diff::Phase p) -> std::optional<Rejection> {
        bool search_path_set = false;
        for (size_t i = 0; i < plan.changes.size(); ++i) {
            for (const auto& st : plan.changes[i].statements) {
                if (st.phase != p) continue;
                if (p == diff::Phase::Transaction && !plan.search_namespace.empty() && i >= plan.unqualified_from &&
                    !search_path_set) {
                    run_or_throw(conn,
                                 "SET LOCAL search_path TO " + emit::quote_ident(plan.search_namespace) + ", public");
                    search_path_set = true;
                }
                if (auto r = run(plan.changes[i], st.sql)) return r;
            }
        }
        return std::nullopt;
    };
    if (auto r = phase(diff::Phase::BeforeTransaction)) return r;
    run_or_throw(conn, "BEGIN");
    if (auto r = phase(diff::Phase::Transaction)) {
        run_or_throw(conn, "ROLLBACK");
        return r;
    }
    run_or_throw(conn, "COMMIT");
    return phase(diff::Phase::AfterTransaction);
}

std::optional<Rejection> in_scratch_database(const std::string& dsn,
                                             const std::function<std::optional<Rejection>(void*)>& work) {
    connection_ptr admin = connect(dsn);
    const std::string name = scratch_name();
    run_or_throw(admin.get(), "CREATE DATABASE " + emit::quote_ident(name));
    std::optional<Rejection> rejection;
    std::exception_ptr failure;
    try {
        connection_ptr conn = connect(dsn, name);
        rejection = work(conn.get());
    } catch (...) {
        failure = std::current_exception();
    }
    // Nothing stays behind: FORCE ends the sessions TimescaleDB's scheduler
    // may have opened in the new database.
    result_ptr dropped(
        PQexec(admin.get(), ("DROP DATABASE IF EXISTS " + emit::quote_ident(name) + " WITH (FORCE)").c_str()),
        &PQclear);
    if (failure) std::rethrow_exception(failure);
    if (PQresultStatus(dropped.get()) != PGRES_COMMAND_OK) {
        throw unavailable("could not drop the development database " + name + ": " +
                          field(dropped.get(), PG_DIAG_MESSAGE_PRIMARY));
    }
    return rejection;
}

diff::Plan plan_from_nothing(const Schema& schema) {
    Schema nothing;
    nothing.name = schema.name;
    nothing.namespace_ = schema.namespace_;
    return diff::diff_schemas(nothing, schema, diff::Direction::Up);
}

std::optional<Rejection> apply_schema(const std::string& dsn, const Schema& schema) {
    return in_scratch_database(dsn, [&](void* conn) { return apply_plan(conn, schema, plan_from_nothing(schema)); });
}

std::optional<Rejection> try_migration(const std::string& dsn, const Schema& before, const Schema& after,
                                       const diff::Plan& up, const diff::Plan& down) {
    return in_scratch_database(dsn, [&](void* conn) -> std::optional<Rejection> {
        if (auto r = apply_plan(conn, before, plan_from_nothing(before))) {
            r->summary = "the state of the last migration: " + r->summary;
            return r;
        }
        if (auto r = apply_plan(conn, after, up)) return r;
        if (auto r = apply_plan(conn, before, down)) {
            r->summary = "the down migration: " + r->summary;
            return r;
        }
        return std::nullopt;
    });
}

DevServer::DevServer(const std::string& dev_db) {
    if (dev_db != "local") {
        dsn_ = dev_db;
        return;
    }
    LocalServerOptions options;
    options.keep_directory_env = "HYPERSCHEMA_KEEP_DEV_CLUSTER";
    local_ = std::make_unique<LocalServer>(options);
    try {
        local_->start();
    } catch (const std::exception& e) {
        throw unavailable("could not start a local PostgreSQL for --dev-db local (from " + LocalServer::bin_dir() +
                          "): " + e.what());
    }
    dsn_ = local_->dsn("postgres");
}

DevServer::~DevServer() = default;

void report(const Rejection& rejection, Diagnostics& diags) {
    auto& d = diags.error(rejection.loc, "the development database refused `" + rejection.summary +
                                             "`: " + rejection.message + " (SQLSTATE " + rejection.sqlstate + ")");
    if (!rejection.detail.empty()) Diagnostics::add_note(d, rejection.loc, rejection.detail);
    if (!rejection.hint.empty()) Diagnostics::add_note(d, rejection.loc, "hint: " + rejection.hint);
}

}  // namespace hyperschema::devdb
