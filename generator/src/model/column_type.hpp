#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hyperschema {

enum class BaseType {
    Smallint,
    Integer,
    Bigint,
    Real,
    DoublePrecision,
    Numeric,
    Text,
    Varchar,
    Boolean,
    Timestamptz,
    Timestamp,
    Date,
    Interval,
    Uuid,
    Jsonb,
    Json,
    Bytea,
    Enum,  // an enum declared in the schema; ColumnType::enum_name says which
};

struct ColumnType {
    BaseType base = BaseType::Text;
    int precision = -1;  // numeric(p,s), timestamptz(p), timestamp(p); -1 means none written
    int scale = -1;
    int length = -1;  // varchar(n); -1 means unlimited varchar
    std::string enum_name;
    int array_dims = 0;  // text[] is 1

    // The type as PostgreSQL's format_type() spells it, so the SQL we emit reads
    // the way a catalog dump does: "character varying(100)" is written varchar(100).
    std::string sql() const;

    bool is_array() const { return array_dims > 0; }
    bool is_integer() const;
    bool is_numeric_family() const;  // integers, floats, numeric
    bool is_text_family() const;     // text, varchar
    bool is_time() const;            // timestamptz, timestamp, date
    ColumnType element() const;      // the non-array type

    friend bool operator==(const ColumnType&, const ColumnType&) = default;
};

// Parses a DSL type ("varchar(100)", "numeric(12,3)", "double precision",
// "text[]", "timestamptz", "timestamptz(3)", an enum name). `enums` are the enum names the schema
// declares. On failure returns nullopt with the reason in *error.
std::optional<ColumnType> parse_column_type(std::string_view text, const std::vector<std::string>& enums,
                                            std::string* error);

// Type names the DSL understands, for "did you mean" suggestions.
std::vector<std::string> known_type_names();

}  // namespace hyperschema
