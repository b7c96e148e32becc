#pragma once

// Recognisers for the literal forms a column default may take. Hand-written
// rather than std::regex: libstdc++'s regex recurses once per character, so a
// long default overflows the stack (found by the fuzzer).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema::sqltext {

// ASCII digits, as PostgreSQL's input functions read them (not the locale's).
// The text without the whitespace around it; lowercased (ASCII, as
// PostgreSQL folds keywords and unquoted names).
std::string_view trim_space(std::string_view text);
std::string lowercase(std::string_view text);

bool is_digit(char c);
bool is_hex(char c);

bool is_integer_literal(std::string_view text);  // -?digits
bool is_number_literal(std::string_view text);   // integers, decimals, exponents, NaN, Infinity
bool is_uuid_literal(std::string_view text);     // as uuid_in reads it: 8-4-4-4-12, 32 digits, {...}
bool starts_with_call(std::string_view text);    // `name(` after optional spaces

// PostgreSQL's boolean input (boolin): true/false, yes/no, on/off, 1/0 and
// their unambiguous prefixes (`t`, `y`, `of`, ...), any case, surrounding
// spaces ignored. nullopt when PostgreSQL would say "invalid input syntax".
std::optional<bool> parse_boolean_literal(std::string_view text);

// Whether an integer literal (is_integer_literal) fits a signed integer of
// `bits` bits: 16 smallint, 32 integer, 64 bigint.
bool integer_fits(std::string_view text, int bits);

// Whether a number literal (is_number_literal) fits numeric(precision, scale):
// PostgreSQL rounds it to `scale` fractional digits (half away from zero), then
// refuses it with "numeric field overflow" unless its absolute value is below
// 10^(precision - scale). NaN fits; Infinity does not.
bool numeric_fits(std::string_view text, int precision, int scale);

// The number of characters of UTF-8 text: varchar(n) counts characters.
size_t utf8_length(std::string_view text);

// Why PostgreSQL would not read `text` as a value of the type ("" when it
// would): time or timetz (type_literals.cpp).
std::string time_literal_problem(std::string_view text, bool with_zone);
// inet, or cidr (a network: no bits set right of the mask).
std::string inet_literal_problem(std::string_view text, bool cidr);
// macaddr (6 bytes) or macaddr8 (8; a 6-byte address is widened).
std::string macaddr_literal_problem(std::string_view text, int bytes);

// Why PostgreSQL would refuse the literal as a value of the type, or "" when
// it takes it or when the form is one we do not read (the server decides).
// date, timestamp, timestamptz in the ISO form: the calendar and the offset.
std::string datetime_literal_problem(std::string_view text);
// interval: every word must be one of DecodeInterval's units.
std::string interval_literal_problem(std::string_view text);
// real (bits 32) and double precision (64): overflow and underflow to zero.
std::string float_literal_problem(std::string_view text, int bits);
// bytea in the hex form (pairs of digits) or the escape form.
std::string bytea_literal_problem(std::string_view text);
// json and jsonb: a JSON value (RFC 8259, as json_in reads it).
std::string json_literal_problem(std::string_view text);
// The elements of an array literal (`{1,2}`, `{{a,"b c"},{NULL,d}}`), unquoted
// and unescaped, nullopt for NULL; nullopt when it is not one.
std::optional<std::vector<std::optional<std::string>>> array_literal_elements(std::string_view text);

// A timestamp as the DSL writes an `origin`: `2000-01-01`, `2000-01-01 00:00`,
// `2000-01-01T00:00:00.5Z`, `2000-01-01 00:00:00+05:30`, `... UTC`.
struct TimestampLiteral {
    int year = 0, month = 0, day = 0;
    bool has_time = false;
    int hour = 0, minute = 0, second = 0, micros = 0;
    bool has_zone = false;
    int zone_seconds = 0;  // east of UTC: +05:30 is 19800

    // Microseconds since 2000-01-01 00:00 of the fields as written (the zone ignored).
    int64_t local_micros() const;
    // The instant: local_micros() moved to UTC by the zone offset.
    int64_t utc_micros() const;
    bool midnight() const { return hour == 0 && minute == 0 && second == 0 && micros == 0; }
};

// Parses the form above and checks the calendar as PostgreSQL does (February
// 30th is "date/time field value out of range", an offset beyond 15:59 "time
// zone displacement out of range"). On failure *error says why, quoting
// PostgreSQL's message when PostgreSQL would refuse the value.
std::optional<TimestampLiteral> parse_timestamp_literal(std::string_view text, std::string* error);

}  // namespace hyperschema::sqltext
