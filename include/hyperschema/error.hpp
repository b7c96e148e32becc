#pragma once

// The runtime's exceptions: one hierarchy under hyperschema::error (a
// std::runtime_error), a class per way a caller reacts differently. No
// libpqxx exception leaves the runtime's public functions: they are
// translated (detail/pqxx_bridge.hpp), keeping the server's SQLSTATE, the
// statement and libpqxx's message.
//
//   error                         anything the runtime refuses or the database rejects
//   ├── usage_error               a misuse the caller can fix in code (a closed writer, a wrong column count)
//   ├── connection_lost           the connection broke; the transaction's outcome may be unknown
//   ├── sql_error                 the server rejected a statement (sqlstate() says why)
//   │   ├── constraint_violation  class 23: unique, foreign key, check, not null
//   │   ├── transaction_conflict  40001, 40P01: serialization failure or deadlock; retry the transaction
//   │   └── lock_timeout          55P03: lock_timeout expired, or NOWAIT found the row locked
//   ├── migration_error           a migration step failed: version, name, step, statement
//   ├── history_error             history and application disagree (edited, part-way, tampered)
//   │   └── database_ahead        the database has migrations the application does not know
//   ├── migration_lock_timeout    another runner held the migration lock past the wait allowed
//   └── backfill_error            a backfill stopped: a batch failed its validation, or its checkpoint
//                                 belongs to another definition; the batch in flight was rolled back

#include <stdexcept>
#include <string>

namespace hyperschema {

class error : public std::runtime_error {
public:
    explicit error(const std::string& what, std::string sqlstate = "", std::string statement = "")
        : std::runtime_error(what), sqlstate_(std::move(sqlstate)), statement_(std::move(statement)) {}

    // The server's SQLSTATE ("23505"), or "" when the runtime refused on its own.
    const std::string& sqlstate() const noexcept { return sqlstate_; }
    // The SQL that failed, or "".
    const std::string& statement() const noexcept { return statement_; }

private:
    std::string sqlstate_;
    std::string statement_;
};

class usage_error : public error {
public:
    using error::error;
};

class connection_lost : public error {
public:
    using error::error;
};

class sql_error : public error {
public:
    using error::error;
};

class constraint_violation : public sql_error {
public:
    using sql_error::sql_error;
};

class transaction_conflict : public sql_error {
public:
    using sql_error::sql_error;
};

class lock_timeout : public sql_error {
public:
    using sql_error::sql_error;
};

// A migration failed at one of its steps: its transaction, or one of the
// statements that run alone before or after it (ALTER TYPE ... ADD VALUE,
// CREATE INDEX CONCURRENTLY, refreshes).
class migration_error : public error {
public:
    migration_error(const std::string& what, int version, std::string name, std::string step, std::string sqlstate,
                    std::string statement)
        : error(what, std::move(sqlstate), std::move(statement)),
          version_(version),
          name_(std::move(name)),
          step_(std::move(step)) {}

    int version() const noexcept { return version_; }
    const std::string& name() const noexcept { return name_; }
    // "the transaction (rolled back)", "before the transaction, statement 2",
    // "after the transaction, statement 1"; reverting, "down, " before them.
    const std::string& step() const noexcept { return step_; }

private:
    int version_;
    std::string name_;
    std::string step_;
};

// The database's migration history and the application's do not agree (an
// edited migration, a migration that stopped part-way): someone must look
// before anything is applied.
class history_error : public error {
public:
    using error::error;
};

class database_ahead : public history_error {
public:
    database_ahead(const std::string& what, int database_version, int application_version)
        : history_error(what), database_version_(database_version), application_version_(application_version) {}

    int database_version() const noexcept { return database_version_; }
    int application_version() const noexcept { return application_version_; }

private:
    int database_version_;
    int application_version_;
};

class migration_lock_timeout : public error {
public:
    using error::error;
};

// A backfill stopped before its end. Every batch before the one named is
// committed with its checkpoint; that batch was rolled back, so a rerun
// starts with it again.
class backfill_error : public error {
public:
    backfill_error(const std::string& what, std::string backfill, std::string batch = "")
        : error(what), backfill_(std::move(backfill)), batch_(std::move(batch)) {}

    const std::string& backfill() const noexcept { return backfill_; }
    // The batch's key range as the runner prints it ("[1725000000, 1725086400)"), or "".
    const std::string& batch() const noexcept { return batch_; }

private:
    std::string backfill_;
    std::string batch_;
};

}  // namespace hyperschema
