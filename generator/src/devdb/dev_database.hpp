#pragma once

// Validation against a development database (as Atlas's --dev-url): what the
// compiler cannot judge offline is applied to a real server, in a throwaway
// database created for the purpose and dropped afterwards, and a refusal is
// reported at the YAML of the object whose statement failed.

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "diag/diagnostics.hpp"
#include "diff/plan.hpp"
#include "model/schema.hpp"

namespace hyperschema::devdb {

// The server's refusal of one statement, with libpq's error fields.
struct Rejection {
    SourceLocation loc;   // the object the statement came from (refined by the error's position)
    std::string summary;  // the change: "+ table readings"
    std::string sqlstate;
    std::string message;
    std::string detail;
    std::string hint;
    std::string statement;
};

// What went wrong before any statement of the schema ran: the server could
// not be reached, or refused to create the throwaway database.
class unavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Runs `work` with a connection (a PGconn*) to a new, empty database created
// through `dsn` (a libpq connection string to any database of the server;
// the role needs CREATEDB), and a connection string for that database (for
// code that connects itself; it may hold the password: never print it), and
// drops the database afterwards, whatever happens. Throws unavailable.
using ScratchWork = std::function<std::optional<Rejection>(void* conn, const std::string& scratch_dsn)>;
std::optional<Rejection> in_scratch_database(const std::string& dsn, const ScratchWork& work);

// The plan that creates `schema` from nothing, as schema.sql does.
diff::Plan plan_from_nothing(const Schema& schema);

// schema.sql's plan, applied in a scratch database. nullopt: every statement ran.
std::optional<Rejection> apply_schema(const std::string& dsn, const Schema& schema);

// A new migration tried before it is written: the previous state (the last
// migration's snapshot) created, then `up` applied, then `down`. A refusal
// of the down migration says so in its summary.
std::optional<Rejection> try_migration(const std::string& dsn, const Schema& before, const Schema& after,
                                       const diff::Plan& up, const diff::Plan& down);

// Applies `plan` through an open connection, phase by phase as a migration
// runs: the statements that need no transaction alone, the others in one
// transaction. Stops at the first refusal.
std::optional<Rejection> apply_plan(void* pg_conn, const Schema& schema, const diff::Plan& plan);

// The server `--dev-db` names: a libpq connection string, or `local` for a
// throwaway cluster started from the machine's PostgreSQL binaries (kept in
// *local until the command ends). Throws unavailable.
class DevServer {
public:
    explicit DevServer(const std::string& dev_db);
    ~DevServer();
    const std::string& dsn() const { return dsn_; }

private:
    std::unique_ptr<class LocalServer> local_;
    std::string dsn_;
};

// The rejection as a located diagnostic, its detail and hint as notes.
void report(const Rejection& rejection, Diagnostics& diags);

}  // namespace hyperschema::devdb
