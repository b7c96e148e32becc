#include "support/catch.hpp"

#include "model/column_type.hpp"

using namespace hyperschema;

static ColumnType type_of(const std::string& text) {
    std::string error;
    auto t = parse_column_type(text, {"user_role"}, &error);
    INFO(text << ": " << error);
    REQUIRE(t.has_value());
    return *t;
}

TEST_CASE("every DSL type maps to its PostgreSQL spelling", "[types]") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"smallint", "smallint"},
        {"integer", "integer"},
        {"int", "integer"},
        {"bigint", "bigint"},
        {"real", "real"},
        {"double precision", "double precision"},
        {"float8", "double precision"},
        {"numeric(12,3)", "numeric(12,3)"},
        {"numeric(10)", "numeric(10,0)"},
        {"numeric", "numeric"},
        {"text", "text"},
        {"varchar(100)", "varchar(100)"},
        {"character varying(5)", "varchar(5)"},
        {"boolean", "boolean"},
        {"bool", "boolean"},
        {"timestamptz", "timestamptz"},
        {"timestamp with time zone", "timestamptz"},
        {"timestamp", "timestamp"},
        {"date", "date"},
        {"interval", "interval"},
        {"uuid", "uuid"},
        {"jsonb", "jsonb"},
        {"json", "json"},
        {"bytea", "bytea"},
        {"text[]", "text[]"},
        {"integer[][]", "integer[][]"},
        {"user_role", "user_role"},
        {"user_role[]", "user_role[]"},
        {"Numeric( 12 , 3 )", "numeric(12,3)"},
        {"numeric(2,4)", "numeric(2,4)"},
        {"numeric(3,-2)", "numeric(3,-2)"},
        {"varchar(10485760)", "varchar(10485760)"},
        {"timestamptz(3)", "timestamptz(3)"},
        {"timestamp(0)", "timestamp(0)"},
        {"timestamp(6) with time zone", "timestamptz(6)"},
        {"timestamp(3) without time zone", "timestamp(3)"},
        {"timestamptz(3)[]", "timestamptz(3)[]"},
        {"char(3)", "char(3)"},
        {"character(3)", "char(3)"},
        {"char", "char(1)"},  // PostgreSQL's char alone is char(1)
        {"bpchar(2)", "char(2)"},
        {"bpchar", "bpchar"},  // of any length: not char(1)
        {"time", "time"},
        {"time(3)", "time(3)"},
        {"time without time zone", "time"},
        {"time(3) without time zone", "time(3)"},
        {"timetz", "timetz"},
        {"time with time zone", "timetz"},
        {"time(0) with time zone", "timetz(0)"},
        {"timetz(6)[]", "timetz(6)[]"},
        {"inet", "inet"},
        {"cidr[]", "cidr[]"},
        {"macaddr", "macaddr"},
        {"macaddr8", "macaddr8"},
    };
    for (const auto& [dsl, sql] : cases) {
        INFO(dsl);
        CHECK(type_of(dsl).sql() == sql);
    }
    CHECK(type_of("user_role").base == BaseType::Enum);
    CHECK(type_of("text[]").is_array());
    CHECK(type_of("timestamptz").is_time());
    CHECK_FALSE(type_of("timestamptz[]").is_time());
}

TEST_CASE("format_type() spellings come from the type table", "[types]") {
    const std::vector<std::pair<std::string, std::string>> cases{
        {"varchar(100)", "character varying(100)"},
        {"varchar", "character varying"},
        {"char(3)", "character(3)"},
        {"char", "character(1)"},
        {"timestamptz(3)", "timestamp(3) with time zone"},
        {"timestamp", "timestamp without time zone"},
        {"time(2)", "time(2) without time zone"},
        {"timetz", "time with time zone"},
        {"numeric(12,3)", "numeric(12,3)"},
        {"inet[]", "inet[]"},
        {"double precision", "double precision"},
    };
    for (const auto& [dsl, catalog] : cases) {
        INFO(dsl);
        CHECK(type_of(dsl).catalog_sql() == catalog);
    }
    CHECK(type_of("timetz(3)").message_name() == "time with time zone");
    CHECK(type_of("char(3)[]").message_name() == "character[]");
}

TEST_CASE("bad types are refused with a reason", "[types]") {
    std::string error;
    CHECK_FALSE(parse_column_type("timestampz", {}, &error));
    CHECK(error == "unknown column type `timestampz`");
    CHECK_FALSE(parse_column_type("varchar(0)", {}, &error));
    CHECK(error == "varchar takes one length between 1 and 10485760, as in `varchar(100)`");
    CHECK_FALSE(parse_column_type("varchar(10485761)", {}, &error));
    CHECK(error == "varchar takes one length between 1 and 10485760, as in `varchar(100)`");
    CHECK_FALSE(parse_column_type("numeric(1001,0)", {}, &error));
    CHECK(error == "numeric takes a precision from 1 to 1000 and a scale from -1000 to 1000, as in `numeric(12,3)`");
    CHECK_FALSE(parse_column_type("numeric(10,1001)", {}, &error));
    CHECK_FALSE(parse_column_type("timestamptz(7)", {}, &error));
    CHECK(error == "timestamptz takes a precision (fractional digits of seconds) from 0 to 6, as in `timestamptz(3)`");
    CHECK_FALSE(parse_column_type("date(3)", {}, &error));
    CHECK(error == "type does not take modifiers in parentheses");
    CHECK_FALSE(parse_column_type("text(10)", {}, &error));
    CHECK(error == "type does not take modifiers in parentheses");
    CHECK_FALSE(parse_column_type("char(0)", {}, &error));
    CHECK(error == "char takes one length between 1 and 10485760, as in `char(3)`");
    CHECK_FALSE(parse_column_type("time(7)", {}, &error));
    CHECK(error == "time takes a precision (fractional digits of seconds) from 0 to 6, as in `time(3)`");
    CHECK_FALSE(parse_column_type("inet(4)", {}, &error));
    CHECK(error == "type does not take modifiers in parentheses");
}
