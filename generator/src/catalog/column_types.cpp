#include "catalog/column_types.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include "sqltext/literals.hpp"

namespace hyperschema::catalog {
namespace {

// --- Literal checks -------------------------------------------------------

std::string integer_literal(const ColumnType& t, std::string_view text) {
    if (!sqltext::is_integer_literal(text)) return "expected a whole number";
    const int bits = traits_of(t.base).integer_bits;
    if (sqltext::integer_fits(text, bits)) return "";
    const char* range = bits == 16   ? "-32768 to 32767"
                        : bits == 32 ? "-2147483648 to 2147483647"
                                     : "-9223372036854775808 to 9223372036854775807";
    return "out of range (every insert relying on it would fail with \"" + t.sql() + " out of range\"); `" + t.sql() +
           "` holds " + range;
}

std::string float_literal(const ColumnType& t, std::string_view text) {
    return sqltext::float_literal_problem(text, t.base == BaseType::Real ? 32 : 64);
}

// The largest value of numeric(p,s): 99.99 for (4,2), 0.0099 for (2,4), 99900 for (3,-2).
std::string numeric_max(int precision, int scale) {
    if (scale <= 0)
        return std::string(static_cast<size_t>(precision), '9') + std::string(static_cast<size_t>(-scale), '0');
    if (scale >= precision)
        return "0." + std::string(static_cast<size_t>(scale - precision), '0') +
               std::string(static_cast<size_t>(precision), '9');
    return std::string(static_cast<size_t>(precision - scale), '9') + "." +
           std::string(static_cast<size_t>(scale), '9');
}

std::string numeric_literal(const ColumnType& t, std::string_view text) {
    if (!sqltext::is_number_literal(text)) return "expected a number";
    if (t.precision < 0 || sqltext::numeric_fits(text, t.precision, t.scale)) return "";
    return "too large for `" + t.sql() +
           "` (every insert relying on it would fail with \"numeric field overflow\"), which holds at most " +
           numeric_max(t.precision, t.scale) + " in absolute value after rounding to its scale";
}

// varchar(n) and char(n) count characters, and cut trailing spaces instead of failing.
std::string bounded_text_literal(const ColumnType& t, std::string_view text) {
    if (t.length < 0) return "";
    std::string_view kept = text;
    while (sqltext::utf8_length(kept) > static_cast<size_t>(t.length) && !kept.empty() && kept.back() == ' ')
        kept.remove_suffix(1);
    if (sqltext::utf8_length(kept) <= static_cast<size_t>(t.length)) return "";
    return "longer than " + t.sql() + " (" + std::to_string(sqltext::utf8_length(text)) +
           " characters; every insert relying on it would fail with \"value too long for type " +
           std::string(traits_of(t.base).catalog_name) + "(" + std::to_string(t.length) + ")\")";
}

std::string boolean_literal(const ColumnType&, std::string_view text) {
    return sqltext::parse_boolean_literal(text)
               ? ""
               : "expected a boolean such as `true` or `false` (PostgreSQL also reads yes/no, on/off, 1/0)";
}

std::string uuid_literal(const ColumnType&, std::string_view text) {
    return sqltext::is_uuid_literal(text) ? "" : "expected a UUID such as `a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11`";
}

std::string json_literal(const ColumnType&, std::string_view text) {
    return sqltext::json_literal_problem(text);
}

std::string datetime_literal(const ColumnType&, std::string_view text) {
    return sqltext::datetime_literal_problem(text);
}

std::string interval_literal(const ColumnType&, std::string_view text) {
    return sqltext::interval_literal_problem(text);
}

std::string bytea_literal(const ColumnType&, std::string_view text) {
    return sqltext::bytea_literal_problem(text);
}

std::string time_literal(const ColumnType&, std::string_view text) {
    return sqltext::time_literal_problem(text, false);
}
std::string timetz_literal(const ColumnType&, std::string_view text) {
    return sqltext::time_literal_problem(text, true);
}
std::string inet_literal(const ColumnType&, std::string_view text) {
    return sqltext::inet_literal_problem(text, false);
}
std::string cidr_literal(const ColumnType&, std::string_view text) {
    return sqltext::inet_literal_problem(text, true);
}
std::string macaddr_literal(const ColumnType&, std::string_view text) {
    return sqltext::macaddr_literal_problem(text, 6);
}
std::string macaddr8_literal(const ColumnType&, std::string_view text) {
    return sqltext::macaddr_literal_problem(text, 8);
}

// --- The table --------------------------------------------------------------

constexpr IndexSupport kOrdered{};  // btree, hash, brin; gin and gist through btree_gin / btree_gist
constexpr IndexSupport kUnorderedScalar{Opclass::Yes, Opclass::Yes, Opclass::WithBtreeGin, Opclass::WithBtreeGist,
                                        Opclass::No};  // boolean and enums: no BRIN minmax class
constexpr IndexSupport kJsonb{Opclass::Yes, Opclass::Yes, Opclass::Yes, Opclass::No, Opclass::No};
constexpr IndexSupport kJson{Opclass::No, Opclass::No, Opclass::No, Opclass::No, Opclass::No};

using TC = TypeCategory;

// In BaseType's order (checked below). Canonical spellings are what
// format_type() would print were it not for its long forms: "varchar" for
// "character varying", as pg_dump users read them.
constexpr std::array kTypes{
    TypeTraits{.base = BaseType::Smallint,
               .name = "smallint",
               .aliases = "int2",
               .catalog_name = "smallint",
               .category = TC::Integer,
               .integer_bits = 16,
               .default_chunk_units = 10000,
               .index = kOrdered,
               .check_literal = integer_literal,
               .literal_example = "0",
               .btree_family = "integer_ops",
               .implicit_casts = "integer|bigint|real|double precision|numeric",
               .cpp_type = "std::int16_t"},
    TypeTraits{.base = BaseType::Integer,
               .name = "integer",
               .aliases = "int|int4",
               .catalog_name = "integer",
               .category = TC::Integer,
               .integer_bits = 32,
               .default_chunk_units = 100000,
               .index = kOrdered,
               .check_literal = integer_literal,
               .literal_example = "0",
               .btree_family = "integer_ops",
               .implicit_casts = "bigint|real|double precision|numeric",
               .cpp_type = "std::int32_t"},
    TypeTraits{.base = BaseType::Bigint,
               .name = "bigint",
               .aliases = "int8",
               .catalog_name = "bigint",
               .category = TC::Integer,
               .integer_bits = 64,
               .default_chunk_units = 1000000,
               .index = kOrdered,
               .check_literal = integer_literal,
               .literal_example = "0",
               .btree_family = "integer_ops",
               .implicit_casts = "real|double precision|numeric",
               .cpp_type = "std::int64_t"},
    TypeTraits{.base = BaseType::Real,
               .name = "real",
               .aliases = "float4",
               .catalog_name = "real",
               .category = TC::Float,
               .index = kOrdered,
               .check_literal = float_literal,
               .literal_example = "0",
               .btree_family = "float_ops",
               .implicit_casts = "double precision",
               .cpp_type = "float"},
    TypeTraits{.base = BaseType::DoublePrecision,
               .name = "double precision",
               .aliases = "float8",
               .catalog_name = "double precision",
               .category = TC::Float,
               .index = kOrdered,
               .check_literal = float_literal,
               .literal_example = "0",
               .btree_family = "float_ops",
               .cpp_type = "double"},
    TypeTraits{.base = BaseType::Numeric,
               .name = "numeric",
               .aliases = "decimal",
               .catalog_name = "numeric",
               .modifier = Modifier::PrecisionScale,
               .modifier_max = 1000,
               .example = "numeric(12,3)",
               .category = TC::Numeric,
               .index = kOrdered,
               .check_literal = numeric_literal,
               .literal_example = "0",
               .btree_family = "numeric_ops",
               .implicit_casts = "real|double precision",
               .cpp_type = "hyperschema::numeric"},
    TypeTraits{.base = BaseType::Text,
               .name = "text",
               .catalog_name = "text",
               .category = TC::Text,
               .index = kOrdered,
               .literal_example = "''",
               .btree_family = "text_ops",
               .implicit_casts = "varchar|char|geometry",
               .cpp_type = "std::string"},
    TypeTraits{.base = BaseType::Varchar,
               .name = "varchar",
               .aliases = "character varying",
               .catalog_name = "character varying",
               .modifier = Modifier::Length,
               .modifier_max = 10485760,
               .example = "varchar(100)",
               .category = TC::Text,
               .index = kOrdered,
               .check_literal = bounded_text_literal,
               .literal_example = "''",
               .btree_family = "text_ops",
               .implicit_casts = "text|char",
               .cpp_type = "std::string"},
    TypeTraits{.base = BaseType::Char,
               .name = "char",
               .aliases = "character",
               .catalog_name = "character",
               .modifier = Modifier::Length,
               .modifier_max = 10485760,
               .default_length = 1,
               .unbounded_name = "bpchar",
               .example = "char(3)",
               .category = TC::Text,
               .index = kOrdered,
               .check_literal = bounded_text_literal,
               .literal_example = "'EUR'",
               .btree_family = "bpchar_ops",
               .implicit_casts = "text|varchar",
               .cpp_type = "std::string"},
    TypeTraits{.base = BaseType::Boolean,
               .name = "boolean",
               .aliases = "bool",
               .catalog_name = "boolean",
               .category = TC::Boolean,
               .index = kUnorderedScalar,
               .check_literal = boolean_literal,
               .literal_example = "false",
               .cpp_type = "bool"},
    TypeTraits{.base = BaseType::Timestamptz,
               .name = "timestamptz",
               .aliases = "timestamp with time zone",
               .catalog_name = "timestamp",
               .catalog_suffix = " with time zone",
               .modifier = Modifier::Fractional,
               .modifier_max = 6,
               .example = "timestamptz(3)",
               .category = TC::Timestamp,
               .time_dimension = true,
               .moving_literals = true,
               .index = kOrdered,
               .check_literal = datetime_literal,
               .literal_example = "'2000-01-01 00:00:00+00'",
               .btree_family = "datetime_ops",
               .cpp_type = "hyperschema::timestamptz"},
    TypeTraits{.base = BaseType::Timestamp,
               .name = "timestamp",
               .aliases = "timestamp without time zone",
               .catalog_name = "timestamp",
               .catalog_suffix = " without time zone",
               .modifier = Modifier::Fractional,
               .modifier_max = 6,
               .example = "timestamp(3)",
               .category = TC::Timestamp,
               .time_dimension = true,
               .moving_literals = true,
               .index = kOrdered,
               .check_literal = datetime_literal,
               .literal_example = "'2000-01-01 00:00:00'",
               .btree_family = "datetime_ops",
               .implicit_casts = "timestamptz",
               .cpp_type = "hyperschema::timestamp"},
    TypeTraits{.base = BaseType::Date,
               .name = "date",
               .catalog_name = "date",
               .category = TC::Date,
               .time_dimension = true,
               .moving_literals = true,
               .index = kOrdered,
               .check_literal = datetime_literal,
               .literal_example = "'2000-01-01'",
               .btree_family = "datetime_ops",
               .implicit_casts = "timestamp|timestamptz",
               .cpp_type = "hyperschema::date"},
    TypeTraits{.base = BaseType::Time,
               .name = "time",
               .aliases = "time without time zone",
               .catalog_name = "time",
               .catalog_suffix = " without time zone",
               .modifier = Modifier::Fractional,
               .modifier_max = 6,
               .example = "time(3)",
               .category = TC::TimeOfDay,
               .moving_literals = true,
               .index = kOrdered,
               .check_literal = time_literal,
               .literal_example = "'08:30'",
               .btree_family = "time_ops",
               .implicit_casts = "timetz|interval",
               .cpp_type = "hyperschema::time_of_day"},
    TypeTraits{.base = BaseType::Timetz,
               .name = "timetz",
               .aliases = "time with time zone",
               .catalog_name = "time",
               .catalog_suffix = " with time zone",
               .modifier = Modifier::Fractional,
               .modifier_max = 6,
               .example = "timetz(3)",
               .category = TC::TimeOfDay,
               .moving_literals = true,
               .index = kOrdered,
               .check_literal = timetz_literal,
               .literal_example = "'08:30+02'",
               .cpp_type = "hyperschema::timetz"},
    TypeTraits{.base = BaseType::Interval,
               .name = "interval",
               .catalog_name = "interval",
               .category = TC::Interval,
               .index = kOrdered,
               .check_literal = interval_literal,
               .literal_example = "'1 day'",
               .cpp_type = "hyperschema::interval"},
    TypeTraits{.base = BaseType::Uuid,
               .name = "uuid",
               .catalog_name = "uuid",
               .category = TC::Uuid,
               .index = kOrdered,
               .check_literal = uuid_literal,
               .literal_example = "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'",
               .cpp_type = "hyperschema::uuid"},
    TypeTraits{.base = BaseType::Jsonb,
               .name = "jsonb",
               .catalog_name = "jsonb",
               .category = TC::Json,
               .index = kJsonb,
               .check_literal = json_literal,
               .literal_example = "'{}'",
               .cpp_type = "hyperschema::jsonb"},
    TypeTraits{.base = BaseType::Json,
               .name = "json",
               .catalog_name = "json",
               .category = TC::Json,
               .index = kJson,
               .check_literal = json_literal,
               .literal_example = "'{}'",
               .cpp_type = "hyperschema::json"},
    TypeTraits{.base = BaseType::Bytea,
               .name = "bytea",
               .catalog_name = "bytea",
               .category = TC::Binary,
               .index = kOrdered,
               .check_literal = bytea_literal,
               .literal_example = "'\\x'",
               .implicit_casts = "geometry|geography",  // PostGIS's casts, where it is installed
               .cpp_type = "hyperschema::bytea"},
    TypeTraits{.base = BaseType::Inet,
               .name = "inet",
               .catalog_name = "inet",
               .category = TC::Network,
               .index = kOrdered,
               .check_literal = inet_literal,
               .literal_example = "'192.168.0.1'",
               .btree_family = "network_ops",
               .cpp_type = "hyperschema::inet"},
    TypeTraits{.base = BaseType::Cidr,
               .name = "cidr",
               .catalog_name = "cidr",
               .category = TC::Network,
               .index = kOrdered,
               .check_literal = cidr_literal,
               .literal_example = "'10.0.0.0/8'",
               .btree_family = "network_ops",
               .implicit_casts = "inet",
               .cpp_type = "hyperschema::cidr"},
    TypeTraits{.base = BaseType::Macaddr,
               .name = "macaddr",
               .catalog_name = "macaddr",
               .category = TC::MacAddress,
               .index = kOrdered,
               .check_literal = macaddr_literal,
               .literal_example = "'08:00:2b:01:02:03'",
               .btree_family = "macaddr_ops",
               .implicit_casts = "macaddr8",
               .cpp_type = "hyperschema::macaddr"},
    TypeTraits{.base = BaseType::Macaddr8,
               .name = "macaddr8",
               .catalog_name = "macaddr8",
               .category = TC::MacAddress,
               .index = kOrdered,
               .check_literal = macaddr8_literal,
               .literal_example = "'08:00:2b:01:02:03:04:05'",
               .btree_family = "macaddr8_ops",
               .implicit_casts = "macaddr",
               .cpp_type = "hyperschema::macaddr8"},
    // Types of contrib extensions, which the schema must list under `extensions:`.
    TypeTraits{.base = BaseType::Citext,
               .name = "citext",
               .catalog_name = "citext",
               .category = TC::Extension,
               .index = kOrdered,
               .literal_example = "'Alice'",
               .implicit_casts = "text|varchar",
               .cpp_type = "std::string",
               .extension = "citext"},
    TypeTraits{.base = BaseType::Hstore,
               .name = "hstore",
               .catalog_name = "hstore",
               .category = TC::Extension,
               .index = {Opclass::Yes, Opclass::Yes, Opclass::Yes, Opclass::Yes, Opclass::No},
               .literal_example = "'color=>red'",
               .cpp_type = "hyperschema::hstore",
               .extension = "hstore"},
    TypeTraits{.base = BaseType::Ltree,
               .name = "ltree",
               .catalog_name = "ltree",
               .category = TC::Extension,
               .index = {Opclass::Yes, Opclass::SincePg16, Opclass::No, Opclass::Yes, Opclass::No},
               .gist_on_arrays = true,
               .literal_example = "'europe.germany.berlin'",
               .cpp_type = "hyperschema::ltree",
               .extension = "ltree"},
    // PostGIS, for the spatial columns of fleets and meters: values travel as
    // the server's text (hex EWKB); the server reads literals (WKT, EWKT).
    TypeTraits{.base = BaseType::Geometry,
               .name = "geometry",
               .catalog_name = "geometry",
               .modifier = Modifier::Shape,
               .example = "geometry(Point,4326)",
               .category = TC::Extension,
               .index = {Opclass::Yes, Opclass::Yes, Opclass::No, Opclass::Yes, Opclass::Yes},
               .literal_example = "'SRID=4326;POINT(13.4 52.5)'",
               .implicit_casts = "geography|bytea|text|varchar",
               .cpp_type = "std::string",
               .extension = "postgis"},
    TypeTraits{.base = BaseType::Geography,
               .name = "geography",
               .catalog_name = "geography",
               .modifier = Modifier::Shape,
               .example = "geography(Point,4326)",
               .category = TC::Extension,
               .index = {Opclass::Yes, Opclass::No, Opclass::No, Opclass::Yes, Opclass::Yes},
               .literal_example = "'POINT(13.4 52.5)'",
               .implicit_casts = "bytea",
               .cpp_type = "std::string",
               .extension = "postgis"},
    TypeTraits{.base = BaseType::Enum, .category = TC::Enum, .index = kUnorderedScalar},
};

constexpr bool in_enum_order() {
    for (size_t i = 0; i < kTypes.size(); ++i)
        if (static_cast<size_t>(kTypes[i].base) != i) return false;
    return true;
}
static_assert(in_enum_order(), "kTypes must list the types in BaseType's order, one record each");
static_assert(kTypes.size() == static_cast<size_t>(BaseType::Enum) + 1, "every BaseType needs a record");

template <class F>
void for_each_alias(std::string_view aliases, F&& f) {
    while (!aliases.empty()) {
        auto bar = aliases.find('|');
        f(aliases.substr(0, bar));
        if (bar == std::string_view::npos) break;
        aliases.remove_prefix(bar + 1);
    }
}

}  // namespace

const TypeTraits& traits_of(BaseType base) {
    return kTypes[static_cast<size_t>(base)];
}

IntegerRange integer_range(const ColumnType& integer) {
    const int bits = traits_of(integer.base).integer_bits;
    if (bits == 0 || bits >= 64) return {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()};
    const int64_t half = int64_t{1} << (bits - 1);
    return {-half, half - 1};
}

Interval default_chunk_interval(const ColumnType& time) {
    if (time.is_integer()) return Interval::units(traits_of(time.base).default_chunk_units);
    return Interval{0, 7, 0};
}

const TypeTraits* find_type(std::string_view spelling) {
    for (const auto& t : kTypes) {
        if (t.name.empty()) continue;
        if (t.name == spelling || (!t.unbounded_name.empty() && t.unbounded_name == spelling)) return &t;
        bool found = false;
        for_each_alias(t.aliases, [&](std::string_view alias) { found = found || alias == spelling; });
        if (found) return &t;
    }
    return nullptr;
}

std::span<const TypeTraits> all_types() {
    return kTypes;
}

std::vector<std::string> type_spellings() {
    std::vector<std::string> out;
    for (const auto& t : kTypes)
        if (!t.name.empty()) out.emplace_back(t.name);
    for (const auto& t : kTypes) {
        for_each_alias(t.aliases, [&](std::string_view a) { out.emplace_back(a); });
        if (!t.unbounded_name.empty()) out.emplace_back(t.unbounded_name);
    }
    return out;
}

bool foreign_key_compatible(const ColumnType& referencing, const ColumnType& referenced) {
    if (referencing.is_array() || referenced.is_array()) {
        // array_ops compares arrays of one element type only.
        return referencing.is_array() && referenced.is_array() && referencing.base == referenced.base &&
               referencing.enum_name == referenced.enum_name;
    }
    if (referencing.base != referenced.base) {
        const TypeTraits& from = traits_of(referencing.base);
        const TypeTraits& to = traits_of(referenced.base);
        if (!from.btree_family.empty() && from.btree_family == to.btree_family) return true;
        bool cast = false;
        for_each_alias(from.implicit_casts, [&](std::string_view target) { cast = cast || target == to.name; });
        return cast;
    }
    return referencing.base != BaseType::Enum || referencing.enum_name == referenced.enum_name;
}

Opclass index_support(IndexMethod method, const ColumnType& type) {
    const bool json = type.base == BaseType::Json;
    if (type.is_array()) {
        // Arrays compare and hash element-wise (array_ops), GIN indexes their
        // elements; GiST and BRIN have no class for arrays.
        switch (method) {
            case IndexMethod::Btree:
            case IndexMethod::Hash:
            case IndexMethod::Gin:
                return json ? Opclass::JsonElements : Opclass::Yes;
            case IndexMethod::Gist:
                return traits_of(type.base).gist_on_arrays ? Opclass::Yes : Opclass::No;
            case IndexMethod::Brin:
                return Opclass::No;
        }
    }
    const IndexSupport& s = traits_of(type.base).index;
    switch (method) {
        case IndexMethod::Btree:
            return s.btree;
        case IndexMethod::Hash:
            return s.hash;
        case IndexMethod::Gin:
            return s.gin;
        case IndexMethod::Gist:
            return s.gist;
        case IndexMethod::Brin:
            return s.brin;
    }
    return Opclass::No;  // unreachable: every method is a case above
}

}  // namespace hyperschema::catalog
