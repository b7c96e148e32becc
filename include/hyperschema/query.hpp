#pragma once

// Queries with binary parameters and binary results, inside a libpqxx
// transaction:
//
//   pqxx::work tx(conn);
//   auto r = hyperschema::exec_prepared(tx, "SELECT id, name FROM devices WHERE site = $1", site);
//   for (int i = 0; i < r.size(); ++i) auto [id, name] = r.row<std::int64_t, std::string>(i);
//
// Parameters and columns are typed by pg_codec (codec.hpp). A server error
// throws hyperschema::error with the SQLSTATE and the statement, and aborts
// the libpqxx transaction (the server has aborted it already).

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "hyperschema/codec.hpp"
#include "hyperschema/detail/libpq.hpp"
#include "hyperschema/error.hpp"

namespace hyperschema {

namespace detail {

// String literals and C strings are passed as text.
template <class T>
decltype(auto) as_param(const T& value) {
    static_assert(!std::is_same_v<T, std::nullptr_t>, "pass std::optional<T>{} for NULL: it says the type");
    if constexpr (std::is_convertible_v<const T&, const char*>) {
        return std::string_view(value);
    } else {
        return (value);
    }
}

// Parameters as PQexecParams wants them. Values are binary, typed by their
// codec; enums go as text with type 0 for the server to infer (codec.hpp).
class bound_params {
public:
    template <class... P>
    explicit bound_params(const P&... params) {
        static_assert(sizeof...(P) <= 65535, "PostgreSQL takes at most 65535 parameters");
        (add(as_param(params)), ...);
        for (std::size_t i = 0; i < offsets_.size(); ++i)
            values_.push_back(offsets_[i] < 0 ? nullptr : data_.data() + offsets_[i]);
    }

    // values() points into data_: never copied or moved.
    bound_params(const bound_params&) = delete;
    bound_params& operator=(const bound_params&) = delete;

    int count() const { return static_cast<int>(types_.size()); }
    const oid* types() const { return types_.empty() ? nullptr : types_.data(); }
    const char* const* values() const { return values_.empty() ? nullptr : values_.data(); }
    const int* lengths() const { return lengths_.empty() ? nullptr : lengths_.data(); }
    const int* formats() const { return formats_.empty() ? nullptr : formats_.data(); }

    // Distinguishes preparations of one SQL text with different parameter types.
    std::string signature() const {
        std::string s;
        for (oid t : types_) {
            s += ',';
            s += std::to_string(t);
        }
        return s;
    }

private:
    template <class T>
    void add(const T& value) {
        using codec = pg_codec<T>;
        static_assert(has_pg_codec<T>, "no pg_codec for this parameter type");
        types_.push_back(codec::type_oid);
        const std::size_t at = data_.size();
        if (codec::is_null(value)) {
            offsets_.push_back(-1);
            lengths_.push_back(0);
            formats_.push_back(1);
            return;
        }
        if constexpr (codec::type_oid == 0) {
            codec::encode_text(value, data_);
            lengths_.push_back(static_cast<int>(data_.size() - at));
            data_ += '\0';  // text parameters are read up to a NUL
            formats_.push_back(0);
        } else {
            if constexpr (codec::is_array) {
                codec::encode(value, data_, oid{0});
            } else {
                codec::encode(value, data_);
            }
            if (data_.size() - at > static_cast<std::size_t>(INT32_MAX))
                throw error("parameter is larger than PostgreSQL's 1 GB limit");
            lengths_.push_back(static_cast<int>(data_.size() - at));
            formats_.push_back(1);
        }
        offsets_.push_back(static_cast<std::ptrdiff_t>(at));
    }

    std::vector<oid> types_;
    std::vector<std::ptrdiff_t> offsets_;
    std::vector<const char*> values_;
    std::vector<int> lengths_;
    std::vector<int> formats_;
    byte_buffer data_;
};

inline std::string_view column_name_of(const PGresult* r, int col) {
    const char* name = PQfname(r, col);
    return name ? name : "?";
}

// Throws unless column col of r can be read as T.
template <class T>
void check_column(const PGresult* r, int col) {
    using codec = pg_codec<T>;
    const oid type = PQftype(r, col);
    if (!codec::accepts(type)) {
        throw usage_error("column \"" + std::string(column_name_of(r, col)) + "\" has type OID " +
                          std::to_string(type) + ", which cannot be read as " + std::string(codec::type_name));
    }
    if (PQfformat(r, col) != 1) throw error("result column is not in binary format");
}

template <class... T, std::size_t... I>
void check_columns(const PGresult* r, std::index_sequence<I...>) {
    if (PQnfields(r) != static_cast<int>(sizeof...(T))) {
        throw usage_error("the result has " + std::to_string(PQnfields(r)) + " columns, the row type " +
                          std::to_string(sizeof...(T)));
    }
    (check_column<T>(r, static_cast<int>(I)), ...);
}

// One binary field of a result whose column was checked against T.
template <class T>
T read_field(const PGresult* r, int row, int col) {
    using codec = pg_codec<T>;
    // A NULL has length 0: only then does it take a third call to tell it
    // from an empty value.
    const int length = PQgetlength(r, row, col);
    if (length == 0 && PQgetisnull(r, row, col)) {
        if constexpr (codec::nullable) {
            return codec::decode_null();
        } else {
            throw error("column \"" + std::string(column_name_of(r, col)) + "\" is NULL in row " +
                        std::to_string(row + 1) + ", which " + std::string(codec::type_name) +
                        " cannot hold (use std::optional)");
        }
    }
    return codec::decode(PQgetvalue(r, row, col), length);
}

template <class T>
T result_field(const PGresult* r, int row, int col) {
    check_column<T>(r, col);
    return read_field<T>(r, row, col);
}

template <class... T, std::size_t... I>
std::tuple<T...> read_row(const PGresult* r, int row, std::index_sequence<I...>) {
    return std::tuple<T...>{read_field<T>(r, row, static_cast<int>(I))...};  // braces: left to right
}

template <class... T>
std::tuple<T...> result_row(const PGresult* r, int row) {
    check_columns<T...>(r, std::index_sequence_for<T...>{});
    return read_row<T...>(r, row, std::index_sequence_for<T...>{});
}

// The column types of a result, read once when the result is: checking a
// field's column against T is then a comparison, where check_column takes two
// calls into libpq (per field, for readers that read a field at a time).
class column_types {
public:
    void read(const PGresult* r) {
        const int n = r ? PQnfields(r) : 0;
        types_.resize(static_cast<std::size_t>(n));
        binary_ = true;
        for (int c = 0; c < n; ++c) {
            types_[static_cast<std::size_t>(c)] = PQftype(r, c);
            binary_ = binary_ && PQfformat(r, c) == 1;
        }
    }
    int size() const { return static_cast<int>(types_.size()); }
    // Throws unless column col (in range) of r can be read as T.
    template <class T>
    void check(const PGresult* r, int col) const {
        if (!binary_ || !pg_codec<T>::accepts(types_[static_cast<std::size_t>(col)])) check_column<T>(r, col);
    }

private:
    std::vector<oid> types_;
    bool binary_ = true;
};

// A distinct address per list of row types: lets a reader check a batch's
// column types once for all its rows.
template <class... T>
inline constexpr char row_type_tag = 0;

template <class T>
using param_type = std::remove_cvref_t<decltype(as_param(std::declval<const T&>()))>;

}  // namespace detail

// A complete binary result (rows materialised by libpq). Use row_stream for
// results too large to hold.
class result {
public:
    explicit result(detail::pq::result_ptr r) : r_(std::move(r)), rows_(PQntuples(r_.get())) { types_.read(r_.get()); }

    int size() const { return rows_; }
    bool empty() const { return size() == 0; }
    int columns() const { return types_.size(); }
    std::string column_name(int col) const { return std::string(detail::column_name_of(r_.get(), col)); }
    oid column_type(int col) const { return PQftype(r_.get(), col); }
    // Rows inserted, updated, deleted, copied or fetched, as the command tag says.
    std::uint64_t affected_rows() const {
        const char* tag = PQcmdTuples(r_.get());
        std::uint64_t n = 0;
        if (tag) std::from_chars(tag, tag + std::char_traits<char>::length(tag), n);
        return n;
    }

    template <class T>
    T get(int row, int col) const {
        check_row(row);
        if (col < 0 || col >= columns())
            throw usage_error("column " + std::to_string(col) + " is outside the result (" + std::to_string(columns()) +
                              " columns)");
        types_.check<T>(r_.get(), col);
        return detail::read_field<T>(r_.get(), row, col);
    }
    // The whole row; the result must have exactly sizeof...(T) columns.
    template <class... T>
    std::tuple<T...> row(int row) const {
        check_row(row);
        return detail::result_row<T...>(r_.get(), row);
    }
    // Every row.
    template <class... T>
    std::vector<std::tuple<T...>> rows() const {
        detail::check_columns<T...>(r_.get(), std::index_sequence_for<T...>{});
        std::vector<std::tuple<T...>> out;
        out.reserve(static_cast<std::size_t>(size()));
        for (int i = 0; i < size(); ++i)
            out.push_back(detail::read_row<T...>(r_.get(), i, std::index_sequence_for<T...>{}));
        return out;
    }

    const PGresult* raw() const { return r_.get(); }

private:
    void check_row(int row) const {
        if (row < 0 || row >= size())
            throw usage_error("row " + std::to_string(row) + " is outside the result (" + std::to_string(size()) +
                              " rows)");
    }
    detail::pq::result_ptr r_;
    int rows_;
    detail::column_types types_;
};

// Runs one statement as an unnamed statement (parsed on every call), binary
// parameters and results. For statements run more than once, exec_prepared.
template <class... P>
result exec(pqxx::dbtransaction& tx, std::string_view sql, const P&... params) {
    PGconn* conn = detail::pq::idle_connection_of(tx);
    detail::bound_params bound(params...);
    const std::string text(sql);
    PGresult* raw = PQexecParams(conn, text.c_str(), bound.count(), bound.types(), bound.values(), bound.lengths(),
                                 bound.formats(), 1);
    if (raw && PQresultStatus(raw) == PGRES_COMMAND_OK) return result(detail::pq::result_ptr(raw));
    return result(detail::pq::checked(tx, conn, raw, sql, PGRES_TUPLES_OK));
}

// Runs a statement prepared once per connection: the first call on a
// connection prepares it (with the parameter types of this call), later calls
// only bind and execute. The names live with the connection (detail::pq::session).
// Do not DEALLOCATE ALL or DISCARD ALL on a connection the runtime uses, and
// use session pooling with a connection pooler (server-side prepared
// statements do not survive transaction pooling).
template <class... P>
result exec_prepared(pqxx::dbtransaction& tx, std::string_view sql, const P&... params) {
    PGconn* conn = detail::pq::idle_connection_of(tx);
    detail::bound_params bound(params...);
    detail::pq::session& session = detail::pq::session_of(conn);
    std::string key(sql);
    key += '\0';
    key += bound.signature();
    auto found = session.statements.find(key);
    if (found == session.statements.end()) {
        std::string name = session.next_statement_name();
        const std::string text(sql);
        detail::pq::checked(tx, conn, PQprepare(conn, name.c_str(), text.c_str(), bound.count(), bound.types()), sql,
                            PGRES_COMMAND_OK);
        ++session.prepares;
        found = session.statements.emplace(std::move(key), std::move(name)).first;
    }
    PGresult* raw =
        PQexecPrepared(conn, found->second.c_str(), bound.count(), bound.values(), bound.lengths(), bound.formats(), 1);
    if (raw && PQresultStatus(raw) == PGRES_COMMAND_OK) return result(detail::pq::result_ptr(raw));
    return result(detail::pq::checked(tx, conn, raw, sql, PGRES_TUPLES_OK));
}

// How many statements the runtime has prepared on this transaction's
// connection since it was opened (or last reset).
inline std::uint64_t prepared_statement_count(const pqxx::dbtransaction& tx) {
    return detail::pq::session_of(detail::pq::connection_of(tx)).prepares;
}

}  // namespace hyperschema
