#pragma once

// Reads a large result a batch at a time, never holding more than two batches:
//
//   hyperschema::row_stream rows(tx, "SELECT ts, value FROM metrics WHERE device = $1", device);
//   while (rows.next()) {
//       auto [ts, value] = rows.row<hyperschema::timestamptz, double>();
//   }
//
// It declares a cursor for the query (parameters bound in binary through the
// extended protocol, which DECLARE CURSOR accepts) and FETCHes batches in
// binary. The alternative, libpq's single-row mode, was measured against it:
// 1M rows of (timestamptz, integer, text, double precision, text), decoded,
// from PostgreSQL 15 on localhost, Release build, 2 cores shared with other
// builds (load 2-4), medians of 7-9 runs in three sessions
// (tests/types/stream_bench_test.cpp, "[.bench]"):
//
//   cursor, FETCH 1000              1.0-1.4 M rows/s   client CPU 0.26-0.43 s
//   cursor, FETCH 10000             0.9-1.1 M rows/s   client CPU 0.37-0.52 s
//   single-row mode                 1.1-1.3 M rows/s   client CPU 0.75-0.92 s
//   binary COPY TO STDOUT, decoded  1.2-1.6 M rows/s   client CPU 0.15-0.20 s (takes no parameters)
//   psql -c "COPY (...) TO STDOUT" >/dev/null: 0.79 M rows/s text, 1.2 M rows/s binary
//
// The server is the bottleneck (0.5-0.7 s for the binary COPY alone), and the
// two are level within the noise; the cursor needs half or less of single-row
// mode's client CPU (a PGresult per row there), leaves the connection free
// between batches, so other statements may run in the same transaction while
// rows are read, and stops early with a cheap CLOSE where single-row mode
// must read or cancel the rest (a cancel aborts the transaction).
//
// read_ahead() sends the next FETCH as soon as a batch arrives, so the server
// produces batch n+1 while the client decodes batch n (the generated
// for_each helpers turn it on; 1.1-1.7x psql's COPY TO STDOUT where fetching
// in turn was 0.9-1.3x, bench/copy_bench.cpp). Statements may still run on
// the transaction between rows, and no row is lost to them: the runtime's
// own (exec, exec_prepared, copy_writer, other streams) first have the batch
// in flight read into the stream; libpqxx's make libpq discard it unread, so
// the runtime's libpq event procedure copies it into the stream as libpq
// makes it (detail::pq::session_events). An error in that batch is thrown by
// the runtime statement that settled it, or else by the next next(), and
// the transaction is aborted. What cannot run meanwhile is a second
// asynchronous statement (a pqxx::pipeline): libpq refuses it. Stopping
// early waits for the batch in flight before the CLOSE.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

#include "hyperschema/detail/libpq.hpp"
#include "hyperschema/query.hpp"

namespace hyperschema {

class row_stream {
public:
    // Unless set_batch_rows() fixes it, the first FETCH asks for 1000 rows and
    // later ones for about batch_bytes of libpq result memory (100..100000
    // rows): small enough to stay in cache (1000 rows of 5 columns read 30%
    // faster than 10000 here), large enough that a remote server's round trips
    // do not dominate.
    static constexpr int first_batch_rows = 1000;
    static constexpr std::size_t batch_bytes = 256 * 1024;

    template <class... P>
    row_stream(pqxx::dbtransaction& tx, std::string_view sql, const P&... params)
        : tx_(tx), conn_(detail::pq::idle_connection_of(tx)), cursor_(next_cursor_name()) {
        detail::bound_params bound(params...);
        std::string declare = "DECLARE " + cursor_ + " NO SCROLL CURSOR FOR ";
        declare += sql;
        detail::pq::checked(tx_, conn_,
                            PQexecParams(conn_, declare.c_str(), bound.count(), bound.types(), bound.values(),
                                         bound.lengths(), bound.formats(), 1),
                            declare, PGRES_COMMAND_OK);
        open_ = true;
    }

    row_stream(const row_stream&) = delete;
    row_stream& operator=(const row_stream&) = delete;

    // Closes the cursor if rows are left. Errors are not thrown from here; one
    // in a batch read ahead still aborts the transaction, so that a commit
    // cannot pass over it.
    ~row_stream() {
        try {
            if (ahead_state_ == ahead::in_flight) settle();
            if (ahead_state_ == ahead::failed) detail::pq::abandon(tx_, conn_);
            detail::pq::settle_pending(conn_);  // another stream's batch in flight
            if (open_ && PQtransactionStatus(conn_) == PQTRANS_INTRANS) close_cursor();
        } catch (...) {
        }
    }

    // Keeps the next FETCH in flight while the current batch is read (see the
    // top of this file).
    void read_ahead(bool on = true) { read_ahead_ = on; }

    // Rows per FETCH, from the next one on, instead of sizing batches by memory.
    void set_batch_rows(int rows) {
        if (rows < 1) throw usage_error("batch size must be at least 1 row");
        batch_rows_ = rows;
        adaptive_ = false;
    }

    // Moves to the next row; false when there are no more.
    bool next() {
        if (++row_ < batch_size_) return true;
        if (!open_) return false;
        fetch();
        return row_ < batch_size_;
    }

    int columns() const { return batch_ ? PQnfields(batch_.get()) : 0; }

    template <class T>
    T get(int col) const {
        check(col);
        types_.check<T>(batch_.get(), col);
        return detail::read_field<T>(batch_.get(), row_, col);
    }
    template <class... T>
    std::tuple<T...> row() const {
        check(0);
        if (checked_ != &detail::row_type_tag<T...>) {
            detail::check_columns<T...>(batch_.get(), std::index_sequence_for<T...>{});
            checked_ = &detail::row_type_tag<T...>;
        }
        return detail::read_row<T...>(batch_.get(), row_, std::index_sequence_for<T...>{});
    }

    // Stops reading: next() returns false, and rows not fetched yet are never
    // sent (a batch already in flight is read and dropped).
    void close() {
        batch_.reset();
        batch_size_ = 0;
        row_ = 0;
        if (ahead_state_ == ahead::in_flight) settle();
        if (ahead_state_ == ahead::failed) throw_failure();
        ahead_.reset();
        ahead_state_ = ahead::none;
        close_cursor();
    }

private:
    enum class ahead { none, in_flight, ready, failed };

    static std::string next_cursor_name() {
        // Cursor names are per session; a process-wide counter keeps them
        // apart for every stream open at once on a connection.
        static std::atomic<std::uint64_t> counter{0};
        return "hyperschema_cursor_" + std::to_string(++counter);
    }

    void close_cursor() {
        if (!open_) return;
        open_ = false;
        detail::pq::settle_pending(conn_);  // another stream's batch in flight
        const std::string sql = "CLOSE " + cursor_;
        detail::pq::checked(tx_, conn_, PQexec(conn_, sql.c_str()), sql, PGRES_COMMAND_OK);
    }

    std::string fetch_sql(int rows) const { return "FETCH FORWARD " + std::to_string(rows) + " FROM " + cursor_; }

    // The next batch: the one read ahead, or one fetched now. A batch shorter
    // than asked is the last; the cursor is closed after it.
    void fetch() {
        batch_.reset();
        int asked = batch_rows_;
        if (ahead_state_ != ahead::none) {
            asked = ahead_rows_;
            if (ahead_state_ == ahead::in_flight) settle();
            if (ahead_state_ == ahead::failed) throw_failure();
            batch_ = std::move(ahead_);
            ahead_state_ = ahead::none;
        } else {
            detail::pq::settle_pending(conn_);  // another stream's batch in flight
            const std::string sql = fetch_sql(asked);
            batch_ = detail::pq::checked(tx_, conn_,
                                         PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1),
                                         sql, PGRES_TUPLES_OK);
        }
        batch_size_ = PQntuples(batch_.get());
        row_ = 0;
        checked_ = nullptr;
        types_.read(batch_.get());
        if (adaptive_ && batch_size_ > 0) {
            const std::size_t per_row =
                std::max<std::size_t>(1, PQresultMemorySize(batch_.get()) / static_cast<std::size_t>(batch_size_));
            batch_rows_ = static_cast<int>(std::clamp<std::size_t>(batch_bytes / per_row, 100, 100000));
        }
        if (batch_size_ < asked)
            close_cursor();
        else if (read_ahead_)
            send_ahead();
    }

    // Sends the next FETCH without waiting for it. Should libpq refuse to
    // send, nothing is in flight and the next fetch() runs (and reports) it.
    void send_ahead() {
        detail::pq::settle_pending(conn_);
        // The session first: its event procedure must be registered before
        // libpq makes the result, to see it should libpqxx discard it.
        detail::pq::session& session = detail::pq::session_of(conn_);
        const std::string sql = fetch_sql(batch_rows_);
        ahead_rows_ = batch_rows_;
        ahead_state_ = ahead::in_flight;
        session.pending = {&row_stream::settle_owner, &row_stream::discarded_owner, this};
        if (!PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1)) forget_in_flight();
    }

    static void settle_owner(void* self) {
        auto* stream = static_cast<row_stream*>(self);
        stream->settle();
        if (stream->ahead_state_ == ahead::failed) stream->throw_failure();
    }

    static void discarded_owner(void* self, const PGresult* result) noexcept {
        static_cast<row_stream*>(self)->keep_discarded(result);
    }

    // Reads the batch in flight and leaves the connection idle: the batch
    // becomes ready, or its error failed.
    void settle() {
        forget_in_flight();
        detail::pq::result_ptr first(PQgetResult(conn_));
        detail::pq::result_ptr error_after = detail::pq::drain(conn_);
        if (first && PQresultStatus(first.get()) == PGRES_TUPLES_OK && !error_after) {
            ahead_ = std::move(first);
            ahead_state_ = ahead::ready;
            return;
        }
        failure_ =
            detail::pq::server_error_ptr(conn_, error_after ? error_after.get() : first.get(), fetch_sql(ahead_rows_));
        ahead_state_ = ahead::failed;
    }

    // libpq is discarding the batch in flight for a statement of libpqxx's:
    // keep a copy (the result itself is freed as soon as this returns).
    void keep_discarded(const PGresult* result) noexcept {
        try {
            if (PQresultStatus(result) == PGRES_TUPLES_OK) {
                ahead_.reset(PQcopyResult(result, PG_COPYRES_ATTRS | PG_COPYRES_TUPLES));
                if (ahead_) {
                    ahead_state_ = ahead::ready;
                    return;
                }
                failure_ = std::make_exception_ptr(
                    error("out of memory keeping a batch read ahead", "", fetch_sql(ahead_rows_)));
            } else {
                failure_ = detail::pq::server_error_ptr(conn_, result, fetch_sql(ahead_rows_));
            }
        } catch (...) {
            failure_ = std::make_exception_ptr(error("a batch read ahead was lost", "", cursor_));
        }
        ahead_state_ = ahead::failed;
    }

    void forget_in_flight() noexcept {
        if (ahead_state_ == ahead::in_flight) ahead_state_ = ahead::none;
        detail::pq::session* session = detail::pq::session_if_any(conn_);
        if (session && session->pending.owner == this) session->pending = {};
    }

    // The batch read ahead failed: the rows after it are not to be had, so
    // the transaction is aborted (the server has done so already for a
    // server error) and every later call throws the same error.
    [[noreturn]] void throw_failure() {
        detail::pq::abandon(tx_, conn_);
        if (PQtransactionStatus(conn_) == PQTRANS_INTRANS) tx_.abort();
        std::rethrow_exception(failure_);
    }

    void check(int col) const {
        if (!batch_ || row_ >= batch_size_) throw usage_error("row_stream has no current row (call next() first)");
        if (col < 0 || col >= types_.size())
            throw usage_error("column " + std::to_string(col) + " is outside the result");
    }

    pqxx::dbtransaction& tx_;
    PGconn* conn_;
    std::string cursor_;
    bool open_ = false;
    bool read_ahead_ = false;
    ahead ahead_state_ = ahead::none;
    detail::pq::result_ptr ahead_;  // ready: the next batch
    std::exception_ptr failure_;    // failed: why
    int ahead_rows_ = 0;            // the rows the FETCH in flight asked for
    int batch_rows_ = first_batch_rows;
    bool adaptive_ = true;
    detail::pq::result_ptr batch_;
    detail::column_types types_;
    int batch_size_ = 0;
    int row_ = -1;
    mutable const char* checked_ = nullptr;  // the row types this batch's columns were checked against
};

}  // namespace hyperschema
