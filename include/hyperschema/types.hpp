#pragma once

// The C++ value types the runtime maps PostgreSQL types to. Generated row
// structs use these; pg_codec (codec.hpp) moves them over the wire.
//
//   PostgreSQL                 C++
//   boolean                    bool
//   smallint/integer/bigint    std::int16_t / std::int32_t / std::int64_t
//   real / double precision    float / double
//   text, varchar(n), char(n)  std::string (bytes in the connection's client_encoding: use UTF8;
//                              char(n) comes back padded with spaces to n characters)
//   bytea                      hyperschema::bytea = std::vector<std::byte>
//   numeric, numeric(p,s)      hyperschema::numeric (exact decimal text, never a double)
//   timestamptz                hyperschema::timestamptz = sys_time<microseconds>
//   timestamp                  hyperschema::timestamp = local_time<microseconds>
//   date                       hyperschema::date = sys_days
//   time, time(p)              hyperschema::time_of_day {since_midnight}
//   timetz, timetz(p)          hyperschema::timetz {since_midnight, utc_offset_seconds}
//   interval                   hyperschema::interval {microseconds, days, months}
//   uuid                       hyperschema::uuid
//   json / jsonb               hyperschema::json / hyperschema::jsonb (raw text, not parsed)
//   inet / cidr                hyperschema::inet / hyperschema::cidr (network_types.hpp)
//   macaddr / macaddr8         hyperschema::macaddr / hyperschema::macaddr8
//   an enum                    an `enum class` with an enum_labels<E> specialisation
//   T[] (one dimension)        std::vector<T>
//   a nullable column          std::optional<T>

#include <array>
#include <chrono>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "hyperschema/detail/numeric.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/network_types.hpp"

namespace hyperschema {

// A PostgreSQL type OID (libpq's Oid).
using oid = std::uint32_t;

// Microseconds, because that is PostgreSQL's precision: every timestamptz
// round-trips exactly, and nothing finer is silently cut off on the way in.
// PostgreSQL's 'infinity' and '-infinity' map to timestamptz::max() and
// timestamptz::min() (and back). Finite PostgreSQL timestamps after about
// 294246-01-01 do not fit (sys_time counts from 1970 in an int64, PostgreSQL
// from 2000) and decoding one throws hyperschema::error.
using timestamptz = std::chrono::sys_time<std::chrono::microseconds>;

// timestamp without time zone: a wall-clock reading in no particular zone,
// which is what std::chrono::local_time means. Same precision, range and
// infinity mapping (timestamp::max() / min()) as timestamptz.
using timestamp = std::chrono::local_time<std::chrono::microseconds>;

// A calendar day. PostgreSQL's 'infinity' / '-infinity' map to date::max() /
// date::min() (and back); convert with std::chrono::year_month_day.
using date = std::chrono::sys_days;

// bytea as plain bytes; a std::vector so generated structs need no wrapper.
using bytea = std::vector<std::byte>;

// A UUID as its 16 bytes in network order (the binary wire format).
struct uuid {
    std::array<std::uint8_t, 16> bytes{};

    // Accepts what PostgreSQL's uuid_in accepts: hex digits in either case, a
    // hyphen allowed after any group of four digits (so the canonical
    // 8-4-4-4-12 form and the bare 32 digits), optionally in braces.
    static std::optional<uuid> parse(std::string_view text) {
        auto hex = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            if (c >= 'A' && c <= 'F') return c - 'A' + 10;
            return -1;
        };
        bool braces = !text.empty() && text.front() == '{';
        if (braces) text.remove_prefix(1);
        uuid u;
        std::size_t p = 0;
        for (std::size_t i = 0; i < 16; ++i) {
            if (p + 2 > text.size()) return std::nullopt;
            int hi = hex(text[p]), lo = hex(text[p + 1]);
            if (hi < 0 || lo < 0) return std::nullopt;
            u.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
            p += 2;
            if (p < text.size() && text[p] == '-' && i % 2 == 1 && i < 15) ++p;
        }
        if (braces) {
            if (p >= text.size() || text[p] != '}') return std::nullopt;
            ++p;
        }
        if (p != text.size()) return std::nullopt;
        return u;
    }

    // Lowercase 8-4-4-4-12, as PostgreSQL prints it.
    std::string to_string() const {
        static constexpr char digits[] = "0123456789abcdef";
        std::string s;
        s.reserve(36);
        for (std::size_t i = 0; i < 16; ++i) {
            if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
            s += digits[bytes[i] >> 4];
            s += digits[bytes[i] & 0xF];
        }
        return s;
    }

    // Byte-wise, which is also PostgreSQL's uuid ordering.
    friend auto operator<=>(const uuid&, const uuid&) = default;
    friend bool operator==(const uuid&, const uuid&) = default;
};

// An exact decimal, kept as PostgreSQL's own text for it: an optional '-',
// digits, and '.' with the fractional digits of the value's scale, or NaN,
// Infinity, -Infinity. Holding text (not a double, not a fixed-width integer)
// is the only way every numeric round-trips exactly: PostgreSQL allows 131072
// digits before the point and 16383 after.
//
// Equality is textual, so it includes the scale: 1.50 != 1.5, as PostgreSQL
// keeps and prints them differently (although `1.50 = 1.5` in SQL). Compare
// values with to_scaled() at a common scale. No ordering is offered.
class numeric {
public:
    numeric() : text_("0") {}

    // Accepts PostgreSQL's numeric input syntax (see detail::numeric_format::canonical):
    // "1.50", "-0.001", "+5", ".5", "1e-3", "NaN", "Infinity"; nullopt otherwise.
    static std::optional<numeric> parse(std::string_view text) {
        auto c = detail::numeric_format::canonical(text);
        if (!c) return std::nullopt;
        return numeric(std::move(*c));
    }
    static numeric from_integer(std::int64_t value) { return numeric(std::to_string(value)); }
    // value / 10^scale with max(scale, 0) fractional digits: from_scaled(150, 2) is 1.50.
    // Throws hyperschema::error unless -1000 <= scale <= 1000.
    static numeric from_scaled(std::int64_t value, int scale) {
        return numeric(detail::numeric_format::from_scaled(value, scale));
    }
    static numeric nan() { return numeric("NaN"); }

    // value * 10^scale, if that is an integer that fits in int64 (1.50 at scale
    // 2 is 150, at scale 1 is 15, at scale 0 is nullopt); nullopt for NaN and
    // the infinities.
    std::optional<std::int64_t> to_scaled(int scale) const { return detail::numeric_format::to_scaled(text_, scale); }

    const std::string& to_string() const { return text_; }
    bool is_nan() const { return text_ == "NaN"; }
    bool is_infinite() const { return text_ == "Infinity" || text_ == "-Infinity"; }
    // Digits after the point (PostgreSQL's dscale); 0 for NaN and the infinities.
    int scale() const {
        auto point = text_.find('.');
        return point == std::string::npos ? 0 : static_cast<int>(text_.size() - point - 1);
    }

    friend bool operator==(const numeric&, const numeric&) = default;

private:
    explicit numeric(std::string canonical_text) : text_(std::move(canonical_text)) {}
    std::string text_;
};

// JSON documents as text, not parsed: the application brings its own JSON
// library. json keeps the text as written; the server normalises jsonb.
struct json {
    std::string text;
    friend bool operator==(const json&, const json&) = default;
};

struct jsonb {
    std::string text;
    friend bool operator==(const jsonb&, const jsonb&) = default;
};

// PostgreSQL keeps an interval's months, days and microseconds apart because
// none converts exactly into another (months vary in days, days in hours at
// DST changes). Equality is field by field, so unlike SQL's `=`,
// '1 day' != '24 hours' here.
struct interval {
    std::int64_t microseconds = 0;
    std::int32_t days = 0;
    std::int32_t months = 0;

    static constexpr interval from_duration(std::chrono::microseconds d) { return interval{d.count(), 0, 0}; }
    // Only a pure time interval is a duration; nullopt when days or months are set.
    constexpr std::optional<std::chrono::microseconds> to_duration() const {
        if (days != 0 || months != 0) return std::nullopt;
        return std::chrono::microseconds(microseconds);
    }

    friend bool operator==(const interval&, const interval&) = default;
};

// time without time zone: a wall-clock time of day, from 00:00:00 to
// 24:00:00 inclusive (PostgreSQL allows the end of the day), to the microsecond.
struct time_of_day {
    std::chrono::microseconds since_midnight{0};

    static constexpr time_of_day from(std::chrono::hours h, std::chrono::minutes m = {},
                                      std::chrono::microseconds s = {}) {
        return time_of_day{h + m + s};
    }
    friend auto operator<=>(const time_of_day&, const time_of_day&) = default;
};

// time with time zone: a time of day and the UTC offset it was written with,
// in seconds east of UTC (08:30+02 is {8h30min, 7200}). PostgreSQL keeps the
// offset, so 08:30+02 and 06:30+00 are different values here (SQL's `=`
// calls them equal: the same instant).
struct timetz {
    std::chrono::microseconds since_midnight{0};
    std::int32_t utc_offset_seconds = 0;

    friend bool operator==(const timetz&, const timetz&) = default;
};

// The hook that makes an `enum class` a PostgreSQL enum. Generated code
// specialises it next to the enum, labels in declaration order, and the enum's
// values must be 0..N-1 in that same order:
//
//   enum class device_status { online, offline };
//   template <> struct hyperschema::enum_labels<device_status> {
//       static constexpr std::string_view type_name = "public.device_status";
//       static constexpr std::array<std::string_view, 2> labels{"online", "offline"};
//   };
//
// On the wire an enum value is its label, in text and binary alike.
template <class E>
struct enum_labels;

template <class E>
concept pg_enum = std::is_enum_v<E> && requires {
    { enum_labels<E>::type_name } -> std::convertible_to<std::string_view>;
    enum_labels<E>::labels.size();
};

template <pg_enum E>
constexpr std::string_view label_of(E value) {
    auto i = static_cast<std::size_t>(value);
    if (i >= enum_labels<E>::labels.size()) throw error("enum value has no label in enum_labels");
    return enum_labels<E>::labels[i];
}

template <pg_enum E>
constexpr std::optional<E> enum_from_label(std::string_view label) {
    const auto& labels = enum_labels<E>::labels;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i] == label) return static_cast<E>(i);
    }
    return std::nullopt;
}

}  // namespace hyperschema

template <>
struct std::hash<hyperschema::uuid> {
    std::size_t operator()(const hyperschema::uuid& u) const noexcept {
        // FNV-1a: UUIDs are usually random already, but v1/v7 ones are not.
        std::uint64_t h = 14695981039346656037ull;
        for (auto b : u.bytes) h = (h ^ b) * 1099511628211ull;
        return static_cast<std::size_t>(h);
    }
};
