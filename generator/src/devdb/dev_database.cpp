#include "devdb/dev_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>
#include <regex>
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

// libpq repeats a malformed connection URI in its message, password and all:
// the password's value (when the string parses) and anything that looks like
// one are masked.
std::string without_password(std::string message, const std::string& dsn) {
    if (PQconninfoOption* options = PQconninfoParse(dsn.c_str(), nullptr)) {
        for (PQconninfoOption* o = options; o->keyword; ++o) {
            if (std::string(o->keyword) != "password" || !o->val || !*o->val) continue;
            for (size_t at; (at = message.find(o->val)) != std::string::npos;)
                message.replace(at, std::strlen(o->val), "***");
        }
        PQconninfoFree(options);
    }
    static const std::regex kUriPassword(R"((://[^:/@\s"]*:)[^@\s"]*@)");
    static const std::regex kKeywordPassword(R"((password\s*=\s*)('[^']*'|\S+))");
    message = std::regex_replace(message, kUriPassword, "$1***@");
    return std::regex_replace(message, kKeywordPassword, "$1***");
}

// Connects to `dsn`, or to database `dbname` of the server `dsn` names.
connection_ptr connect(const std::string& dsn, const std::string& dbname = "") {
    const char* keywords[] = {"dbname", dbname.empty() ? nullptr : "dbname", nullptr};
    const char* values[] = {dsn.c_str(), dbname.empty() ? nullptr : dbname.c_str(), nullptr};
    connection_ptr conn(PQconnectdbParams(keywords, values, 1), &PQfinish);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        // libpq's message names host and port, never the password.
        throw unavailable("cannot connect to the development database: " +
                          without_password(conn ? PQerrorMessage(conn.get()) : "out of memory", dsn));
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

// The byte offset of character `position` (1-based, as the server counts:
// characters, not bytes), or npos when it is past the end.
size_t byte_offset(const std::string& sql, int position) {
    if (position <= 0) return std::string::npos;
    int characters = 0;
    for (size_t i = 0; i < sql.size(); ++i) {
        if ((static_cast<unsigned char>(sql[i]) & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte
        if (++characters == position) return i;
    }
    return std::string::npos;
}

// The line of `sql` that holds byte offset `at`.
std::string line_at(const std::string& sql, size_t at) {
    if (at >= sql.size()) return "";
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
    const size_t at = byte_offset(sql, position);
    const std::string line = line_at(sql, at);
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
        const size_t line_start = sql.rfind('\n', at) == std::string::npos ? 0 : sql.rfind('\n', at) + 1;
        const size_t default_at = line.find(" DEFAULT ");
        if (default_at != std::string::npos && at - line_start >= default_at && column->default_value.loc.known())
            return column->default_value.loc;
        return column->loc;
    }
    return change.loc;
}

// Ctrl-C, SIGTERM (a CI timeout) or SIGHUP while the scratch database is in
// use: the handler only cancels the running statement (PQcancel is safe in a
// signal handler) and remembers the signal; the database is then dropped as
// after any refusal, and the signal delivered again with its old handler.
volatile std::sig_atomic_t interrupted_by = 0;
PGcancel* volatile running_statement = nullptr;
constexpr int kInterruptSignals[] = {SIGINT, SIGTERM, SIGHUP};

void on_interrupt(int signal_number) {
    interrupted_by = signal_number;
    if (PGcancel* cancel = running_statement) {
        char error[256];
        PQcancel(cancel, error, sizeof error);
    }
}

// Installed for the whole life of a scratch database, from before CREATE
// DATABASE to after DROP DATABASE, so that no signal falls in between.
class InterruptGuard {
public:
    InterruptGuard() {
        interrupted_by = 0;
        struct sigaction action = {};
        action.sa_handler = on_interrupt;
        sigemptyset(&action.sa_mask);
        for (size_t i = 0; i < std::size(kInterruptSignals); ++i) {
            sigaction(kInterruptSignals[i], nullptr, &previous_[i]);
            // An ignored signal (nohup, a background job) stays ignored.
            if (previous_[i].sa_handler != SIG_IGN) sigaction(kInterruptSignals[i], &action, nullptr);
        }
    }
    ~InterruptGuard() {
        watch(nullptr);
        for (size_t i = 0; i < std::size(kInterruptSignals); ++i)
            sigaction(kInterruptSignals[i], &previous_[i], nullptr);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

    // The connection whose statement a signal cancels (nullptr: none).
    void watch(PGconn* conn) {
        PGcancel* old = running_statement;
        running_statement = nullptr;
        if (old) PQfreeCancel(old);
        if (conn) running_statement = PQgetCancel(conn);
    }

private:
    struct sigaction previous_[std::size(kInterruptSignals)];
};

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
                if (interrupted_by) {
                    // Filled field by field: GCC 12 at -O3 takes the aggregate's empty
                    // SourceLocation for uninitialised (-Wmaybe-uninitialized).
                    Rejection r;
                    r.summary = "interrupted";
                    r.sqlstate = "57014";
                    r.message = "interrupted";
                    return r;
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

// A key=value connection string for database `dbname` with every other
// setting the connection `conn` uses.
std::string dsn_for(PGconn* conn, const std::string& dbname) {
    std::string out;
    PQconninfoOption* options = PQconninfo(conn);
    for (PQconninfoOption* o = options; o && o->keyword; ++o) {
        const std::string value = std::string(o->keyword) == "dbname" ? dbname : (o->val ? o->val : "");
        if (!value.empty()) out += std::string(o->keyword) + "=" + conninfo_value(value) + " ";
    }
    PQconninfoFree(options);
    return out;
}

std::optional<Rejection> in_scratch_database(const std::string& dsn, const ScratchWork& work) {
    connection_ptr admin = connect(dsn);
    const std::string name = scratch_name();
    std::optional<Rejection> rejection;
    std::exception_ptr failure;
    int signal_number = 0;
    {
        InterruptGuard guard;
        run_or_throw(admin.get(), "CREATE DATABASE " + emit::quote_ident(name));
        try {
            connection_ptr conn = connect(dsn, name);
            guard.watch(conn.get());
            if (!interrupted_by) rejection = work(conn.get(), dsn_for(conn.get(), name));
            guard.watch(nullptr);
        } catch (...) {
            failure = std::current_exception();
        }
        // Nothing stays behind: FORCE ends the sessions TimescaleDB's
        // scheduler may have opened in the new database.
        result_ptr dropped(
            PQexec(admin.get(), ("DROP DATABASE IF EXISTS " + emit::quote_ident(name) + " WITH (FORCE)").c_str()),
            &PQclear);
        if (!failure && PQresultStatus(dropped.get()) != PGRES_COMMAND_OK) {
            failure = std::make_exception_ptr(unavailable("could not drop the development database " + name + ": " +
                                                          field(dropped.get(), PG_DIAG_MESSAGE_PRIMARY)));
        }
        signal_number = interrupted_by;
    }
    if (signal_number) {
        // Dropped: now the signal does what it would have done.
        std::fprintf(stderr, "hyperschema: interrupted; the development database %s was dropped\n", name.c_str());
        std::raise(signal_number);
    }
    if (failure) std::rethrow_exception(failure);
    return rejection;
}

diff::Plan plan_from_nothing(const Schema& schema) {
    Schema nothing;
    nothing.name = schema.name;
    nothing.namespace_ = schema.namespace_;
    return diff::diff_schemas(nothing, schema, diff::Direction::Up);
}

std::optional<Rejection> apply_schema(const std::string& dsn, const Schema& schema) {
    return in_scratch_database(
        dsn, [&](void* conn, const std::string&) { return apply_plan(conn, schema, plan_from_nothing(schema)); });
}

std::optional<Rejection> try_migration(const std::string& dsn, const Schema& before, const Schema& after,
                                       const diff::Plan& up, const diff::Plan& down) {
    return in_scratch_database(dsn, [&](void* conn, const std::string&) -> std::optional<Rejection> {
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
