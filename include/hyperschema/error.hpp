#pragma once

// One exception type for everything the runtime refuses or the database
// rejects: it says what went wrong in words, and keeps the SQLSTATE and the
// statement when the database was the one to say no.

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

// The database's migration history and the application's do not agree (an
// edited migration, a version the application does not know, a migration
// that stopped part-way): someone must look before anything is applied.
class history_error : public error {
public:
    using error::error;
};

}  // namespace hyperschema
