#pragma once

// Bulk loading with binary COPY, inside a libpqxx transaction:
//
//   pqxx::work tx(conn);
//   hyperschema::copy_writer copy(tx, "public", "metrics", {"time", "device_id", "value"});
//   for (const auto& m : batch) copy.write_row(m.time, m.device_id, m.value);
//   copy.complete();
//   tx.commit();
//
// Rows are buffered and sent in chunks of about 256 KiB, each chunk a COPY
// statement of its own within the transaction, so that between write_row()
// calls the connection is idle: other statements (the runtime's or
// libpqxx's) may run on the transaction meanwhile. Nothing is final until the
// transaction commits; a writer destroyed before complete() (an exception on
// the way) aborts the transaction, so no partial load can be committed. A
// chunk costs one round trip more than a single COPY would: about 160 for a
// million rows of three columns (see bench/).

#include <pqxx/dbtransaction>
#include <pqxx/transaction_base>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "hyperschema/codec.hpp"
#include "hyperschema/detail/libpq.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/query.hpp"

namespace hyperschema {

class copy_writer {
public:
    static constexpr std::size_t flush_bytes = 256 * 1024;

    // schema may be empty (the search_path decides); names are unquoted, as
    // in the catalog. Looks up the columns' types first (one catalog query),
    // for the element type of arrays (a varchar[] or enum[] column wants
    // varchar or enum elements) and to refuse a value of the wrong type
    // before the server misreads its bytes.
    copy_writer(pqxx::dbtransaction& tx, std::string_view schema, std::string_view table,
                std::vector<std::string> columns)
        : tx_(tx), conn_(detail::pq::idle_connection_of(tx)), columns_(std::move(columns)) {
        if (columns_.empty()) throw usage_error("copy_writer needs at least one column");
        target_ = schema.empty() ? "" : detail::pq::quote_identifier(schema) + ".";
        target_ += detail::pq::quote_identifier(table);
        statement_ = "COPY " + target_ + " (";
        for (std::size_t i = 0; i < columns_.size(); ++i)
            statement_ += (i ? ", " : "") + detail::pq::quote_identifier(columns_[i]);
        statement_ += ") FROM STDIN (FORMAT binary)";
        look_up_column_types();
        buffer_.reserve(flush_bytes + flush_bytes / 4);
        start_chunk();
        open_ = true;
    }

    copy_writer(const copy_writer&) = delete;
    copy_writer& operator=(const copy_writer&) = delete;

    // A writer left before finish() with rows written, sent or still
    // buffered, aborts the transaction: a load cut short by an exception can
    // never be committed half-way (nor committed without its buffered rows).
    ~copy_writer() {
        if (open_ && rows_ > 0) detail::pq::abort_transaction(tx_);
    }

    // One row, a value per column in the constructor's order. A value that
    // cannot be encoded (a wrong type, a date outside PostgreSQL's range) throws
    // before any of the row is buffered: the writer stays usable.
    template <class... T>
    void write_row(const T&... values) {
        if (!open_) throw usage_error("copy_writer is closed", "", statement_);
        if (sizeof...(T) != columns_.size()) {
            throw usage_error("COPY row has " + std::to_string(sizeof...(T)) + " values for " +
                                  std::to_string(columns_.size()) + " columns",
                              "", statement_);
        }
        std::size_t i = 0;
        (check_type<detail::param_type<T>>(i++), ...);
        const std::size_t mark = buffer_.size();
        try {
            detail::wire::put_i16(buffer_, static_cast<std::int16_t>(sizeof...(T)));
            i = 0;
            (detail::append_field(buffer_, detail::as_param(values), element_types_[i++]), ...);
        } catch (...) {
            buffer_.resize(mark);
            throw;
        }
        ++rows_;
        ++buffered_rows_;
        if (buffer_.size() >= flush_bytes) send_chunk();
    }

    // A row as a tuple (std::tie(row.a, row.b) works too).
    template <class... T>
    void write_tuple(const std::tuple<T...>& row) {
        std::apply([this](const T&... values) { write_row(values...); }, row);
    }

    // Sends the rest; returns the rows the server stored. A constraint
    // violation or a bad value surfaces here (or in a write_row that sent a
    // chunk) as a hyperschema::sql_error with the server's SQLSTATE, and the
    // transaction is aborted.
    std::uint64_t complete() {
        if (!open_) throw usage_error("copy_writer is closed", "", statement_);
        if (buffered_rows_ > 0) send_chunk();
        open_ = false;
        return stored_;
    }

    // Rows written so far (buffered or sent).
    std::uint64_t rows() const { return rows_; }

private:
    void look_up_column_types() {
        static constexpr std::string_view sql =
            "SELECT coalesce(a.atttypid, 0)::int8, coalesce(t.typelem, 0)::int8 "
            "FROM unnest($2::text[]) WITH ORDINALITY AS c(name, ord) "
            "LEFT JOIN pg_catalog.pg_attribute a "
            "ON a.attrelid = $1::regclass AND a.attname = c.name AND a.attnum > 0 AND NOT a.attisdropped "
            "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
            "ORDER BY c.ord";
        // A missing table fails here (42P01).
        result r = exec(tx_, sql, target_, columns_);
        for (int i = 0; i < r.size(); ++i) {
            column_types_.push_back(static_cast<oid>(r.get<std::int64_t>(i, 0)));
            element_types_.push_back(static_cast<oid>(r.get<std::int64_t>(i, 1)));
        }
        // A missing column: the server says so (42703), as the COPY would.
        if (std::find(column_types_.begin(), column_types_.end(), oid{0}) != column_types_.end()) {
            std::string probe = "SELECT ";
            for (std::size_t i = 0; i < columns_.size(); ++i)
                probe += (i ? ", " : "") + detail::pq::quote_identifier(columns_[i]);
            exec(tx_, probe + " FROM " + target_ + " LIMIT 0");
        }
    }

    // Built-in column types are checked against the value's codec; others
    // (enums, domains, extension types) only the server can check.
    template <class T>
    void check_type(std::size_t i) const {
        using codec = pg_codec<T>;
        static_assert(has_pg_codec<T>, "no pg_codec for this COPY value type");
        const oid column = column_types_[i];
        if (column == 0 || column >= oids::first_user_defined || codec::accepts(column)) return;
        throw usage_error("column \"" + columns_[i] + "\" has type OID " + std::to_string(column) + "; a " +
                              std::string(codec::type_name) + " value cannot be written to it",
                          "", statement_);
    }

    // The binary COPY header: signature, flags (no OIDs), header extension length.
    void start_chunk() {
        buffer_.clear();
        buffer_.append("PGCOPY\n\377\r\n\0", 11);
        detail::wire::put_i32(buffer_, 0);
        detail::wire::put_i32(buffer_, 0);
        buffered_rows_ = 0;
    }

    // One COPY statement with the buffered rows; the connection is idle after it.
    void send_chunk() {
        detail::wire::put_i16(buffer_, -1);  // the trailer
        PGconn* conn = detail::pq::idle_connection_of(tx_);
        PGresult* raw = PQexec(conn, statement_.c_str());
        if (!raw || PQresultStatus(raw) != PGRES_COPY_IN) {
            open_ = false;
            detail::pq::checked(tx_, conn, raw, statement_, PGRES_COPY_IN);
        }
        PQclear(raw);
        const char* p = buffer_.data();
        std::size_t left = buffer_.size();
        while (left > 0) {
            const int chunk = static_cast<int>(std::min<std::size_t>(left, std::size_t{1} << 30));
            if (PQputCopyData(conn, p, chunk) != 1) fail();
            p += chunk;
            left -= static_cast<std::size_t>(chunk);
        }
        if (PQputCopyEnd(conn, nullptr) != 1) fail();
        detail::pq::result_ptr r(PQgetResult(conn));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(std::move(r));
        std::uint64_t stored = 0;
        const char* tag = PQcmdTuples(r.get());
        std::from_chars(tag, tag + std::char_traits<char>::length(tag), stored);
        stored_ += stored;
        detail::pq::drain(conn);
        start_chunk();
    }

    // The server refused (or the connection broke): read its error, leave the
    // connection idle, abort the transaction, throw.
    [[noreturn]] void fail(detail::pq::result_ptr got = {}) {
        open_ = false;
        detail::pq::result_ptr more = detail::pq::drain(conn_);  // ends a COPY IN still open
        if (!got || PQresultStatus(got.get()) != PGRES_FATAL_ERROR) got = std::move(more);
        auto failure = detail::pq::server_error_ptr(conn_, got.get(), statement_);
        detail::pq::abandon(tx_, conn_);
        std::rethrow_exception(failure);
    }

    pqxx::dbtransaction& tx_;
    PGconn* conn_;
    std::vector<std::string> columns_;
    std::vector<oid> column_types_;
    std::vector<oid> element_types_;
    std::string target_;
    std::string statement_;
    byte_buffer buffer_;
    bool open_ = false;
    std::uint64_t rows_ = 0;           // written
    std::uint64_t buffered_rows_ = 0;  // in buffer_, not sent yet
    std::uint64_t stored_ = 0;         // as the server counted them
};

}  // namespace hyperschema
