#pragma once

// Connections the whole runtime can use:
//
//   auto conn = hyperschema::connect("host=db dbname=meters");   // or "" for the PG* environment
//   pqxx::work tx(conn);                                          // an ordinary libpqxx connection
//   heatpump::readings::insert_many(tx, rows);                    // binary COPY underneath
//
// The typed helpers, copy_writer, exec()/exec_prepared() and row_stream speak
// libpq's binary protocol on the transaction's own connection, and libpqxx
// documents no way to reach that from a connection it opened. connect() opens
// the libpq connection itself and hands it to libpqxx (7 and later:
// pqxx::connection::seize_raw_connection(); 6.4: a connection policy), so the
// runtime knows it. Everything else (migrate, verify, refresh) takes any
// libpqxx connection. The connection string is never printed: a failure says
// libpq's reason only.

#include <libpq-fe.h>

#include <pqxx/pqxx>

#include <memory>
#include <string>
#include <utility>

#include "hyperschema/detail/libpq.hpp"
#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/error.hpp"

namespace hyperschema {

namespace detail {

// Registers a connection libpq has just opened: the runtime's session on it
// (libpq.hpp) and its place in the bridge's registry. Throws connection_lost
// (and closes the connection) when libpq could not connect.
inline PGconn* adopt_new_connection(PGconn* conn) {
    if (conn == nullptr) throw connection_lost("out of memory opening a connection");
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string reason = pq::trimmed(PQerrorMessage(conn));
        PQfinish(conn);
        throw connection_lost("could not connect to the server: " + reason);
    }
    pq::session_of(conn);
    pqxx_bridge::registry::instance().remember(conn);
    return conn;
}

#if PQXX_VERSION_MAJOR < 7
// libpqxx 6.4's documented way to take part in connecting: a connection
// policy. This one connects as connect_direct does and registers the result;
// libpqxx calls it again when it reactivates a broken connection.
class registering_connect : public pqxx::connect_direct {
public:
    explicit registering_connect(const std::string& options) : pqxx::connect_direct(options) {}
    handle do_startconnect(handle orig) override {
        handle conn = pqxx::connect_direct::do_startconnect(orig);
        if (conn != nullptr && conn != orig) adopt_new_connection(conn);
        return conn;
    }
};
#endif

}  // namespace detail

#if PQXX_VERSION_MAJOR >= 7
// A pqxx::connection the typed helpers can use.
inline pqxx::connection connect(const std::string& conninfo = "") {
    PGconn* conn = detail::adopt_new_connection(PQconnectdb(conninfo.c_str()));
    try {
        return pqxx::connection::seize_raw_connection(conn);
    } catch (...) {
        PQfinish(conn);  // libpqxx did not take it; its destroy event unregisters it
        detail::pqxx_bridge::rethrow_translated("connect");
    }
}
#else
// libpqxx 6.4: a connection class of its own (a pqxx::connection_base, which
// is what 6.4's transactions and the runtime take). Not movable, as no 6.4
// connection is: keep it where it is made (`auto conn = connect(...)`).
using registered_connection = pqxx::basic_connection_base<detail::registering_connect>;

inline registered_connection connect(const std::string& conninfo = "") {
    try {
        return registered_connection(conninfo);
    } catch (const pqxx::broken_connection& e) {
        throw connection_lost("could not connect to the server: " + detail::pqxx_bridge::trimmed(e.what()));
    } catch (...) {
        detail::pqxx_bridge::rethrow_translated();
    }
}
#endif

// Runs f(), statements of your own through libpqxx, with libpqxx's exceptions
// translated into hyperschema's (error.hpp), as the runtime's own are:
//   hyperschema::translated([&] { tx.exec("UPDATE ..."); });
template <class F>
decltype(auto) translated(F&& f) {
    return detail::pqxx_bridge::translated("", std::forward<F>(f));
}

}  // namespace hyperschema
