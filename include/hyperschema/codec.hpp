#pragma once

// pg_codec<T>: how a value of T travels in PostgreSQL's binary format, the
// format of binary COPY, binary query parameters and binary query results.
// Everything the runtime sends and reads is binary; text is used only for
// enum parameters (see below), so no text codec exists.
//
// Every specialisation provides:
//   static constexpr oid type_oid;    PostgreSQL type; 0 = known only at run time (enums)
//   static constexpr oid array_oid;   the type of T[]; 0 = run time, or no array of it
//   static constexpr std::string_view type_name;   for messages
//   static constexpr bool nullable;   std::optional: NULL is a value
//   static constexpr bool is_array;   std::vector: encode takes the element OID
//   static bool is_null(const T&);
//   static void encode(const T&, byte_buffer&);           appends the value's bytes (no length word)
//   static T decode(const char* data, int length);        one non-NULL binary value
//   static T decode_null();                               what NULL becomes, or throws
//   static bool accepts(oid);                             may a value of that type be decoded as T?
//
// Enums: the binary format of an enum is its label, but binary arrays and
// typed parameters need the enum's OID, which each database assigns. Binary
// COPY learns it from the table's columns (copy.hpp); query parameters of
// enum (or enum array) type are sent in text format with type 0, so the
// server infers the type from the statement (`WHERE status = ANY($1)`).
// Where the statement gives no type (`SELECT $1`), cast: `$1::my_enum`.

#include <bit>
#include <chrono>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hyperschema/detail/numeric.hpp"
#include "hyperschema/detail/wire.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/extension_types.hpp"
#include "hyperschema/types.hpp"

namespace hyperschema {

// The built-in type OIDs (pg_type.dat); they never change.
namespace oids {
inline constexpr oid boolean = 16, bytea = 17, name = 19, int8 = 20, int2 = 21, int4 = 23, text = 25, json = 114,
                     float4 = 700, float8 = 701, unknown = 705, bpchar = 1042, varchar = 1043, date = 1082,
                     timestamp = 1114, timestamptz = 1184, interval = 1186, numeric = 1700, uuid = 2950, jsonb = 3802,
                     time = 1083, timetz = 1266, inet = 869, cidr = 650, macaddr = 829, macaddr8 = 774;
inline constexpr oid boolean_array = 1000, bytea_array = 1001, name_array = 1003, int2_array = 1005, int4_array = 1007,
                     text_array = 1009, bpchar_array = 1014, varchar_array = 1015, int8_array = 1016,
                     float4_array = 1021, float8_array = 1022, json_array = 199, timestamp_array = 1115,
                     date_array = 1182, timestamptz_array = 1185, interval_array = 1187, numeric_array = 1231,
                     uuid_array = 2951, jsonb_array = 3807, time_array = 1183, timetz_array = 1270, inet_array = 1041,
                     cidr_array = 651, macaddr_array = 1040, macaddr8_array = 775;
// Types created in a database (enums, domains, extension types such as
// citext) get OIDs from here on (FirstNormalObjectId).
inline constexpr oid first_user_defined = 16384;
}  // namespace oids

template <class T>
struct pg_codec;

template <class T>
concept has_pg_codec = requires {
    pg_codec<T>::type_oid;
};

namespace detail {

// The element type of a built-in array type, or 0.
constexpr oid builtin_array_element(oid array) {
    switch (array) {
        case oids::boolean_array:
            return oids::boolean;
        case oids::bytea_array:
            return oids::bytea;
        case oids::name_array:
            return oids::name;
        case oids::int2_array:
            return oids::int2;
        case oids::int4_array:
            return oids::int4;
        case oids::int8_array:
            return oids::int8;
        case oids::text_array:
            return oids::text;
        case oids::bpchar_array:
            return oids::bpchar;
        case oids::varchar_array:
            return oids::varchar;
        case oids::float4_array:
            return oids::float4;
        case oids::float8_array:
            return oids::float8;
        case oids::json_array:
            return oids::json;
        case oids::jsonb_array:
            return oids::jsonb;
        case oids::timestamp_array:
            return oids::timestamp;
        case oids::timestamptz_array:
            return oids::timestamptz;
        case oids::date_array:
            return oids::date;
        case oids::interval_array:
            return oids::interval;
        case oids::numeric_array:
            return oids::numeric;
        case oids::uuid_array:
            return oids::uuid;
        case oids::time_array:
            return oids::time;
        case oids::timetz_array:
            return oids::timetz;
        case oids::inet_array:
            return oids::inet;
        case oids::cidr_array:
            return oids::cidr;
        case oids::macaddr_array:
            return oids::macaddr;
        case oids::macaddr8_array:
            return oids::macaddr8;
        default:
            return 0;
    }
}

// Defaults for a scalar codec. A column of a user-defined type (a domain, an
// extension type) cannot be checked against T here, so it is accepted and
// decoded as T says.
template <class T, oid Type, oid Array>
struct scalar_codec {
    static constexpr oid type_oid = Type;
    static constexpr oid array_oid = Array;
    static constexpr bool nullable = false;
    static constexpr bool is_array = false;
    static bool is_null(const T&) { return false; }
    static T decode_null() {
        throw error("NULL where a non-nullable value was expected (use std::optional for nullable columns)");
    }
    static bool accepts(oid o) { return o == Type || o >= oids::first_user_defined; }
};

inline constexpr std::int64_t kPgEpochMicros = 946684800000000;  // 2000-01-01 - 1970-01-01
inline constexpr std::int64_t kPgEpochDays = 10957;

// PostgreSQL's int64 microseconds since 2000, with INT64_MAX / INT64_MIN for
// +-infinity, from and to chrono's count since 1970 with max() / min().
inline std::int64_t to_pg_micros(std::int64_t unix_micros) {
    if (unix_micros == INT64_MAX) return INT64_MAX;
    if (unix_micros == INT64_MIN) return INT64_MIN;
    if (unix_micros <= INT64_MIN + kPgEpochMicros) throw error("timestamp is before PostgreSQL's range");
    return unix_micros - kPgEpochMicros;
}

inline std::int64_t from_pg_micros(std::int64_t pg_micros) {
    if (pg_micros == INT64_MAX || pg_micros == INT64_MIN) return pg_micros;
    if (pg_micros >= INT64_MAX - kPgEpochMicros)
        throw error("timestamp from the server is after what std::chrono microseconds since 1970 can hold");
    return pg_micros + kPgEpochMicros;
}

template <class T>
void append_field(byte_buffer& out, const T& value, oid element_oid = 0);

}  // namespace detail

template <>
struct pg_codec<bool> : detail::scalar_codec<bool, oids::boolean, oids::boolean_array> {
    static constexpr std::string_view type_name = "boolean";
    static void encode(bool v, byte_buffer& out) { out += v ? '\1' : '\0'; }
    static bool decode(const char* data, int length) {
        detail::wire::expect_length(length, 1, "boolean");
        return data[0] != 0;
    }
};

template <>
struct pg_codec<std::int16_t> : detail::scalar_codec<std::int16_t, oids::int2, oids::int2_array> {
    static constexpr std::string_view type_name = "smallint";
    static void encode(std::int16_t v, byte_buffer& out) { detail::wire::put_i16(out, v); }
    static std::int16_t decode(const char* data, int length) {
        detail::wire::expect_length(length, 2, "smallint");
        return detail::wire::get_i16(data);
    }
};

template <>
struct pg_codec<std::int32_t> : detail::scalar_codec<std::int32_t, oids::int4, oids::int4_array> {
    static constexpr std::string_view type_name = "integer";
    static void encode(std::int32_t v, byte_buffer& out) { detail::wire::put_i32(out, v); }
    static std::int32_t decode(const char* data, int length) {
        detail::wire::expect_length(length, 4, "integer");
        return detail::wire::get_i32(data);
    }
};

template <>
struct pg_codec<std::int64_t> : detail::scalar_codec<std::int64_t, oids::int8, oids::int8_array> {
    static constexpr std::string_view type_name = "bigint";
    static void encode(std::int64_t v, byte_buffer& out) { detail::wire::put_i64(out, v); }
    static std::int64_t decode(const char* data, int length) {
        detail::wire::expect_length(length, 8, "bigint");
        return detail::wire::get_i64(data);
    }
};

template <>
struct pg_codec<float> : detail::scalar_codec<float, oids::float4, oids::float4_array> {
    static constexpr std::string_view type_name = "real";
    static void encode(float v, byte_buffer& out) { detail::wire::put_u32(out, std::bit_cast<std::uint32_t>(v)); }
    static float decode(const char* data, int length) {
        detail::wire::expect_length(length, 4, "real");
        return std::bit_cast<float>(detail::wire::get_u32(data));
    }
};

template <>
struct pg_codec<double> : detail::scalar_codec<double, oids::float8, oids::float8_array> {
    static constexpr std::string_view type_name = "double precision";
    static void encode(double v, byte_buffer& out) { detail::wire::put_u64(out, std::bit_cast<std::uint64_t>(v)); }
    static double decode(const char* data, int length) {
        detail::wire::expect_length(length, 8, "double precision");
        return std::bit_cast<double>(detail::wire::get_u64(data));
    }
};

// text, varchar, char(n) and name share the binary format (the bytes, in the
// connection's client_encoding); a varchar column takes text values.
template <>
struct pg_codec<std::string> : detail::scalar_codec<std::string, oids::text, oids::text_array> {
    static constexpr std::string_view type_name = "text";
    static void encode(const std::string& v, byte_buffer& out) { out += v; }
    static std::string decode(const char* data, int length) {
        return std::string(data, static_cast<std::size_t>(length));
    }
    static bool accepts(oid o) {
        return o == oids::text || o == oids::varchar || o == oids::bpchar || o == oids::name || o == oids::unknown ||
               o >= oids::first_user_defined;
    }
};

// For parameters only: nothing can be decoded into a view.
template <>
struct pg_codec<std::string_view> : detail::scalar_codec<std::string_view, oids::text, oids::text_array> {
    static constexpr std::string_view type_name = "text";
    static void encode(std::string_view v, byte_buffer& out) { out += v; }
    static bool accepts(oid o) { return pg_codec<std::string>::accepts(o); }
};

template <>
struct pg_codec<bytea> : detail::scalar_codec<bytea, oids::bytea, oids::bytea_array> {
    static constexpr std::string_view type_name = "bytea";
    static void encode(const bytea& v, byte_buffer& out) {
        out.append(reinterpret_cast<const char*>(v.data()), v.size());
    }
    static bytea decode(const char* data, int length) {
        const auto* p = reinterpret_cast<const std::byte*>(data);
        return bytea(p, p + length);
    }
};

template <>
struct pg_codec<numeric> : detail::scalar_codec<numeric, oids::numeric, oids::numeric_array> {
    static constexpr std::string_view type_name = "numeric";
    static void encode(const numeric& v, byte_buffer& out) { detail::numeric_format::encode(v.to_string(), out); }
    static numeric decode(const char* data, int length) {
        // The server's text is canonical already; parse() only re-checks it.
        auto n = numeric::parse(detail::numeric_format::decode(data, length));
        if (!n) throw error("numeric value from the server is out of range");
        return *n;
    }
};

template <>
struct pg_codec<timestamptz> : detail::scalar_codec<timestamptz, oids::timestamptz, oids::timestamptz_array> {
    static constexpr std::string_view type_name = "timestamptz";
    static void encode(timestamptz v, byte_buffer& out) {
        detail::wire::put_i64(out, detail::to_pg_micros(v.time_since_epoch().count()));
    }
    static timestamptz decode(const char* data, int length) {
        detail::wire::expect_length(length, 8, "timestamptz");
        return timestamptz(std::chrono::microseconds(detail::from_pg_micros(detail::wire::get_i64(data))));
    }
};

template <>
struct pg_codec<timestamp> : detail::scalar_codec<timestamp, oids::timestamp, oids::timestamp_array> {
    static constexpr std::string_view type_name = "timestamp";
    static void encode(timestamp v, byte_buffer& out) {
        detail::wire::put_i64(out, detail::to_pg_micros(v.time_since_epoch().count()));
    }
    static timestamp decode(const char* data, int length) {
        detail::wire::expect_length(length, 8, "timestamp");
        return timestamp(std::chrono::microseconds(detail::from_pg_micros(detail::wire::get_i64(data))));
    }
};

// int32 days since 2000-01-01; INT32_MAX / INT32_MIN are +-infinity.
template <>
struct pg_codec<date> : detail::scalar_codec<date, oids::date, oids::date_array> {
    static constexpr std::string_view type_name = "date";
    static void encode(date v, byte_buffer& out) {
        std::int32_t days;
        if (v == date::max()) {
            days = INT32_MAX;
        } else if (v == date::min()) {
            days = INT32_MIN;
        } else {
            auto count = v.time_since_epoch().count() - detail::kPgEpochDays;
            if (count <= INT32_MIN || count >= INT32_MAX) throw error("date is outside PostgreSQL's range");
            days = static_cast<std::int32_t>(count);
        }
        detail::wire::put_i32(out, days);
    }
    static date decode(const char* data, int length) {
        detail::wire::expect_length(length, 4, "date");
        std::int32_t days = detail::wire::get_i32(data);
        if (days == INT32_MAX) return date::max();
        if (days == INT32_MIN) return date::min();
        return date(std::chrono::days(std::int64_t{days} + detail::kPgEpochDays));
    }
};

template <>
struct pg_codec<interval> : detail::scalar_codec<interval, oids::interval, oids::interval_array> {
    static constexpr std::string_view type_name = "interval";
    static void encode(const interval& v, byte_buffer& out) {
        detail::wire::put_i64(out, v.microseconds);
        detail::wire::put_i32(out, v.days);
        detail::wire::put_i32(out, v.months);
    }
    static interval decode(const char* data, int length) {
        detail::wire::expect_length(length, 16, "interval");
        return interval{detail::wire::get_i64(data), detail::wire::get_i32(data + 8), detail::wire::get_i32(data + 12)};
    }
};

template <>
struct pg_codec<uuid> : detail::scalar_codec<uuid, oids::uuid, oids::uuid_array> {
    static constexpr std::string_view type_name = "uuid";
    static void encode(const uuid& v, byte_buffer& out) {
        out.append(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
    }
    static uuid decode(const char* data, int length) {
        detail::wire::expect_length(length, 16, "uuid");
        uuid u;
        std::memcpy(u.bytes.data(), data, 16);
        return u;
    }
};

// int64 microseconds since midnight.
template <>
struct pg_codec<time_of_day> : detail::scalar_codec<time_of_day, oids::time, oids::time_array> {
    static constexpr std::string_view type_name = "time";
    static void encode(const time_of_day& v, byte_buffer& out) {
        if (v.since_midnight.count() < 0 || v.since_midnight > std::chrono::hours(24))
            throw error("time of day outside 00:00:00 to 24:00:00");
        detail::wire::put_i64(out, v.since_midnight.count());
    }
    static time_of_day decode(const char* data, int length) {
        detail::wire::expect_length(length, 8, "time");
        return time_of_day{std::chrono::microseconds(detail::wire::get_i64(data))};
    }
};

// int64 microseconds since midnight, then the zone as int32 seconds *west*
// of UTC (PostgreSQL's TimeTzADT keeps it with that sign).
template <>
struct pg_codec<timetz> : detail::scalar_codec<timetz, oids::timetz, oids::timetz_array> {
    static constexpr std::string_view type_name = "timetz";
    static void encode(const timetz& v, byte_buffer& out) {
        if (v.since_midnight.count() < 0 || v.since_midnight > std::chrono::hours(24))
            throw error("time of day outside 00:00:00 to 24:00:00");
        // TZDISP_LIMIT: PostgreSQL refuses offsets beyond 15:59.
        if (v.utc_offset_seconds < -(15 * 3600 + 59 * 60) || v.utc_offset_seconds > 15 * 3600 + 59 * 60)
            throw error("time zone offset beyond 15:59");
        detail::wire::put_i64(out, v.since_midnight.count());
        detail::wire::put_i32(out, -v.utc_offset_seconds);
    }
    static timetz decode(const char* data, int length) {
        detail::wire::expect_length(length, 12, "timetz");
        return timetz{std::chrono::microseconds(detail::wire::get_i64(data)), -detail::wire::get_i32(data + 8)};
    }
};

namespace detail {

// inet and cidr: family (2 = IPv4, 3 = IPv6: PGSQL_AF_INET is AF_INET + 0,
// PGSQL_AF_INET6 AF_INET + 1), mask bits, an is-cidr flag, the address length
// and the address.
template <class T, bool Cidr>
struct ip_codec {
    static void encode(const T& v, byte_buffer& out) {
        if (v.prefix_length > v.max_prefix()) throw error("netmask longer than the address");
        if (Cidr && !v.host_bits_zero()) throw error("cidr value has bits set to the right of its mask");
        out += static_cast<char>(v.family == ip_family::v4 ? 2 : 3);
        out += static_cast<char>(v.prefix_length);
        out += static_cast<char>(Cidr ? 1 : 0);
        out += static_cast<char>(v.address_bytes());
        out.append(reinterpret_cast<const char*>(v.address.data()), static_cast<std::size_t>(v.address_bytes()));
    }
    static T decode(const char* data, int length) {
        if (length < 4) throw error("invalid binary inet/cidr value from the server");
        T v;
        v.family = data[0] == 2 ? ip_family::v4 : ip_family::v6;
        v.prefix_length = static_cast<std::uint8_t>(data[1]);
        const int bytes = static_cast<unsigned char>(data[3]);
        if (bytes != v.address_bytes() || length != 4 + bytes)
            throw error("invalid binary inet/cidr value from the server");
        std::memcpy(v.address.data(), data + 4, static_cast<std::size_t>(bytes));
        return v;
    }
};

}  // namespace detail

template <>
struct pg_codec<inet> : detail::scalar_codec<inet, oids::inet, oids::inet_array>, detail::ip_codec<inet, false> {
    static constexpr std::string_view type_name = "inet";
    // A cidr column reads as inet too (every network is an address).
    static bool accepts(oid o) { return o == oids::inet || o == oids::cidr || o >= oids::first_user_defined; }
};

template <>
struct pg_codec<cidr> : detail::scalar_codec<cidr, oids::cidr, oids::cidr_array>, detail::ip_codec<cidr, true> {
    static constexpr std::string_view type_name = "cidr";
};

template <>
struct pg_codec<macaddr> : detail::scalar_codec<macaddr, oids::macaddr, oids::macaddr_array> {
    static constexpr std::string_view type_name = "macaddr";
    static void encode(const macaddr& v, byte_buffer& out) {
        out.append(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
    }
    static macaddr decode(const char* data, int length) {
        detail::wire::expect_length(length, 6, "macaddr");
        macaddr m;
        std::memcpy(m.bytes.data(), data, 6);
        return m;
    }
};

template <>
struct pg_codec<macaddr8> : detail::scalar_codec<macaddr8, oids::macaddr8, oids::macaddr8_array> {
    static constexpr std::string_view type_name = "macaddr8";
    static void encode(const macaddr8& v, byte_buffer& out) {
        out.append(reinterpret_cast<const char*>(v.bytes.data()), v.bytes.size());
    }
    static macaddr8 decode(const char* data, int length) {
        detail::wire::expect_length(length, 8, "macaddr8");
        macaddr8 m;
        std::memcpy(m.bytes.data(), data, 8);
        return m;
    }
};

// json's binary format is its text.
template <>
struct pg_codec<json> : detail::scalar_codec<json, oids::json, oids::json_array> {
    static constexpr std::string_view type_name = "json";
    static void encode(const json& v, byte_buffer& out) { out += v.text; }
    static json decode(const char* data, int length) {
        return json{std::string(data, static_cast<std::size_t>(length))};
    }
};

// jsonb's binary format is a version byte (1, the only one so far) and the text.
template <>
struct pg_codec<jsonb> : detail::scalar_codec<jsonb, oids::jsonb, oids::jsonb_array> {
    static constexpr std::string_view type_name = "jsonb";
    static void encode(const jsonb& v, byte_buffer& out) {
        out += '\1';
        out += v.text;
    }
    static jsonb decode(const char* data, int length) {
        if (length < 1 || data[0] != 1) throw error("unsupported jsonb binary format version from the server");
        return jsonb{std::string(data + 1, static_cast<std::size_t>(length - 1))};
    }
};

// An enum is its label, in binary as in text. Its OID is per database, so
// any type may be decoded as an enum except the built-in non-text ones; an
// unknown label (one added to the type after this code was generated) throws.
template <pg_enum E>
struct pg_codec<E> : detail::scalar_codec<E, 0, 0> {
    static constexpr std::string_view type_name = enum_labels<E>::type_name;
    static void encode(E v, byte_buffer& out) { out += label_of(v); }
    static void encode_text(E v, byte_buffer& out) { out += label_of(v); }
    static E decode(const char* data, int length) {
        std::string_view label(data, static_cast<std::size_t>(length));
        if (auto e = enum_from_label<E>(label)) return *e;
        throw error("label '" + std::string(label) + "' is not a value of enum " + std::string(type_name) +
                    " known to this program (regenerate the code after adding enum values)");
    }
    static bool accepts(oid o) { return o == oids::text || o == oids::varchar || o >= oids::first_user_defined; }
};

// An extension's type has an OID of its own in each database: like an enum,
// written with the type left to the server (text parameters, binary COPY),
// read from any user-defined type.

// hstore_send's form: the pair count, then each key and value with its
// length (-1: a NULL value).
template <>
struct pg_codec<hstore> : detail::scalar_codec<hstore, 0, 0> {
    static constexpr std::string_view type_name = "hstore";
    static void encode(const hstore& v, byte_buffer& out) {
        detail::wire::put_i32(out, static_cast<std::int32_t>(v.size()));
        for (const auto& [key, value] : v) {
            detail::wire::put_i32(out, static_cast<std::int32_t>(key.size()));
            out += key;
            detail::wire::put_i32(out, value ? static_cast<std::int32_t>(value->size()) : -1);
            if (value) out += *value;
        }
    }
    // "key"=>"value", "other"=>NULL, with " and \ escaped.
    static void encode_text(const hstore& v, byte_buffer& out) {
        auto quoted = [&out](const std::string& s) {
            out += '"';
            for (char c : s) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
        };
        bool first = true;
        for (const auto& [key, value] : v) {
            if (!first) out += ", ";
            first = false;
            quoted(key);
            out += "=>";
            if (value)
                quoted(*value);
            else
                out += "NULL";
        }
    }
    static hstore decode(const char* data, int length) {
        auto take_i32 = [&](int& at) {
            if (at + 4 > length) throw error("truncated hstore from the server");
            const std::int32_t v = detail::wire::get_i32(data + at);
            at += 4;
            return v;
        };
        auto take_text = [&](int& at, std::int32_t n) {
            if (n < 0 || at + n > length) throw error("malformed hstore from the server");
            std::string s(data + at, static_cast<std::size_t>(n));
            at += n;
            return s;
        };
        hstore out;
        int at = 0;
        const std::int32_t pairs = take_i32(at);
        for (std::int32_t i = 0; i < pairs; ++i) {
            std::string key = take_text(at, take_i32(at));
            const std::int32_t n = take_i32(at);
            out[std::move(key)] = n < 0 ? std::nullopt : std::optional<std::string>(take_text(at, n));
        }
        return out;
    }
    static bool accepts(oid o) { return o >= oids::first_user_defined; }
};

// ltree_send's form: a version byte (1), then the path as text.
template <>
struct pg_codec<ltree> : detail::scalar_codec<ltree, 0, 0> {
    static constexpr std::string_view type_name = "ltree";
    static void encode(const ltree& v, byte_buffer& out) {
        out += '\1';
        out += v.path;
    }
    static void encode_text(const ltree& v, byte_buffer& out) { out += v.path; }
    static ltree decode(const char* data, int length) {
        if (length < 1 || data[0] != 1) throw error("unsupported ltree binary format version from the server");
        return ltree{std::string(data + 1, static_cast<std::size_t>(length - 1))};
    }
    static bool accepts(oid o) { return o >= oids::first_user_defined; }
};

// NULL is std::nullopt; everything else is T's.
template <class T>
struct pg_codec<std::optional<T>> {
    using inner = pg_codec<T>;
    static_assert(!inner::nullable, "std::optional<std::optional<T>> has no PostgreSQL meaning");
    static constexpr oid type_oid = inner::type_oid;
    static constexpr oid array_oid = inner::array_oid;
    static constexpr std::string_view type_name = inner::type_name;
    static constexpr bool nullable = true;
    static constexpr bool is_array = inner::is_array;
    static bool is_null(const std::optional<T>& v) { return !v.has_value(); }
    template <class... Element>
    static void encode(const std::optional<T>& v, byte_buffer& out, Element... element_oid) {
        inner::encode(*v, out, element_oid...);
    }
    static void encode_text(const std::optional<T>& v, byte_buffer& out) requires requires(const T& t, byte_buffer& b) {
        inner::encode_text(t, b);
    }
    { inner::encode_text(*v, out); }
    static std::optional<T> decode(const char* data, int length) { return inner::decode(data, length); }
    static std::optional<T> decode_null() { return std::nullopt; }
    static bool accepts(oid o) { return inner::accepts(o); }
};

// One-dimensional arrays: int32 ndim (0 when empty), int32 has-NULL flag,
// element OID, then per dimension int32 size and int32 lower bound, then
// each element as int32 length (-1 = NULL) and bytes. A lower bound other
// than 1 is accepted and dropped. NULL elements need std::vector<std::optional<T>>;
// into std::vector<T> they throw.
template <class T>
struct pg_codec<std::vector<T>> {
    using element = pg_codec<T>;
    static_assert(!element::is_array, "only one-dimensional arrays are supported");
    static constexpr oid type_oid = element::array_oid;
    static constexpr oid array_oid = 0;
    static constexpr std::string_view type_name = "array";
    static constexpr bool nullable = false;
    static constexpr bool is_array = true;
    static bool is_null(const std::vector<T>&) { return false; }
    static std::vector<T> decode_null() {
        throw error("NULL where a non-nullable array was expected (use std::optional for nullable columns)");
    }

    // element_oid: the element type the server expects (the column's, for
    // COPY: a varchar[] column wants varchar elements); 0 = T's own type.
    static void encode(const std::vector<T>& v, byte_buffer& out, oid element_oid = 0) {
        using namespace detail::wire;
        if (element_oid == 0) element_oid = element::type_oid;
        if (element_oid == 0) {
            throw usage_error("the element OID of an array of enum " + std::string(element::type_name) +
                              " is only known at run time; pass it (copy_writer does, from the column)");
        }
        if (v.size() > static_cast<std::size_t>(INT32_MAX)) throw error("array has too many elements");
        bool has_null = false;
        for (const auto& e : v) has_null = has_null || element::is_null(e);
        put_i32(out, v.empty() ? 0 : 1);
        put_i32(out, has_null ? 1 : 0);
        put_u32(out, element_oid);
        if (v.empty()) return;
        put_i32(out, static_cast<std::int32_t>(v.size()));
        put_i32(out, 1);
        for (const auto& e : v) detail::append_field(out, e);
    }

    // An array literal, for enum arrays sent as text parameters:
    // {"label one","label \"two\"",NULL}.
    static void encode_text(const std::vector<T>& v, byte_buffer& out) requires requires(const T& t, byte_buffer& b) {
        element::encode_text(t, b);
    }
    {
        out += '{';
        byte_buffer item;
        for (std::size_t i = 0; i < v.size(); ++i) {
            if (i > 0) out += ',';
            if (element::is_null(v[i])) {
                out += "NULL";
                continue;
            }
            item.clear();
            element::encode_text(v[i], item);
            out += '"';
            for (char c : item) {
                if (c == '"' || c == '\\') out += '\\';
                out += c;
            }
            out += '"';
        }
        out += '}';
    }

    static std::vector<T> decode(const char* data, int length) {
        detail::wire::reader r(data, length, "array");
        const std::int32_t ndim = r.i32();
        r.i32();  // has-NULL flag: the element lengths say it again
        const oid element_type = r.u32();
        std::vector<T> out;
        if (ndim == 0) return out;
        if (ndim != 1) {
            throw error("a " + std::to_string(ndim) +
                        "-dimensional array cannot be read into std::vector (one dimension only)");
        }
        if (!element::accepts(element_type)) {
            throw error("an array of type OID " + std::to_string(element_type) + " cannot be read as " +
                        std::string(element::type_name) + " elements");
        }
        const std::int32_t count = r.i32();
        r.i32();  // lower bound
        if (count < 0 || static_cast<std::size_t>(count) > r.remaining() / 4)
            throw error("invalid binary array from the server");
        out.reserve(static_cast<std::size_t>(count));
        for (std::int32_t i = 0; i < count; ++i) {
            const std::int32_t len = r.i32();
            if (len == -1) {
                if constexpr (element::nullable) {
                    out.push_back(element::decode_null());
                    continue;
                } else {
                    throw error("array element " + std::to_string(i + 1) + " is NULL, which std::vector<" +
                                std::string(element::type_name) + "> cannot hold (use std::vector<std::optional<T>>)");
                }
            }
            if (len < 0) throw error("invalid binary array from the server");
            out.push_back(element::decode(r.take(static_cast<std::size_t>(len)), len));
        }
        if (!r.at_end()) throw error("invalid binary array from the server");
        return out;
    }

    static bool accepts(oid o) {
        if (oid e = detail::builtin_array_element(o)) return element::accepts(e);
        return o >= oids::first_user_defined;  // an enum's or a domain's array type
    }
};

namespace detail {

// One value framed as binary COPY fields and array elements are: int32
// length (-1 for NULL), then the bytes.
template <class T>
void append_field(byte_buffer& out, const T& value, oid element_oid) {
    using codec = pg_codec<T>;
    if (codec::is_null(value)) {
        wire::put_i32(out, -1);
        return;
    }
    const std::size_t at = out.size();
    wire::put_i32(out, 0);
    if constexpr (codec::is_array) {
        codec::encode(value, out, element_oid);
    } else {
        codec::encode(value, out);
    }
    const std::size_t length = out.size() - at - 4;
    if (length > static_cast<std::size_t>(INT32_MAX)) throw error("value is larger than PostgreSQL's 1 GB limit");
    wire::patch_i32(out, at, static_cast<std::int32_t>(length));
}

// Decodes a field of a binary result or array; data is null for NULL.
template <class T>
T decode_field(const char* data, int length, bool is_null) {
    if (is_null) return pg_codec<T>::decode_null();
    return pg_codec<T>::decode(data, length);
}

}  // namespace detail
}  // namespace hyperschema
