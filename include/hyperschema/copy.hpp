#pragma once

// Bulk loading with binary COPY, inside a libpqxx transaction:
//
//   pqxx::work tx(conn);
//   hyperschema::copy_writer copy(tx, "public", "metrics", {"time", "device_id", "value"});
//   for (const auto& m : batch) copy.write_row(m.time, m.device_id, m.value);
//   copy.complete();
//   tx.commit();
//
// Rows are buffered and sent in chunks of about 256 KiB. Nothing is final
// until complete(); a writer destroyed before complete() (an exception on the
// way) aborts the COPY, and with it the transaction, so no partial load can be
// committed. While the writer is open the transaction is busy: libpqxx
// refuses other statements on it (the writer is its "focus").

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

class copy_writer : private pqxx::internal::transactionfocus {
public:
    static constexpr std::size_t flush_bytes = 256 * 1024;

    // schema may be empty (the search_path decides); names are unquoted, as
    // in the catalog. Looks up the columns' types first (one catalog query),
    // for the element type of arrays (a varchar[] or enum[] column wants
    // varchar or enum elements) and to refuse a value of the wrong type
    // before the server misreads its bytes.
    copy_writer(pqxx::dbtransaction& tx, std::string_view schema, std::string_view table,
                std::vector<std::string> columns)
        : pqxx::internal::namedclass("copy_writer", std::string(table)),
          transactionfocus(tx),
          tx_(tx),
          conn_(detail::pq::idle_connection_of(tx)),
          columns_(std::move(columns)) {
        if (columns_.empty()) throw error("copy_writer needs at least one column");
        std::string target = schema.empty() ? "" : detail::pq::quote_identifier(schema) + ".";
        target += detail::pq::quote_identifier(table);
        look_up_column_types(target);

        statement_ = "COPY " + target + " (";
        for (std::size_t i = 0; i < columns_.size(); ++i)
            statement_ += (i ? ", " : "") + detail::pq::quote_identifier(columns_[i]);
        statement_ += ") FROM STDIN (FORMAT binary)";

        try {
            register_me();
        } catch (const std::exception& e) {
            throw error(std::string("cannot start COPY: ") + e.what());
        }
        PGresult* raw = PQexec(conn_, statement_.c_str());
        if (!raw || PQresultStatus(raw) != PGRES_COPY_IN) {
            unregister_me();
            detail::pq::checked(tx_, conn_, raw, statement_, PGRES_COPY_IN);
        }
        PQclear(raw);
        open_ = true;
        buffer_.reserve(flush_bytes + flush_bytes / 4);
        // Signature, flags (no OIDs), header extension length.
        buffer_.append("PGCOPY\n\377\r\n\0", 11);
        detail::wire::put_i32(buffer_, 0);
        detail::wire::put_i32(buffer_, 0);
    }

    copy_writer(const copy_writer&) = delete;
    copy_writer& operator=(const copy_writer&) = delete;

    ~copy_writer() {
        if (open_) abort_copy("copy_writer destroyed before complete()");
    }

    // One row, a value per column in the constructor's order. A value that
    // cannot be encoded (a wrong type, a date outside PostgreSQL's range) throws
    // before any of the row is buffered: the writer stays usable.
    template <class... T>
    void write_row(const T&... values) {
        if (!open_) throw error("copy_writer is closed", "", statement_);
        if (sizeof...(T) != columns_.size()) {
            throw error("COPY row has " + std::to_string(sizeof...(T)) + " values for " +
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
        if (buffer_.size() >= flush_bytes) flush();
    }

    // A row as a tuple (std::tie(row.a, row.b) works too).
    template <class... T>
    void write_tuple(const std::tuple<T...>& row) {
        std::apply([this](const T&... values) { write_row(values...); }, row);
    }

    // Sends the rest and ends the COPY; returns the rows the server stored.
    // A constraint violation or a bad value surfaces here (or in a write_row
    // that flushed) as hyperschema::error with the server's SQLSTATE, and the
    // transaction is aborted.
    std::uint64_t complete() {
        if (!open_) throw error("copy_writer is closed", "", statement_);
        detail::wire::put_i16(buffer_, -1);
        flush();
        if (PQputCopyEnd(conn_, nullptr) != 1) fail();
        detail::pq::result_ptr r(PQgetResult(conn_));
        if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) fail(std::move(r));
        std::uint64_t stored = 0;
        const char* tag = PQcmdTuples(r.get());
        std::from_chars(tag, tag + std::char_traits<char>::length(tag), stored);
        detail::pq::drain(conn_);
        open_ = false;
        unregister_me();
        return stored;
    }

    // Rows written so far (buffered or sent).
    std::uint64_t rows() const { return rows_; }

private:
    void look_up_column_types(const std::string& target) {
        static constexpr std::string_view sql =
            "SELECT coalesce(a.atttypid, 0)::int8, coalesce(t.typelem, 0)::int8 "
            "FROM unnest($2::text[]) WITH ORDINALITY AS c(name, ord) "
            "LEFT JOIN pg_catalog.pg_attribute a "
            "ON a.attrelid = $1::regclass AND a.attname = c.name AND a.attnum > 0 AND NOT a.attisdropped "
            "LEFT JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
            "ORDER BY c.ord";
        // A missing table fails here (42P01); a missing column is left for
        // the COPY to report (42703).
        result r = exec(tx_, sql, target, columns_);
        for (int i = 0; i < r.size(); ++i) {
            column_types_.push_back(static_cast<oid>(r.get<std::int64_t>(i, 0)));
            element_types_.push_back(static_cast<oid>(r.get<std::int64_t>(i, 1)));
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
        throw error("column \"" + columns_[i] + "\" has type OID " + std::to_string(column) + "; a " +
                        std::string(codec::type_name) + " value cannot be written to it",
                    "", statement_);
    }

    void flush() {
        const char* p = buffer_.data();
        std::size_t left = buffer_.size();
        while (left > 0) {
            const int chunk = static_cast<int>(std::min<std::size_t>(left, std::size_t{1} << 30));
            if (PQputCopyData(conn_, p, chunk) != 1) fail();
            p += chunk;
            left -= static_cast<std::size_t>(chunk);
        }
        buffer_.clear();
    }

    // The server refused (or the connection broke): read its error, leave the
    // connection idle, abort the transaction, throw.
    [[noreturn]] void fail(detail::pq::result_ptr got = {}) {
        open_ = false;
        detail::pq::result_ptr more = detail::pq::drain(conn_);  // ends a COPY IN still open
        if (!got || PQresultStatus(got.get()) != PGRES_FATAL_ERROR) got = std::move(more);
        error e = detail::pq::server_error(conn_, got.get(), statement_);
        unregister_me();
        detail::pq::abandon(tx_, conn_);
        throw e;
    }

    void abort_copy(const char* reason) noexcept {
        open_ = false;
        PQputCopyEnd(conn_, reason);  // the server answers with an error: the transaction is aborted
        detail::pq::drain(conn_);
        unregister_me();
        detail::pq::abandon(tx_, conn_);
    }

    pqxx::dbtransaction& tx_;
    PGconn* conn_;
    std::vector<std::string> columns_;
    std::vector<oid> column_types_;
    std::vector<oid> element_types_;
    std::string statement_;
    byte_buffer buffer_;
    bool open_ = false;
    std::uint64_t rows_ = 0;
};

}  // namespace hyperschema
