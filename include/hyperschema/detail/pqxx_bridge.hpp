#pragma once

// Everything the runtime needs from libpqxx that differs between 6.4
// (Debian 12), 7.x (Debian 13, Ubuntu 24.04) and 8.x, on each version's
// documented API only, and the one place where the runtime reaches the libpq
// connection underneath libpqxx's:
//
// - the connection type the runtime takes (hyperschema::connection);
// - statements with parameters (exec_params in 6.4, exec(sql, params) later);
// - libpqxx's exceptions, translated into hyperschema's (error.hpp);
// - the PGconn of a libpqxx connection. No version documents a way to get it
//   from any connection, so hyperschema::connect() (connection.hpp) opens the
//   connection itself: with libpq and pqxx::connection::seize_raw_connection()
//   on 7 and later, with a connection policy (the documented extension point
//   of 6.4) there. Either way it registers the PGconn here under its socket;
//   a transaction's connection is found by connection::sock().

#include <libpq-fe.h>

#include <pqxx/pqxx>
#include <pqxx/version>

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "hyperschema/error.hpp"

namespace hyperschema {

// The connection every runtime function takes: any libpqxx connection (the
// migrator and verify need nothing else). The typed helpers, COPY, query and
// stream need one opened by hyperschema::connect().
#if PQXX_VERSION_MAJOR >= 7
using connection = pqxx::connection;
#else
using connection = pqxx::connection_base;  // the base of 6.4's connection classes
#endif

namespace detail::pqxx_bridge {

// ---- statements ------------------------------------------------------------

#if PQXX_VERSION_MAJOR >= 7
// Appends one parameter in text, through params' out-of-line overloads. The
// inline template append(const T&) of libpqxx 7.10 makes GCC 14 at -O2 and
// above report -Wmaybe-uninitialized inside std::variant (a false positive,
// and an error under -Werror in every file that binds an int).
template <class T>
void append_param(pqxx::params& params, const T& value) {
    if (pqxx::is_null(value)) {
        params.append();
    } else {
        params.append(pqxx::to_string(value));
    }
}
#endif

// A statement with parameters, as libpqxx sends them (text format).
template <class... P>
pqxx::result exec(pqxx::transaction_base& tx, const std::string& sql, const P&... params) {
#if PQXX_VERSION_MAJOR >= 7
    pqxx::params bound;
    bound.reserve(sizeof...(P));
    (append_param(bound, params), ...);
    return tx.exec(sql, bound);
#else
    return tx.exec_params(sql, params...);
#endif
}

// ---- exceptions ------------------------------------------------------------

// The hyperschema exception for a server error with this SQLSTATE.
[[noreturn]] inline void throw_sql_error(const std::string& message, const std::string& sqlstate,
                                         const std::string& statement) {
    const std::string cls = sqlstate.substr(0, 2);
    if (cls == "08") throw connection_lost(message, sqlstate, statement);
    if (cls == "23") throw constraint_violation(message, sqlstate, statement);
    if (sqlstate == "40001" || sqlstate == "40P01") throw transaction_conflict(message, sqlstate, statement);
    if (sqlstate == "55P03") throw lock_timeout(message, sqlstate, statement);
    throw sql_error(message, sqlstate, statement);
}

inline std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
    return std::string(s);
}

// Rethrows the exception in flight as hyperschema's: call from a catch (...).
// A libpqxx exception becomes its hyperschema counterpart, with `context`
// ("verify", "migration 0002_x") before the message; anything else (a
// hyperschema::error, std::bad_alloc) is rethrown as it is.
[[noreturn]] inline void rethrow_translated(const std::string& context = "") {
    const std::string prefix = context.empty() ? "" : context + ": ";
    try {
        throw;
    } catch (const pqxx::broken_connection& e) {
        throw connection_lost(prefix + "the connection to the server was lost: " + trimmed(e.what()));
    } catch (const pqxx::sql_error& e) {
        throw_sql_error(prefix + trimmed(e.what()), std::string(e.sqlstate()), std::string(e.query()));
    } catch (const pqxx::usage_error& e) {
        throw usage_error(prefix + trimmed(e.what()));
    } catch (const pqxx::failure& e) {
        throw error(prefix + trimmed(e.what()));
#if PQXX_VERSION_MAJOR < 8
    } catch (const pqxx::conversion_error& e) {
        throw error(prefix + trimmed(e.what()));
    } catch (const pqxx::range_error& e) {
        throw error(prefix + trimmed(e.what()));
    } catch (const pqxx::argument_error& e) {
        throw usage_error(prefix + trimmed(e.what()));
    } catch (const pqxx::internal_error& e) {
        throw error(prefix + trimmed(e.what()));
#endif
    }
}

// f(), with libpqxx's exceptions translated.
template <class F>
decltype(auto) translated(const std::string& context, F&& f) {
    try {
        return f();
    } catch (...) {
        rethrow_translated(context);
    }
}

// ---- the PGconn underneath -------------------------------------------------

// The libpq connections hyperschema::connect() opened, by socket. An entry
// leaves when libpq destroys the connection (the event procedure in
// libpq.hpp calls forget()), so a socket number reused by another
// connection never finds a dead PGconn; a connection whose socket libpq
// closed after an error is told apart by comparing PQsocket() again.
class registry {
public:
    static registry& instance() {
        static registry r;
        return r;
    }

    void remember(PGconn* conn) {
        std::lock_guard lock(mutex_);
        by_socket_[PQsocket(conn)] = conn;
    }

    void forget(PGconn* conn) noexcept {
        std::lock_guard lock(mutex_);
        for (auto it = by_socket_.begin(); it != by_socket_.end();) {
            it = it->second == conn ? by_socket_.erase(it) : std::next(it);
        }
    }

    PGconn* find(int socket) {
        std::lock_guard lock(mutex_);
        auto it = by_socket_.find(socket);
        if (it == by_socket_.end() || PQsocket(it->second) != socket) return nullptr;
        return it->second;
    }

private:
    std::mutex mutex_;
    std::unordered_map<int, PGconn*> by_socket_;
};

// The PGconn of a libpqxx connection opened by hyperschema::connect().
inline PGconn* raw_connection(const connection& c) {
    const int socket = c.sock();
    if (socket < 0) throw connection_lost("the connection is closed");
    if (PGconn* conn = registry::instance().find(socket)) return conn;
    throw usage_error(
        "this connection was not opened with hyperschema::connect(): the typed helpers, copy_writer, exec() and "
        "row_stream speak binary libpq underneath libpqxx and need the connection it opens (see the README, "
        "\"Connections\")");
}

inline PGconn* raw_connection(const pqxx::transaction_base& tx) {
    return raw_connection(tx.conn());
}

}  // namespace detail::pqxx_bridge
}  // namespace hyperschema
