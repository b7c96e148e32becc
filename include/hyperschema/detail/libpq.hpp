#pragma once

// Raw libpq inside a running libpqxx transaction. libpqxx cannot do binary
// COPY (its copy lines end in '\n') nor binary parameters and results with
// types it does not know, so the runtime speaks libpq itself on the
// transaction's PGconn (found through pqxx_bridge.hpp). It always leaves the
// connection idle (all results read, never in COPY state), so libpqxx can go
// on using it.

#include <libpq-events.h>
#include <libpq-fe.h>

#include <pqxx/pqxx>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "hyperschema/detail/pqxx_bridge.hpp"
#include "hyperschema/error.hpp"

namespace hyperschema::detail::pq {

inline PGconn* connection_of(const pqxx::dbtransaction& tx) {
    return pqxx_bridge::raw_connection(tx);
}

struct result_deleter {
    void operator()(PGresult* r) const noexcept { PQclear(r); }
};
using result_ptr = std::unique_ptr<PGresult, result_deleter>;

// "name" with embedded quotes doubled, as PostgreSQL's quote_ident does
// (always quoted: simpler than knowing every keyword, and exact).
inline std::string quote_identifier(std::string_view name) {
    if (name.empty() || name.find('\0') != std::string_view::npos)
        throw usage_error("invalid identifier (empty, or holding a NUL byte)");
    std::string out;
    out.reserve(name.size() + 2);
    out += '"';
    for (char c : name) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

inline std::string trimmed(const char* message) {
    return pqxx_bridge::trimmed(message ? message : "");
}

// Throws the server's error (its message with the DETAIL, and the SQLSTATE)
// as the hyperschema exception for it, or connection_lost when no result came
// back because the connection failed.
[[noreturn]] inline void throw_server_error(PGconn* conn, const PGresult* res, std::string_view statement) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string message = trimmed(res ? PQresultErrorMessage(res) : nullptr);
    if (message.empty()) message = trimmed(PQerrorMessage(conn));
    if (message.empty()) message = "unexpected response from the server";
    if (!state && PQstatus(conn) == CONNECTION_BAD)
        throw connection_lost("the connection to the server was lost: " + message, "", std::string(statement));
    pqxx_bridge::throw_sql_error(message, state ? state : "", std::string(statement));
}

// The same, kept for later (before the connection's state moves on).
inline std::exception_ptr server_error_ptr(PGconn* conn, const PGresult* res, std::string_view statement) {
    try {
        throw_server_error(conn, res, statement);
    } catch (...) {
        return std::current_exception();
    }
}

// After the server rejected a statement, the server's transaction is aborted;
// abort the libpqxx transaction too, so that a later commit() throws instead
// of COMMIT quietly rolling back (libpqxx 6.4 does not notice that). abort()
// never throws.
inline void abandon(pqxx::dbtransaction& tx, PGconn* conn) {
    PGTransactionStatusType status = PQtransactionStatus(conn);
    if (status == PQTRANS_INERROR || status == PQTRANS_UNKNOWN) tx.abort();
}

// Ends the transaction without committing, from a destructor.
inline void abort_transaction(pqxx::dbtransaction& tx) noexcept {
    try {
        tx.abort();
    } catch (...) {
        // abort() is documented not to throw; a lost connection ends the transaction anyway.
    }
}

// Reads every remaining result so that the connection is idle again; a COPY
// IN still open is ended with an error, which makes the server abort it.
// Returns the first error result, if any.
inline result_ptr drain(PGconn* conn) {
    result_ptr first_error;
    while (PGresult* raw = PQgetResult(conn)) {
        result_ptr r(raw);
        ExecStatusType status = PQresultStatus(raw);
        if (status == PGRES_COPY_IN) {
            if (PQputCopyEnd(conn, "aborted by the client (hyperschema)") != 1) break;
        } else if (status == PGRES_COPY_OUT) {
            char* row = nullptr;
            int got;
            while ((got = PQgetCopyData(conn, &row, 0)) > 0) PQfreemem(row);
            if (got == -2) break;  // the connection failed
        } else if (status == PGRES_COPY_BOTH) {
            break;  // replication: never started by the runtime
        } else if ((status == PGRES_FATAL_ERROR || status == PGRES_NONFATAL_ERROR) && !first_error) {
            first_error = std::move(r);
        }
    }
    return first_error;
}

// Checks a result from PQexec*/PQprepare: returns it when its status is the
// expected one, else throws the server's error (after aborting the transaction).
inline result_ptr checked(pqxx::dbtransaction& tx, PGconn* conn, PGresult* raw, std::string_view statement,
                          ExecStatusType expected) {
    result_ptr r(raw);
    if (r && PQresultStatus(raw) == expected) return r;
    if (r && (PQresultStatus(raw) == PGRES_COPY_IN || PQresultStatus(raw) == PGRES_COPY_OUT)) {
        drain(conn);  // leaves the server's transaction aborted (COPY IN) or the COPY read out
        abandon(tx, conn);
        throw usage_error("the statement started a COPY, which this function does not run (use copy_writer)", "",
                          std::string(statement));
    }
    auto failure = server_error_ptr(conn, raw, statement);
    abandon(tx, conn);
    std::rethrow_exception(failure);
}

// What the runtime keeps per connection: the statements it has prepared
// there. It lives in the PGconn itself (libpq's event instance data), so it
// dies with the connection (PQfinish) and is emptied when the session is
// replaced (PQreset): a new connection at the address of a closed one, or a
// reconnected one, never inherits names that do not exist in its session.
// A statement sent ahead whose result is not read yet (a row_stream's next
// FETCH). Before the runtime sends another statement, the owner reads it
// (settle). A statement of libpqxx's makes libpq discard it unread; the event
// procedure below hands it to the owner first (discarded), which keeps a copy.
struct pending_result {
    void (*settle)(void* owner) = nullptr;
    void (*discarded)(void* owner, const PGresult* result) noexcept = nullptr;
    void* owner = nullptr;
};

struct session {
    // Key: the SQL, '\0', and the parameter type OIDs it was prepared with.
    std::unordered_map<std::string, std::string> statements;
    std::uint64_t prepares = 0;
    pending_result pending;

    std::string next_statement_name() {
        // The session's address keeps names apart should two copies of this
        // header (two shared libraries) each register on one connection.
        char name[64];
        std::snprintf(name, sizeof name, "hyperschema_%llx_%llu",
                      static_cast<unsigned long long>(reinterpret_cast<std::uintptr_t>(this)),
                      static_cast<unsigned long long>(statements.size() + 1));
        return name;
    }
};

inline int session_events(PGEventId event, void* info, void*);

// The connection's session if the runtime has one there already.
inline session* session_if_any(const PGconn* conn) {
    return static_cast<session*>(PQinstanceData(conn, session_events));
}

inline int session_events(PGEventId event, void* info, void*) {
    if (event == PGEVT_RESULTCREATE) {
        // Every result of the connection passes here as libpq makes it; the
        // first one after a pending statement was sent is that statement's.
        auto* e = static_cast<PGEventResultCreate*>(info);
        session* s = session_if_any(e->conn);
        if (s && s->pending.owner) {
            const pending_result p = s->pending;
            s->pending = {};
            p.discarded(p.owner, e->result);
        }
    } else if (event == PGEVT_CONNRESET) {
        // A new session, on a new socket.
        auto* e = static_cast<PGEventConnReset*>(info);
        if (session* s = session_if_any(e->conn)) *s = session{};
        pqxx_bridge::registry::instance().forget(e->conn);
        pqxx_bridge::registry::instance().remember(e->conn);
    } else if (event == PGEVT_CONNDESTROY) {
        auto* e = static_cast<PGEventConnDestroy*>(info);
        pqxx_bridge::registry::instance().forget(e->conn);
        delete session_if_any(e->conn);
    }
    return 1;  // 0 would make libpq fail the operation
}

inline session& session_of(PGconn* conn) {
    if (session* s = session_if_any(conn)) return *s;
    if (!PQregisterEventProc(conn, session_events, "hyperschema", nullptr))
        throw error("could not register the runtime's libpq event procedure on the connection");
    auto owned = std::make_unique<session>();
    if (!PQsetInstanceData(conn, session_events, owned.get()))
        throw error("could not attach the runtime's state to the connection");
    return *owned.release();
}

// Before the runtime sends a statement on conn: a result still in flight is
// read by its owner and kept there (an error in it is thrown here).
inline void settle_pending(PGconn* conn) {
    session* s = session_if_any(conn);
    if (!s || !s->pending.settle) return;
    const pending_result p = s->pending;
    s->pending = {};
    p.settle(p.owner);
}

// The transaction's connection, ready for a statement of the runtime's.
inline PGconn* idle_connection_of(const pqxx::dbtransaction& tx) {
    PGconn* conn = connection_of(tx);
    settle_pending(conn);
    return conn;
}

}  // namespace hyperschema::detail::pq
