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
    Char,
    Boolean,
    Timestamptz,
    Timestamp,
    Date,
    Time,
    Timetz,
    Interval,
    Uuid,
    Jsonb,
    Json,
    Bytea,
    Inet,
    Cidr,
    Macaddr,
    Macaddr8,
    Citext,     // extension citext
    Hstore,     // extension hstore
    Ltree,      // extension ltree
    Geometry,   // extension postgis: planar shapes
    Geography,  // extension postgis: shapes on the spheroid
    Enum,       // an enum declared in the schema; ColumnType::enum_name says which
};

// The facts about each BaseType (spellings, modifiers, literals, index
// support, C++ type) live in one table: catalog/column_types.hpp.

struct ColumnType {
    BaseType base = BaseType::Text;
    int precision = -1;  // numeric(p,s), timestamptz(p), time(p), ...; -1 means none written
    int scale = -1;
    int length = -1;  // varchar(n), char(n); -1 means unlimited varchar
    // PostGIS geometry(Point,4326): the shape ("Point", "MultiPolygonZ", ""
    // for any) and the SRID (-1 for none, geometry's 0).
    std::string shape;
    int srid = -1;
    std::string enum_name;
    int array_dims = 0;  // text[] is 1
    // A domain the schema declares (`domains:`): the type is named so, and
    // the fields above are its base type's, which decides literals, indexes
    // and the C++ type. A domain's base is never an array, so array_dims is
    // the column's own: percentage[].
    std::string domain;

    // A built-in type without modifier: of(BaseType::Text, 1) is text[].
    static ColumnType of(BaseType base, int array_dims = 0) {
        ColumnType t;
        t.base = base;
        t.array_dims = array_dims;
        return t;
    }
    // The type without length, precision or scale, as PostgreSQL types an
    // expression's result: max(numeric(10,2)) is numeric; a domain's
    // values come out of a function as its base type.
    ColumnType without_modifier() const {
        ColumnType t = *this;
        t.length = t.precision = t.scale = t.srid = -1;
        t.shape.clear();
        t.domain.clear();
        return t;
    }

    // The canonical spelling, as the DSL and the SQL we emit write it:
    // varchar(100), timestamptz(3), char(3), an enum's bare name.
    std::string sql() const;
    // As PostgreSQL's format_type() spells it, for comparing with a live
    // catalog: character varying(100), timestamp(3) with time zone (an
    // enum's name as declared: quoting it is emit::catalog_type_name's).
    std::string catalog_sql() const;
    // As PostgreSQL names the type in messages ("function avg(boolean) does
    // not exist"): format_type() without the modifier.
    std::string message_name() const;
    // The modifier as written after the name: "(12,3)", "(100)", "".
    std::string modifier_sql() const;

    bool is_array() const { return array_dims > 0; }
    bool is_integer() const;
    bool is_numeric_family() const;  // integers, floats, numeric
    bool is_text_family() const;     // text, varchar, char
    bool is_time() const;            // may partition a hypertable: timestamptz, timestamp, date
    ColumnType element() const;      // the non-array type

    friend bool operator==(const ColumnType&, const ColumnType&) = default;
};

// Parses a DSL type ("varchar(100)", "numeric(12,3)", "double precision",
// "text[]", "timestamptz", "timestamptz(3)", "time(3) with time zone", an enum name). `enums` are the enum names the
// schema declares. On failure returns nullopt with the reason in *error.
std::optional<ColumnType> parse_column_type(std::string_view text, const std::vector<std::string>& enums,
                                            std::string* error);

// Type names the DSL understands, for "did you mean" suggestions.
std::vector<std::string> known_type_names();

}  // namespace hyperschema
