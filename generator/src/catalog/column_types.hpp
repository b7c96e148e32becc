#pragma once

// The column types hyperschema knows, one record per type family, as
// PostgreSQL's pg_type keeps one row per type. Every stage asks the record:
// the parser for the spellings it accepts and the modifier it takes, the
// validator for literal defaults, index methods and time dimensions, the SQL
// emitter for the canonical spelling, verify for format_type()'s spelling, the
// diff for what a conversion may lose, and the C++ emitter for the value type.
// Adding a type is one record here, its literal check, its runtime codec
// (include/hyperschema/codec.hpp) and its tests.
//
// Every fact in a record was checked against PostgreSQL 15 and 17
// (tests/integration/type_catalog_test.cpp asks the server again in every run).

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/schema.hpp"

namespace hyperschema::catalog {

// What values of the type are, for the rules that care about a family rather
// than a type (numbers are summed, text is compared by collation, ...).
enum class TypeCategory {
    Integer,
    Float,
    Numeric,
    Text,
    Boolean,
    Timestamp,  // timestamptz, timestamp
    Date,
    TimeOfDay,  // time, timetz
    Interval,
    Uuid,
    Json,
    Binary,
    Network,     // inet, cidr
    MacAddress,  // macaddr, macaddr8
    Extension,   // a type an extension brings: citext, hstore, ltree
    Enum,
};

// The modifier a type takes in parentheses.
enum class Modifier {
    None,
    Length,          // varchar(n), char(n): characters
    PrecisionScale,  // numeric(p[,s])
    Fractional,      // timestamptz(p), time(p): fractional digits of seconds
    Shape,           // PostGIS geometry(Point[,4326]): the shape, then the SRID
};

// Whether PostgreSQL has a default operator class for a scalar of the type
// under an index method (pg_opclass.opcdefault); arrays follow their own rules
// (array_support below).
enum class Opclass {
    Yes,
    No,
    WithBtreeGist,  // only with the btree_gist extension
    WithBtreeGin,   // only with the btree_gin extension
    JsonElements,   // json[]: accepted, but json values cannot be compared or hashed
    SincePg16,      // from PostgreSQL 16 on (ltree's hash class): the compiler only warns
};

struct IndexSupport {
    Opclass btree = Opclass::Yes;
    Opclass hash = Opclass::Yes;
    Opclass gin = Opclass::WithBtreeGin;
    Opclass gist = Opclass::WithBtreeGist;
    Opclass brin = Opclass::Yes;
};

// Why a literal default is not a value of the type ("" when it is one).
using LiteralCheck = std::string (*)(const ColumnType& type, std::string_view text);

struct TypeTraits {
    BaseType base = BaseType::Text;
    // The canonical spelling: what the DSL, the snapshot and the SQL we write
    // say ("varchar", "timestamptz"). Empty for enums, named by the schema.
    std::string_view name{};
    // Other spellings PostgreSQL accepts, separated by '|' ("int|int4").
    std::string_view aliases{};
    // format_type()'s spelling, around the modifier: "timestamp" + "(3)" +
    // " with time zone", "character varying" + "(100)".
    std::string_view catalog_name{};
    std::string_view catalog_suffix{};
    Modifier modifier = Modifier::None;
    int modifier_max = 0;     // largest length or precision
    int default_length = -1;  // char alone is char(1); -1: no modifier when none is written
    // The spelling without a modifier where the name alone means the default
    // length: bpchar is char of any length (format_type prints it so).
    std::string_view unbounded_name{};
    std::string_view example{};  // the type with a modifier, for messages: "varchar(100)"
    TypeCategory category = TypeCategory::Text;
    int integer_bits = 0;         // 16, 32, 64 for the integers
    bool time_dimension = false;  // may partition a hypertable by time
    // TimescaleDB's chunk interval for an integer time column of the type when
    // none is given (hypertable.c): 100 times more per type, from 10000.
    int64_t default_chunk_units = 0;
    bool moving_literals = false;  // 'now', 'today' are converted once, at CREATE TABLE
    IndexSupport index{};
    bool gist_on_arrays = false;           // an array of it has a default GiST class (ltree[]: _ltree_ops)
    LiteralCheck check_literal = nullptr;  // nullptr: the server decides (json aside, checked in validate)
    std::string_view literal_example{};    // a valid default, for messages
    // The default b-tree operator family, which holds equality operators
    // across its types (integer_ops: int2 = int8). Empty: the type's own only.
    std::string_view btree_family{};
    // The types this one converts to implicitly (pg_cast's castcontext 'i'),
    // canonical names separated by '|'.
    std::string_view implicit_casts{};
    std::string_view cpp_type{};   // the generated C++ value type (enums: their own)
    std::string_view extension{};  // the extension that brings the type ("" for built-in ones)
};

// The values an integer type holds (smallint: -32768 to 32767), from its
// integer_bits; for messages, range checks and sequence defaults.
struct IntegerRange {
    int64_t min = 0;
    int64_t max = 0;
    bool holds(int64_t v) const { return v >= min && v <= max; }
    std::string text() const { return std::to_string(min) + " to " + std::to_string(max); }
};
IntegerRange integer_range(const ColumnType& integer);

// The chunk interval TimescaleDB gives a hypertable partitioned by `time`
// when none is written: 7 days, or the integer type's default_chunk_units.
Interval default_chunk_interval(const ColumnType& time);

// The record of a type; every BaseType has one.
const TypeTraits& traits_of(BaseType base);

// The record whose canonical spelling or alias is `spelling` (lowercase,
// single spaces, no modifier), or nullptr.
const TypeTraits* find_type(std::string_view spelling);

// Every record, in the table's order (canonical names first for suggestions).
std::span<const TypeTraits> all_types();

// Every spelling the DSL accepts for a built-in type, canonical ones first.
std::vector<std::string> type_spellings();

// Whether a foreign key column of type `referencing` may reference a key
// column of type `referenced`: PostgreSQL needs an equality operator between
// them in the referenced column's b-tree operator family, or an implicit cast
// from the referencing type to the referenced one (double precision ->
// numeric has neither; integer -> numeric has the cast).
bool foreign_key_compatible(const ColumnType& referencing, const ColumnType& referenced);

// The default operator class support of `type` (scalar or array) under a method.
Opclass index_support(IndexMethod method, const ColumnType& type);

}  // namespace hyperschema::catalog
